"""Who gets in, what a page may be made to do, and what may be read or written: the
password when the pages are open to the network, CSRF on every POST, escaping, uploads,
static files, and one sync at a time."""

from __future__ import annotations

import http.client
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from click.testing import CliRunner

from listsync.catalog.model import LocalizedText, Product
from listsync.errors import ConfigError, InputError
from listsync.settings import load_settings
from listsync.sync.runlock import run_lock
from listsync.web.app import build_app
from listsync.web.security import (
    PASSWORD_VAR,
    SECRET_VAR,
    hash_password,
    is_local,
    set_password,
    verify_password,
)
from tests.sync.support import SandboxWorkspace
from tests.web.support import CSRF, Web, served
from tests.web.test_pages import wait_for_sync

SCRIPT = "<script>alert(1)</script>"


def listsync(*args: str, stdin: str | None = None) -> tuple[int, str]:
    from listsync.cli.main import main

    def entry() -> None:
        main(list(args))

    import click

    command = click.Command("listsync", callback=entry)
    result = CliRunner().invoke(command, [], input=stdin, catch_exceptions=False)
    return result.exit_code, result.output


# -- the password ------------------------------------------------------------------------------
def test_a_password_is_kept_as_a_salted_scrypt_hash() -> None:
    first, second = hash_password("mật khẩu kho"), hash_password("mật khẩu kho")
    assert first != second and first.startswith("scrypt$16384$8$1$")
    assert verify_password("mật khẩu kho", first) and verify_password("mật khẩu kho", second)
    assert not verify_password("mật khẩu khác", first)
    assert not verify_password("anything", "not a hash") and not verify_password("x", "")


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
    ],
)
def test_which_addresses_are_this_computer_only(host: str, local: bool) -> None:
    assert is_local(host) is local


def test_opened_to_the_network_without_a_password_it_refuses_to_start(
    shop: SandboxWorkspace,
) -> None:
    with pytest.raises(ConfigError, match="set a password first"):
        build_app(shop.root, host="0.0.0.0")
    code, output = listsync("-w", str(shop.root), "web", "--host", "0.0.0.0", "--no-browser")
    assert code == 2
    assert output.strip().count("\n") == 0, output
    assert output.startswith("error: ") and "listsync web --set-password" in output


def test_set_password_asks_twice_and_keeps_only_the_hash_in_the_private_env(
    shop: SandboxWorkspace,
) -> None:
    code, output = listsync(
        "-w",
        str(shop.root),
        "web",
        "--set-password",
        stdin="khác nhau\nkhông khớp\nkho-sen-2026\nkho-sen-2026\n",
    )
    assert code == 0, output
    assert output.count("Repeat it") == 2  # the two that differed were asked again
    env = shop.root / ".env"
    assert os.stat(env).st_mode & 0o777 == 0o600
    text = env.read_text(encoding="utf-8")
    assert "kho-sen-2026" not in text and f"{PASSWORD_VAR}=scrypt$" in text
    assert f"{SECRET_VAR}=" in text and "LISTSYNC_LEDGER_KEY=" in text  # the rest kept
    stored = load_settings(shop.root).web_password_hash
    assert stored is not None and verify_password("kho-sen-2026", stored.get_secret_value())
    short = listsync(
        "-w", str(shop.root), "web", "--set-password", stdin="ngan\nkho-moi-2027\nkho-moi-2027\n"
    )
    assert short[0] == 0 and "at least 8 characters" in short[1]  # and asked again
    stored = load_settings(shop.root).web_password_hash
    assert stored is not None and verify_password("kho-moi-2027", stored.get_secret_value())


def test_the_password_hash_is_refused_in_listsync_toml(shop: SandboxWorkspace) -> None:
    config = shop.root / "listsync.toml"
    config.write_text('web_password_hash = "scrypt$1"\n' + config.read_text(), encoding="utf-8")
    with pytest.raises(ConfigError, match="is a secret: keep it only in"):
        load_settings(shop.root)


@pytest.fixture
def network(shop: SandboxWorkspace) -> Web:
    set_password(load_settings(shop.root), "kho-sen-2026")
    with served(shop.root, network=True) as (_running, client):
        yield client  # type: ignore[misc]


def test_on_the_network_nothing_is_shown_without_the_password(
    network: Web, shop: SandboxWorkspace
) -> None:
    for path in ("/", "/products", "/stock/TSTH-100", "/report/export.csv", "/catalog/current.csv"):
        reply = network.get(path, allow_redirects=False)
        assert reply.status_code == 303 and reply.headers["location"].startswith("/login")
        assert "TSTH" not in reply.text
    polled = network.get("/sync/progress", headers={"HX-Request": "true"})
    assert polled.status_code == 401 and polled.headers["HX-Redirect"] == "/login"
    posted = network.session.post(network.link("/sync/start"), data={}, allow_redirects=False)
    assert posted.status_code in (401, 403)
    assert shop.ledger.runs() == []
    assert network.get("/static/listsync.css").status_code == 200  # the login page's look
    wrong = network.post("/login", {"password": "đoán thử", "next": "/products"}, page="/login")
    assert wrong.status_code == 401 and "Wrong password." in wrong.text


