# One import name per module: the folder installs as partnerbot.bot (setuptools' package-dir
# mapping); importing it as `bot` from a checkout would load every module a second time.
if __name__ != "partnerbot.bot":
    raise ImportError(f"import partnerbot.bot, not {__name__}: the layers install as partnerbot.<layer>")
