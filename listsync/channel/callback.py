"""The callback address caught on this computer, so no one has to copy it from the browser.

After the consent page, the marketplace sends the seller's browser to the callback address
registered for the app, by default ``http://127.0.0.1:8765/listsync/callback``. While
``listsync auth`` waits, :class:`CallbackCatcher` serves that address itself (127.0.0.1
only, that one port and path, one visit): the address the browser arrives at is handed to
the waiting command, and the browser is kept waiting until the command says how the
connection went, which becomes the page it shows. An address pasted by hand
(:meth:`CallbackCatcher.offer`) works as before; whichever comes first is used. When the
callback is not on this computer, or its port is taken, nothing is served and pasting is
the only way.
"""

from __future__ import annotations

import html
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import urlsplit

from listsync.i18n import _, current_language

LOCAL_HOSTS = ("127.0.0.1", "localhost")
ANSWER_WAIT = 120.0  # seconds the browser is kept waiting for the outcome
Source = Literal["browser", "pasted"]


class CallbackCatcher:
    """Serves ``callback_url`` once, on 127.0.0.1, between :meth:`start` and :meth:`close`."""

    def __init__(self, callback_url: str):
        parts = urlsplit(callback_url)
        self.path = parts.path or "/"
        self.local = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
        self.port = parts.port or 80
        self.source: Source | None = None
        self._arrived: queue.Queue[tuple[Source, str]] = queue.Queue()
        self._answered = threading.Event()
        self._page = b""
        self._server: ThreadingHTTPServer | None = None
        self._taken = threading.Lock()

    # -- the command's side ----------------------------------------------------------------
    def start(self) -> bool:
        """Listen at the callback address; False when it is not on this computer (or not
        plain http) or its port is taken, and then nothing is served."""
        if not self.local:
            return False
        try:
            server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        except OSError:
            return False
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, name="listsync-callback", daemon=True).start()
        return True

    def offer(self, address: str) -> None:
        """An address pasted by hand: taken if the browser has not come back first."""
        if address.strip():
            self._arrived.put(("pasted", address.strip()))

    def wait(self, poll: float = 0.25) -> str:
        """The first address to arrive, from the browser or pasted (Ctrl-C still stops)."""
        while True:
            try:
                self.source, address = self._arrived.get(timeout=poll)
                return address
            except queue.Empty:
                continue

    def connected(self, channel: str, shop: str) -> None:
        """Tell the browser (if it is the one that came back) that the shop is connected."""
        self._answer(
            _("{channel}: shop {shop} is connected.").format(channel=channel, shop=shop),
            _("You can close this tab and go back to listsync."),
        )

    def failed(self, error: str) -> None:
        """Tell the browser (if it is the one that came back) why nothing was connected."""
        self._answer(
            _("The shop is not connected: {error}").format(error=error),
            _("Go back to listsync to see what to do."),
        )

    def close(self) -> None:
        if not self._answered.is_set():
            self.failed(_("listsync stopped waiting"))
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _answer(self, headline: str, advice: str) -> None:
        """The page, made here so it speaks the command's language, whatever the thread."""
        self._page = (
            f'<!doctype html><html lang="{current_language()}"><meta charset="utf-8">'
            f"<title>listsync</title><h1>{html.escape(headline)}</h1>"
            f"<p>{html.escape(advice)}</p></html>"
        ).encode()
        self._answered.set()

    # -- the browser's side ----------------------------------------------------------------
    def _arrive(self, request_path: str) -> tuple[int, bytes]:
        if urlsplit(request_path).path != self.path:
            return 404, b""
        if self._taken.acquire(blocking=False):  # else a reload, or a second tab
            self._arrived.put(("browser", f"http://127.0.0.1:{self.port}{request_path}"))
        self._answered.wait(ANSWER_WAIT)
        return 200, self._page


def _handler(catcher: CallbackCatcher) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, page = catcher._arrive(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the address carries the consent code, and the terminal is the clerk's."""

    return Handler
