# One import name per module: the folder installs as partnerbot.adapters (setuptools' package-dir
# mapping); importing it as `adapters` from a checkout would load every module a second time.
if __name__ != "partnerbot.adapters":
    raise ImportError(f"import partnerbot.adapters, not {__name__}: the layers install as partnerbot.<layer>")
