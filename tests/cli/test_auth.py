"""`listsync auth` against the marketplace sandboxes, as a clerk runs it in a terminal.

The consent pages of the sandboxes approve at once and send the browser back to the
callback address: `auth` catches it there by itself, so nothing is pasted. Pasting still
works, first come first served, and is the way when the callback's port is taken.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from listsync.channel.registry import default_registry
from listsync.sandbox.harness import SandboxServer
from listsync.workspace import Workspace
from tests.cli.test_main import run
from tests.sync.support import LISTSYNC, listsync, write_workspace

NAMES = ("shopee", "lazada", "tiki", "alibaba")


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, SandboxServer]]:
    registry = default_registry()
    with ExitStack() as stack:
        yield {
            name: stack.enter_context(SandboxServer(registry.get(name).sandbox()))  # type: ignore[misc]
            for name in NAMES
        }


@pytest.fixture
def root(tmp_path: Path, servers: dict[str, SandboxServer]) -> Path:
    """A workspace set up for every sandbox, no shop connected yet: no shop_id either,
    `listsync auth` saves it."""
    for server in servers.values():
        server.clear_faults()
    write_workspace(tmp_path / "ws", servers)
    config = tmp_path / "ws" / "listsync.toml"
    config.write_text(re.sub(r"(?m)^shop_id = .*\n", "", config.read_text("utf-8")), "utf-8")
    return tmp_path / "ws"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Auth:
    """``listsync auth NAME --callback CALLBACK`` running in a child process."""

    def __init__(self, root: Path, name: str, callback: str):
        env = {k: v for k, v in os.environ.items() if not k.startswith("LISTSYNC_")}
        self.process = subprocess.Popen(
            [*LISTSYNC, "-w", str(root), "auth", name, "--callback", callback],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, "LISTSYNC_LANG": "en"},
        )
        self.shown: list[str] = []

    def link(self) -> str:
        """The consent link, once the command has shown it and what follows it."""
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            assert line, "".join(self.shown) + self.finish()[1]
            self.shown.append(line)
            if line.startswith("2."):
                return next(s.strip() for s in self.shown if s.startswith("   http"))

    def paste(self, address: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(address + "\n")
        self.process.stdin.flush()

    def finish(self) -> tuple[int, str]:
        """Its exit code and all it wrote (read through the same buffered streams as
        :meth:`link`: ``communicate`` would skip what they already hold)."""
        assert self.process.stdin and self.process.stdout and self.process.stderr
        self.process.stdin.close()
        with self.process.stdout, self.process.stderr:
            out, err = self.process.stdout.read(), self.process.stderr.read()
        return self.process.wait(timeout=60), "".join(self.shown) + out + err


def shop_token(root: Path, name: str, shop: str) -> object:
    with Workspace.open(root) as ws:
        return ws.tokens.load(name, shop)


def saved_shop(root: Path, name: str) -> str:
    """The shop_id the next command will use: listsync.toml read again."""
    with Workspace.open(root) as ws:
        return str(getattr(ws.channel_settings(name), "shop_id", ""))


def consent_return(root: Path, name: str) -> str:
    """The address the marketplace's consent page sends the browser back to."""
    with Workspace.open(root) as ws:
        channel = ws.channel(name)
        try:
            link = channel.authorization_url("http://127.0.0.1:9/listsync/callback")
        finally:
            channel.close()
    return str(requests.get(link, allow_redirects=False, timeout=30).headers["Location"])


@pytest.mark.parametrize("name", NAMES)
def test_the_browser_coming_back_is_caught_without_pasting(
    root: Path, servers: dict[str, SandboxServer], name: str
) -> None:
    callback = f"http://127.0.0.1:{free_port()}/listsync/callback"
    auth = Auth(root, name, callback)
    try:
        page = requests.get(auth.link(), timeout=60)  # the browser: consent, then back
    finally:
        code, output = auth.finish()
    shop = str(servers[name].describe()["shop_id"])
    assert code == 0, output
    assert page.status_code == 200 and page.url.startswith(callback)
    assert f"{name}: shop {shop} is connected." in page.text and "close this tab" in page.text
    assert "The browser came back" in output
    config = root / "listsync.toml"
    assert f"{name}: shop {shop} is connected; its shop_id is saved in {config}." in output
    assert "Add shop_id" not in output
    assert shop_token(root, name, shop) is not None
    assert f'shop_id = "{shop}"' in config.read_text("utf-8")
    assert saved_shop(root, name) == shop
    assert stat.S_IMODE(config.stat().st_mode) == 0o600  # it holds the sandboxes' secrets


