"""The application run by uvicorn on a socket the caller has bound (so that the command knows
its port, and says "address in use" in one line, before anything starts)."""

from __future__ import annotations

import socket

from engine.serve.config import ServeConfig

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


def server(config: ServeConfig, *, log_level: str = "warning") -> object:
    """A uvicorn Server for the guarded application (``.run(sockets=[sock])`` serves)."""
    import uvicorn

    from engine.serve.app import create_app

    settings = uvicorn.Config(
        create_app(config),
        log_level=log_level,
        access_log=False,  # an address may carry ?token=…; nothing of a request is logged
        server_header=False,
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
        lifespan="off",
    )
    return uvicorn.Server(settings)
