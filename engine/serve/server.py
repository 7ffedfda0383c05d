"""The application run by uvicorn on a socket the caller has bound (so that the command knows
its port, and says "address in use" in one line, before anything starts)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from engine.serve.config import HEAD_TIMEOUT, ServeConfig

#: Connections served at once; more are answered 503 by uvicorn itself.
MAX_CONNECTIONS = 200


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (IPv4 or IPv6; port 0: any free one)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's head: a connection that has
    not sent a whole request line and headers within ``head_timeout`` seconds of opening, or of
    its last response, is closed. uvicorn has no such deadline (its keep-alive timer is reset
    by every byte), so clients trickling a header would hold every connection the server takes
    (MAX_CONNECTIONS) and the page would answer no one else. The body has its own deadline
    (engine/serve/guard.py)."""

    head_timeout: float = HEAD_TIMEOUT
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head is in: the request is underway
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():  # kept alive: the next head has its deadline
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_expired)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_expired(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def server(config: ServeConfig, *, log_level: str = "warning") -> object:
    """A uvicorn Server for the guarded application (``.run(sockets=[sock])`` serves)."""
    import uvicorn

    from engine.serve.app import create_app

    # Always h11 (not httptools, were it installed): the head deadline is h11's protocol's.
    protocol: Any = type("Protocol", (HeadDeadlineProtocol,), {"head_timeout": config.head_timeout})
    settings = uvicorn.Config(
        create_app(config),
        http=protocol,
        log_level=log_level,
        access_log=False,  # an address may carry ?token=…; nothing of a request is logged
        server_header=False,
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
        lifespan="off",
    )
    return uvicorn.Server(settings)