def test_on_the_network_the_password_opens_the_pages(network: Web) -> None:
    page = network.get("/products")
    assert page.url.endswith("/login?next=/products")
    signed = network.post(
        "/login", {"password": "kho-sen-2026", "next": "/products"}, page="/login"
    )
    assert signed.status_code == 200 and signed.url.endswith("/products")
    assert "TSTH" in signed.text and "Log out" in signed.text
    cookie = next(c for c in network.session.cookies if c.name == "listsync_session")
    assert (
        cookie.has_nonstandard_attr("httponly") and cookie.get_nonstandard_attr("samesite") == "lax"
    )
    raw = requests.post(
        network.link("/login"),
        data={"password": "kho-sen-2026", "csrf": CSRF.search(network.get("/login").text)[1]},  # type: ignore[index]
        cookies=network.session.cookies,
        allow_redirects=False,
        timeout=10,
    )
    assert "samesite=lax" in raw.headers["set-cookie"].lower()
    assert "httponly" in raw.headers["set-cookie"].lower()
    network.post("/logout", page="/products")
    assert network.get("/products", allow_redirects=False).status_code == 303


def test_wrong_passwords_are_slowed_down(network: Web) -> None:
    for _try in range(5):
        assert network.post("/login", {"password": "sai"}, page="/login").status_code == 401
    blocked = network.post("/login", {"password": "kho-sen-2026"}, page="/login")
    assert blocked.status_code == 429 and "Too many wrong passwords" in blocked.text


# -- CSRF --------------------------------------------------------------------------------------
def test_every_post_without_the_pages_token_is_refused(web: Web, shop: SandboxWorkspace) -> None:
    from starlette.routing import Route

    app = build_app(shop.root)
    posts = [r.path for r in app.routes if isinstance(r, Route) and "POST" in (r.methods or ())]
    assert len(posts) >= 11
    web.get("/sync")  # a session with a token of its own
    for path in posts:
        concrete = path.replace("{name}", "lazada")
        for form in ({}, {"csrf": "forged"}):
            reply = web.session.post(web.link(concrete), data=form, timeout=10)
            assert reply.status_code == 403, (path, form, reply.status_code)
            assert "reload the page" in reply.text
        # the htmx header with the right token is accepted (whatever the action then says)
        token = web.token()
        reply = web.session.post(web.link(concrete), headers={"X-CSRF-Token": token}, timeout=30)
        assert reply.status_code != 403, path
    wait_for_sync(web)  # the one /sync/start the right header started
    assert [run.command for run in shop.ledger.runs()] == ["sync"]


def test_a_token_from_another_session_is_refused(web: Web) -> None:
    other = requests.Session()
    stolen = CSRF.search(other.get(web.link("/sync"), timeout=10).text)[1]  # type: ignore[index]
    reply = web.session.post(web.link("/sync/plan"), data={"csrf": stolen}, timeout=10)
    assert reply.status_code == 403


# -- what a page shows ------------------------------------------------------------------------
def test_a_product_named_like_a_script_is_shown_as_text(web: Web, shop: SandboxWorkspace) -> None:
    odd = Product(
        sku="XSS-1", name=LocalizedText(vi=SCRIPT), category="tea", weight_g=100, price_vnd=1000
    )
    shop.ledger.upsert_products([*shop.ledger.products(), odd])
    shop.ws.set_stock("XSS-1", 2)
    for path in ("/", "/products", "/stock", "/report?by=product"):
        page = web.get(path).text
        assert SCRIPT not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    headers = web.get("/products").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


# -- uploads ----------------------------------------------------------------------------------
def test_an_upload_named_to_climb_out_is_never_written_outside(
    web: Web, shop: SandboxWorkspace, tmp_path: Path
) -> None:
    before = {p for p in tmp_path.rglob("*")}
    body = "sku,name_vi,category,weight_g,price_vnd\nEVIL-1,Ác,tea,1,1\n"
    for name in ("../../evil.csv", "..\\..\\evil.csv", "/etc/evil.csv"):
        files = {"file": (name, body.encode(), "text/csv")}
        reply = web.post("/catalog/check", files=files, page="/catalog")
        assert reply.status_code in (200, 409)
        assert "evil.csv" in reply.text and "../" not in reply.text.split("<main>")[1]
        sheet = {"file": (name, b"sku,counted\nTSTH-100,31\n", "text/csv")}
        assert web.post("/stock/sheet", files=sheet, page="/stock").status_code == 200
    after = {p for p in tmp_path.rglob("*")} - before
    assert not [p for p in after if "evil" in p.name]
    assert not (tmp_path.parent / "evil.csv").exists() and not Path("/etc/evil.csv").exists()
    assert [p.name for p in shop.root.iterdir() if p.name.startswith(".listsync-web")] == []


