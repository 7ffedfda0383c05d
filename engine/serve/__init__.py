"""``assess serve``: the checks as web pages for people who do not use a terminal, and the same
answers as an HTTP API (docs/architecture.md, "The web page").

- ``config.py``  where it listens, the access token, the bounds (body size, deadlines, workers)
- ``guard.py``   the outer wall: security headers, Host, token, cross-site posts, body size
- ``app.py``     the pages (Check a county, Prepare, Plan, Monitor, A province) on Starlette
- ``api.py``     ``/api/assess`` and the rest, and the OpenAPI document
- ``work.py``    the calls into the library, run in worker threads on uploads kept in a
                 private temporary folder for the time of one job
- ``refusals.py`` the command's error document with an HTTP status
- ``words.py``   the page's labels in Chinese and English
- ``server.py``  uvicorn, on a socket bound by the command

Starlette, uvicorn, python-multipart and Jinja2 are the ``serve`` extra
(``pip install 'county-assess[serve]'``); nothing else imports this package.
"""

from __future__ import annotations

from engine.serve.config import ServeConfig

__all__ = ["ServeConfig"]
