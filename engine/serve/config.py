"""What the server is told at start: where it listens, its access token and its bounds."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, replace

#: Names that always mean this computer.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})

#: At most this many bytes in one request (the loaders read at most 20 MB of a table; a form
#: that carries a file back as text needs a third more).
MAX_BODY = 32_000_000
#: At most this many seconds to assess one request (in a worker thread).
TIMEOUT = 60.0
#: At most this many seconds to receive a request's body.
UPLOAD_TIMEOUT = 60.0
#: At most this many seconds to receive a request's head (its line and headers), from the
#: connection or the last response: a client sending a header a byte at a time would otherwise
#: hold one of the MAX_CONNECTIONS for ever (engine/serve/server.py).
HEAD_TIMEOUT = 10.0
#: Assessments run at once (durable-rules fires one fact at a time anyway).
WORKERS = 4


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for every other name or address
    (0.0.0.0 and :: listen on every interface)."""
    text = host.strip().strip("[]").lower()
    if text in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """An access token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ServeConfig:
    """The server's settings. ``token`` None is allowed only on a loopback address
    (:meth:`checked` makes one otherwise)."""

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_body: int = MAX_BODY
    timeout: float = TIMEOUT
    upload_timeout: float = UPLOAD_TIMEOUT
    head_timeout: float = HEAD_TIMEOUT
    workers: int = WORKERS

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def checked(self) -> tuple[ServeConfig, bool]:
        """This configuration with a token generated when it listens beyond this computer and
        none was given, and whether one was generated."""
        if self.token is None and not self.loopback:
            return replace(self, token=new_token()), True
        return self, False

    @property
    def cookie_name(self) -> str:
        """The token's cookie: cookies ignore ports, so two servers on one host keep theirs
        apart by name."""
        return f"assess_token_{self.port}"

    def url(self, *, with_token: bool = False) -> str:
        host = self.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1" if host != "::" else "::1"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        url = f"http://{host}:{self.port}/"
        return f"{url}?token={self.token}" if with_token and self.token else url
