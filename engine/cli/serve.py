"""``assess serve``: the web page and its API on this computer (engine/serve)."""

from __future__ import annotations

import errno
import sys
from dataclasses import replace
from typing import Any

import click

from engine.cli.usage import Failure, Usage

HELP_EPILOG = """\b
Open the printed address in a browser. Uploaded files are used while they are
processed and then deleted; nothing is kept. On an address other than this
computer's (127.0.0.1, localhost, ::1) an access token is required: give
--token, or one is made and printed with the address to open.

\b
Examples:
  assess serve                              # http://127.0.0.1:8000/
  assess serve --port 8080
  assess serve --host 0.0.0.0 --token "$(cat token.txt)"
"""


#: Why a socket cannot listen, in Chinese (strerror is English).
_REASONS_ZH = {
    errno.EADDRINUSE: "该端口已被占用，请用 --port 另选端口",
    errno.EACCES: "没有权限（1024 以下的端口需要管理员权限）",
    errno.EADDRNOTAVAIL: "本机没有这个地址",
}


@click.command(
    "serve",
    epilog=HELP_EPILOG,
    short_help="The checks as a web page on this computer (and an HTTP API).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port (0: any free one).",
)
@click.option(
    "--token",
    metavar="TOKEN",
    default=None,
    envvar="ASSESS_SERVE_TOKEN",
    help="An access token every request must carry (Authorization: Bearer, or the cookie set "
    "by opening the printed address). Required beyond this computer: made if not given.",
)
def serve_command(**params: Any) -> None:
    """Serve the checks as web pages (检查一个县, 准备填报, 差距与模拟测算, 中期监测, 全省汇总)
    and as an HTTP API (GET /api/openapi.json), until Ctrl+C."""
    try:
        from engine.serve.config import ServeConfig
        from engine.serve.server import bind, server
    except ImportError as exc:  # the serve extra is not installed
        raise Failure("serve_needs_packages", package=exc.name) from None
    token = params["token"]
    if token is not None and len(token.strip()) < 16:
        raise Usage("usage_token_short")
    config, made = ServeConfig(host=params["host"], port=params["port"], token=token).checked()
    try:
        sock = bind(config.host, config.port)
    except OSError as exc:
        english = exc.strerror or str(exc)
        reason = {"en": english, "zh": _REASONS_ZH.get(exc.errno or 0, english)}
        raise Failure(
            "serve_cannot_listen", host=config.host, port=config.port, reason=reason
        ) from None
    port = sock.getsockname()[1]
    config = replace(config, port=port)
    lines = [f"county-assess: open {config.url(with_token=True)} in a browser (Ctrl+C stops)"]
    if made:
        lines.append(
            "  an access token was made for this run (it is in the address above); "
            "API clients send it as 'Authorization: Bearer TOKEN'"
        )
    if not config.loopback:
        lines.append(
            "  from another computer, use this computer's address instead of the one above"
        )
    click.echo("\n".join(lines))
    sys.stdout.flush()
    try:
        server(config).run(sockets=[sock])  # type: ignore[attr-defined]
    finally:
        sock.close()
