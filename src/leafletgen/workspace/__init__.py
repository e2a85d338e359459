"""`leafletgen serve`: a local web workspace over a project folder, for the coordinator,
translators and reviewers who do not use a terminal.

The YAML files stay the one source of truth: every page reads them, every form writes them
through the same functions as the command line (validated, atomic, comments kept), and
every PDF and page image comes from the command line's own build, run as a separate process.

- guard.py: who may ask (a token printed at start, a session cookie, CSRF), and which
  files a URL may name;
- builds.py: the background builds that make the previews after every save;
- editing.py: the translation editor's rows, the edits a form carries, saving them;
- app.py: the pages and forms.
"""
