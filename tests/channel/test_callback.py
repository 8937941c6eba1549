"""The callback address served on this computer while `listsync auth` waits."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from listsync.channel.callback import CallbackCatcher
from listsync.i18n import speaking


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def catcher() -> Iterator[CallbackCatcher]:
    caught = CallbackCatcher(f"http://127.0.0.1:{free_port()}/listsync/callback")
    assert caught.start()
    yield caught
    caught.close()


def browse(url: str) -> tuple[threading.Thread, dict[str, requests.Response]]:
    """A browser landing on ``url``: it waits for its page, so it runs in a thread."""
    seen: dict[str, requests.Response] = {}
    thread = threading.Thread(target=lambda: seen.update(page=requests.get(url, timeout=30)))
    thread.start()
    return thread, seen


def test_the_browser_gets_the_outcome_as_its_page(catcher: CallbackCatcher) -> None:
    back = f"http://127.0.0.1:{catcher.port}/listsync/callback?code=abc&state=s"
    thread, seen = browse(back)
    assert catcher.wait() == back and catcher.source == "browser"
    with speaking("vi"):  # the page speaks the command's language, not the server thread's
        catcher.connected("shopee", "2000001")
    thread.join(30)
    page = seen["page"]
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'lang="vi"' in page.text and "2000001" in page.text


def test_a_failure_is_shown_escaped(catcher: CallbackCatcher) -> None:
    thread, seen = browse(f"http://127.0.0.1:{catcher.port}/listsync/callback?error=x")
    catcher.wait()
    catcher.failed("Sàn said <no>")
    thread.join(30)
    assert "The shop is not connected: Sàn said &lt;no&gt;" in seen["page"].text


def test_a_pasted_address_comes_first(catcher: CallbackCatcher) -> None:
    catcher.offer("   \n")  # an empty line is no address
    catcher.offer(" http://127.0.0.1:8765/listsync/callback?code=pasted \n")
    assert catcher.wait() == "http://127.0.0.1:8765/listsync/callback?code=pasted"
    assert catcher.source == "pasted"


def test_other_paths_are_not_found(catcher: CallbackCatcher) -> None:
    assert (
        requests.get(f"http://127.0.0.1:{catcher.port}/favicon.ico", timeout=5).status_code == 404
    )


def test_closing_lets_a_waiting_browser_go(catcher: CallbackCatcher) -> None:
    thread, seen = browse(f"http://127.0.0.1:{catcher.port}/listsync/callback?code=abc")
    catcher.wait()
    catcher.close()
    thread.join(30)
    assert "listsync stopped waiting" in seen["page"].text


@pytest.mark.parametrize(
    "callback",
    ["https://127.0.0.1:8765/listsync/callback", "http://shop.example.vn/listsync/callback"],
)
def test_an_address_elsewhere_is_not_served(callback: str) -> None:
    assert not CallbackCatcher(callback).start()


def test_a_busy_port_is_not_served() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        catcher = CallbackCatcher(f"http://localhost:{port}/listsync/callback")
        assert catcher.local and not catcher.start()