def test_an_upload_too_big_is_refused(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from listsync.web.pages import catalog

    monkeypatch.setattr(catalog, "MAX_FILE_BYTES", 1000)
    files = {"file": ("big.csv", b"x" * 2000, "text/csv")}
    reply = web.post("/catalog/check", files=files, page="/catalog")
    assert reply.status_code == 400 and "larger than" in reply.text


# -- static files -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/static/../listsync.toml",
        "/static/%2e%2e/listsync.toml",
        "/static/..%2f..%2flistsync.toml",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/web/app.py",
    ],
)
def test_static_files_come_only_from_the_apps_own_folder(web: Web, path: str) -> None:
    where = urlsplit(web.url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=10)
    connection.request("GET", path)  # sent as written: no client folds the ../ away
    reply = connection.getresponse()
    body = reply.read().decode("utf-8", "replace")
    connection.close()
    assert reply.status == 404, (path, reply.status)
    assert "[channels" not in body and "root:" not in body and "build_app" not in body


def test_htmx_is_served_with_its_licence(web: Web) -> None:
    script = web.get("/static/htmx.min.js")
    assert script.status_code == 200 and script.text.startswith("/*! htmx 2.")
    assert "0BSD" in script.text[:200]
    assert "Zero-Clause BSD" in web.get("/static/htmx.LICENSE.txt").text


# -- one sync at a time ------------------------------------------------------------------------
def test_a_second_sync_while_one_runs_is_refused_cleanly(web: Web, shop: SandboxWorkspace) -> None:
    # every Shopee call waits a little, so the first sync is still going
    shop.fault("shopee", method="*", path="/api/v2/*", action="latency", seconds=0.5, times=4)
    first = web.post("/sync/start", page="/sync")
    assert first.status_code == 200
    second = web.post("/sync/start", page="/sync")
    assert second.status_code == 409
    assert 'id="refused"' in second.text and "still running" in second.text
    other = requests.Session()  # another browser
    third = other.post(
        web.link("/sync/start"),
        data={"csrf": CSRF.search(other.get(web.link("/sync"), timeout=10).text)[1]},  # type: ignore[index]
        timeout=30,
    )
    assert third.status_code == 409
    # the CLI (another program) is turned away by the run lock, naming this run
    holder: list[str] = []

    def cli_sync() -> None:
        try:
            with run_lock(shop.ws.settings.ledger_path, "sync"):
                holder.append("got it")
        except Exception as exc:
            holder.append(str(exc))

    thread = threading.Thread(target=cli_sync)
    thread.start()
    thread.join()
    assert "listsync web: sync" in holder[0] and "is already working on" in holder[0]
    wait_for_sync(web, 90)
    assert [run.command for run in shop.ledger.runs()] == ["sync"]


def test_input_errors_are_typed(web: Web) -> None:
    assert issubclass(ConfigError, InputError)
    reply = web.get("/report?by=year")
    assert reply.status_code == 400 and "--by &#39;year&#39;: choose one of" in reply.text


def test_a_port_in_use_is_one_line(shop: SandboxWorkspace) -> None:
    from listsync.web.server import bind

    taken = bind("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        code, output = listsync("-w", str(shop.root), "web", "--port", str(port), "--no-browser")
        assert code == 2 and f"port {port} is in use" in output
        assert output.strip().count("\n") == 0
    finally:
        taken.close()
    time.sleep(0)


@pytest.mark.parametrize("named", ["evil.example", "evil.example:8765", "192.168.1.20", ""])
def test_on_this_computer_a_request_by_another_name_is_refused(
    web: Web, shop: SandboxWorkspace, named: str
) -> None:
    """A page elsewhere pointing a name of its own at 127.0.0.1 (DNS rebinding) gets nothing."""
    for method, path in (("GET", "/products"), ("POST", "/sync/start")):
        reply = web.session.request(
            method, web.link(path), headers={"Host": named}, allow_redirects=False, timeout=30
        )
        assert reply.status_code == 421 and "TSTH" not in reply.text
    assert shop.ledger.runs() == []
    port = web.url.rsplit(":", 1)[1].strip("/")
    for local in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
        assert web.get("/products", headers={"Host": local}).status_code == 200


def test_on_the_network_any_name_reaches_the_login(network: Web) -> None:
    reply = network.get("/products", headers={"Host": "kho.local:8765"}, allow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"].startswith("/login")
