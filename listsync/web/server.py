"""Serving the app with uvicorn: in the foreground for ``listsync web``, or in a thread
(tests, a program embedding the pages).

The socket is bound here, before uvicorn starts, so a port in use is one sentence (and
exit code 2) rather than uvicorn's log line and exit.
"""

from __future__ import annotations

import errno
import socket
import threading
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from listsync.errors import InputError
from listsync.i18n import _


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(
                _(
                    "port {port} is in use (another listsync web?): choose another with --port"
                ).format(port=port)
            ) from None
        raise InputError(
            _("cannot listen on {host}:{port}: {reason}").format(
                host=host, port=port, reason=exc.strerror or exc
            )
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


@dataclass
class Served:
    """A server running in a thread of this process."""

    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _config(app: Starlette) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",  # on the way out, a sync still going stops at a safe point
        server_header=False,
        timeout_graceful_shutdown=3,
    )


def serve(app: Starlette, sock: socket.socket) -> None:
    """Serve until interrupted (Ctrl+C)."""
    uvicorn.Server(_config(app)).run(sockets=[sock])


def serve_in_thread(app: Starlette, host: str = "127.0.0.1", port: int = 0) -> Served:
    sock = bind(host, port)
    server = uvicorn.Server(_config(app))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="listsync-web", daemon=True
    )
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.01)
    return Served(server, thread, url_of(host, sock.getsockname()[1]))
