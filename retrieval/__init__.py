# One import name per module: the folder installs as partnerbot.retrieval (setuptools' package-dir
# mapping); importing it as `retrieval` from a checkout would load every module a second time.
if __name__ != "partnerbot.retrieval":
    raise ImportError(f"import partnerbot.retrieval, not {__name__}: the layers install as partnerbot.<layer>")
