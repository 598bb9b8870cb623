# One import name per module: the folder installs as partnerbot.corpus (setuptools' package-dir
# mapping); importing it as `corpus` from a checkout would load every module a second time.
if __name__ != "partnerbot.corpus":
    raise ImportError(f"import partnerbot.corpus, not {__name__}: the layers install as partnerbot.<layer>")
