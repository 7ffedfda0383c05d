"""The server's outer wall, an ASGI middleware around the whole application (outside Starlette's
error handling, so that it holds for every response, a crash's included):

- **headers** on every response: a Content-Security-Policy with no inline script or style
  (a page may add the hash of the one stylesheet of the report it embeds), frame-ancestors
  'none' and X-Frame-Options DENY (the embedded report: 'self' / SAMEORIGIN), nosniff,
  Referrer-Policy no-referrer, no caching (reports hold a county's data);
- **Host**: without a token, only this computer's names are accepted (a page elsewhere cannot
  reach the server through a DNS name rebound to 127.0.0.1);
- **the access token**, when one is configured: ``Authorization: Bearer T``, or the cookie set
  when the printed address ``/?token=T`` is opened; compared with hmac.compare_digest;
- **cross-site submissions**: a POST whose Sec-Fetch-Site is not same-origin (or, from a browser
  that sends no Sec-Fetch-Site, whose Origin is not this server's) is refused; clients such as
  curl send neither, and are not browsers another site can drive;
- **size**: a Content-Length above the limit is refused with 413 before a byte of the body is
  read; a body without one is counted as it streams, and refused as soon as it passes.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from engine.serve.config import LOOPBACK_NAMES, ServeConfig
from engine.serve.refusals import Refusal

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The policy of every page: scripts and styles from this server's files only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cache-control": "no-store",
}
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLarge(Exception):
    """The body passed the limit while it streamed (the app turns it into a 413)."""


def _headers(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        name = key.decode("latin-1").lower()
        if name not in found:  # the first of repeated headers
            found[name] = value.decode("latin-1")
    return found


def _host_name(host: str) -> str:
    """``127.0.0.1:8000`` → ``127.0.0.1``; ``[::1]:8000`` → ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def wants_json(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    return path.startswith("/api/") or path == "/health"


def _cookies(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in header.split(";"):
        name, eq, value = part.strip().partition("=")
        if eq and name not in found:
            found[name] = value
    return found


class Guard:
    """The checks above, then the application; the headers added to whatever it answers."""

    def __init__(self, app: ASGIApp, config: ServeConfig) -> None:
        self.app = app
        self.config = config
        bound = _host_name(config.host)
        self.hosts = LOOPBACK_NAMES | {"127.0.0.1", "::1", bound}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.decode("latin-1").lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k not in present]
                if "content-security-policy" not in present:
                    extra.append((b"content-security-policy", CSP.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await refuse(scope, guarded_send, refusal)
            return
        redirect = self._token_redirect(scope)
        if redirect is not None:
            await guarded_send(redirect[0])
            await guarded_send(redirect[1])
            return

        limit, received = self.config.max_body, 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        # Starlette has answered an exception with 500 (one sentence, no traceback) and the
        # application has logged it; re-raised, the server would log it a second time.
        with contextlib.suppress(Exception):
            await self.app(scope, counted_receive, guarded_send)

    # -- the checks -----------------------------------------------------------------------

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> Refusal | None:
        token = self.config.token
        host = headers.get("host", "")
        if token is None and _host_name(host) not in self.hosts:
            return Refusal.say(403, "serve_host", params={"host": host[:100] or "—"})
        if token is not None and not self._authorised(scope, headers, token):
            return Refusal.say(401, "serve_token", headers={"www-authenticate": "Bearer"})
        if scope.get("method", "GET") in _UNSAFE_METHODS and self._cross_site(headers, scope):
            return Refusal.say(403, "serve_cross_site")
        length = headers.get("content-length")
        if length is not None and (
            not length.strip().isdigit() or int(length) > self.config.max_body
        ):
            return too_large(self.config.max_body)
        return None

    def _authorised(self, scope: Scope, headers: dict[str, str], token: str) -> bool:
        given: list[str] = []
        scheme, _, value = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            given.append(value.strip())
        cookie = _cookies(headers.get("cookie", "")).get(self.config.cookie_name)
        if cookie is not None:
            given.append(cookie)
        if scope.get("method") == "GET":
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if "token" in query:
                given.append(query["token"])
        expected = token.encode()
        # Every candidate compared in full: no early exit that a clock could tell apart.
        matches = [hmac.compare_digest(g.encode(), expected) for g in given]
        return any(matches)

    def _cross_site(self, headers: dict[str, str], scope: Scope) -> bool:
        """Sec-Fetch-Site decides where a browser sends it (page scripts cannot set it); else
        the Origin must be this server's. (With Referrer-Policy no-referrer a browser sends
        ``Origin: null`` on its form posts, so Origin alone would refuse our own pages.)"""
        site = headers.get("sec-fetch-site")
        if site is not None:
            return site.strip().lower() not in ("same-origin", "none")
        origin = headers.get("origin")
        if origin is None:
            return False
        expected = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
        return origin.strip().lower() != expected

    def _token_redirect(self, scope: Scope) -> tuple[Message, Message] | None:
        """``GET /page?token=T`` (already checked): the cookie set, and the address without the
        token (so that it is not left in the history or a bookmark)."""
        if self.config.token is None or scope.get("method") != "GET":
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if not any(k == "token" for k, _ in query):
            return None
        rest = urlencode([(k, v) for k, v in query if k != "token"])
        location = scope.get("path", "/") + (f"?{rest}" if rest else "")
        cookie = f"{self.config.cookie_name}={self.config.token}; Path=/; HttpOnly; SameSite=Strict"
        start = {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1", "replace")),
                (b"set-cookie", cookie.encode()),
                (b"content-length", b"0"),
            ],
        }
        return start, {"type": "http.response.body", "body": b""}


def too_large(limit: int) -> Refusal:
    return Refusal.say(413, "serve_too_large", params={"limit": f"{limit:,}"})


async def refuse(scope: Scope, send: Send, refusal: Refusal) -> None:
    """A refusal before the application runs: the JSON error document for the API, a short
    page otherwise (the application's own pages are not used: the request is not trusted)."""
    if wants_json(scope):
        body = refusal.json_text().encode()
        media = b"application/json"
    else:
        body = _plain_page(refusal).encode()
        media = b"text/html; charset=utf-8"
    headers = [(b"content-type", media), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in refusal.headers.items()]
    if refusal.status == 413:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _plain_page(refusal: Refusal) -> str:
    """The refusal in both languages (the request's language is not trusted yet), with the
    page's stylesheet unless the refusal is that of a missing token."""
    from html import escape

    rows = "".join(
        f'<tr class="problem" data-code="{escape(p.code)}"><td class="text">'
        f'<span lang="zh">{escape(p.message["zh"])}</span><br>'
        f'<span lang="en">{escape(p.message["en"])}</span></td></tr>'
        for p in refusal.problems
    )
    style = "" if refusal.status == 401 else '<link rel="stylesheet" href="/static/app.css">'
    back = "" if refusal.status == 401 else '<p><a href="/">重新开始 / Start again</a></p>'
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{refusal.status}</title>{style}</head><body><main>"
        f'<section class="errors" id="errors" role="alert" data-status="{refusal.status}">'
        f"<table><tbody>{rows}</tbody></table></section>{back}</main></body></html>"
    )