def test_a_pasted_address_still_works_while_listsync_waits(
    root: Path, servers: dict[str, SandboxServer]
) -> None:
    callback = f"http://127.0.0.1:{free_port()}/listsync/callback"
    auth = Auth(root, "lazada", callback)
    try:
        consent = requests.get(auth.link(), allow_redirects=False, timeout=60)
        auth.paste(consent.headers["Location"])
    finally:
        code, output = auth.finish()
    assert code == 0, output
    assert "paste the whole address" in output and "The browser came back" not in output
    assert shop_token(root, "lazada", str(servers["lazada"].describe()["shop_id"])) is not None
    with pytest.raises(requests.ConnectionError):  # nothing is left listening
        requests.get(callback, timeout=5)


def test_a_busy_port_means_pasting_and_says_so(
    root: Path, servers: dict[str, SandboxServer]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        auth = Auth(root, "shopee", f"http://127.0.0.1:{port}/listsync/callback")
        try:
            consent = requests.get(auth.link(), allow_redirects=False, timeout=60)
            auth.paste(consent.headers["Location"])
        finally:
            code, output = auth.finish()
    assert code == 0, output
    assert f"port {port} on this computer is in use" in output
    assert "Paste that whole address here" in output
    assert shop_token(root, "shopee", str(servers["shopee"].describe()["shop_id"])) is not None


def test_a_refused_code_is_shown_in_the_browser_and_the_terminal(
    root: Path, servers: dict[str, SandboxServer]
) -> None:
    servers["lazada"].add_fault(
        action="status",
        status=200,
        path="/auth/rest/auth/token/create",
        body={"type": "ISV", "code": "InvalidCode", "message": "The code is invalid or expired"},
    )
    auth = Auth(root, "lazada", f"http://127.0.0.1:{free_port()}/listsync/callback")
    try:
        page = requests.get(auth.link(), timeout=60)
    finally:
        code, output = auth.finish()
    assert code == 1, output
    assert (
        "The shop is not connected" in page.text and "refused the authorization code" in page.text
    )
    assert "refused the authorization code" in output and "no longer" not in output


@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_code_on_a_first_connection_says_to_get_a_new_one(
    root: Path, servers: dict[str, SandboxServer], name: str
) -> None:
    """Nothing was connected before, so the message is about the code, not about an
    authorization that ended."""
    wrong = consent_return(root, name).replace("code=", "code=0_not", 1)
    result = run("-w", str(root), "auth", name, "--redirect-url", wrong)
    assert result.exit_code == 1, result.output
    assert "refused the authorization code" in result.output
    assert f"run `listsync auth {name}` again" in result.output
    assert "no longer" not in result.output


def test_the_shop_connected_replaces_another_in_listsync_toml_and_the_next_sync_uses_it(
    root: Path, servers: dict[str, SandboxServer]
) -> None:
    config = root / "listsync.toml"
    text = config.read_text("utf-8")
    config.write_text(
        text.replace("[channels.lazada]\n", '[channels.lazada]\nshop_id = "VN0000001"\n'), "utf-8"
    )
    refused = listsync(root, "sync", "--channel", "lazada")  # no tokens for that shop
    assert refused.returncode != 0 and "not connected for this shop yet" in refused.stdout
    result = run(
        "-w", str(root), "auth", "lazada", "--redirect-url", consent_return(root, "lazada")
    )
    shop = str(servers["lazada"].describe()["shop_id"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"lazada: shop {shop} is connected; its shop_id is saved in {config} (it was VN0000001)."
    )
    assert config.read_text("utf-8") == text.replace(
        "[channels.lazada]\n", f'[channels.lazada]\nshop_id = "{shop}"\n'
    )
    synced = listsync(root, "sync", "--channel", "lazada")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    again = run("-w", str(root), "auth", "lazada", "--redirect-url", consent_return(root, "lazada"))
    assert again.output.strip() == f"lazada: shop {shop} is connected."
