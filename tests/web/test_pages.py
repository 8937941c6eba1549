"""Every page and action of ``listsync web`` over HTTP, against a workspace on the Shopee and
Lazada sandboxes: what each page shows is what the CLI works out, and each action changes
the ledger (or the marketplace) the way the CLI command does."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
import requests

from listsync.catalog.model import ChannelOverride
from listsync.channel.contract import ListingState
from listsync.channel.registry import default_registry
from listsync.ledger.records import ListingRecord, RunRecord
from listsync.sandbox.harness import SandboxServer
from listsync.schedule.entries import Job, Timing, parse_at
from listsync.schedule.install import CRON, install, plan_install
from tests.schedule.test_install import PROGRAM, FakeComputer
from tests.sync.support import STOCK, SandboxWorkspace, write_workspace
from tests.web.support import Web, saved_shop, served, shop_id_line

PAGES = ("/", "/products", "/catalog", "/stock", "/sync", "/shops", "/report", "/schedule")
BAD_CATALOG = (
    "sku,name_vi,category,weight_g,price_vnd\nTEA-1,Trà sen,tea,100,12.5\nTEA-2,,tea,-3,1000\n"
)
GOOD_CATALOG = (
    "sku,name_vi,category,weight_g,price_vnd\n"
    "TEA-1,Trà sen,tea,100,125000\n"
    "TEA-2,Trà nõn tôm,tea,200,90000\n"
)


def wait_for_sync(web: Web, seconds: float = 60) -> str:
    """Poll the progress fragment, as the page does, until the sync has ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        fragment = web.get("/sync/progress", headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        if "HX-Refresh" in fragment.headers:
            return fragment.text
        time.sleep(0.2)
    raise AssertionError("the sync did not end")


def test_every_page_answers_in_the_workspace_language(web: Web) -> None:
    for path in PAGES:
        reply = web.get(path)
        assert reply.status_code == 200, (path, reply.text[-2000:])
        assert '<html lang="en">' in reply.text  # LISTSYNC_LANG=en in the tests
        assert 'href="/static/listsync.css"' in reply.text
        assert "Traceback" not in reply.text


def test_the_language_switch_is_remembered_by_the_browser(web: Web) -> None:
    switched = web.get("/lang/vi?next=/products")
    assert switched.url.endswith("/products")
    assert '<html lang="vi">' in switched.text
    assert "Sản phẩm" in switched.text  # "Products", from the Vietnamese catalog
    assert '<html lang="vi">' in web.get("/stock").text
    assert '<html lang="en">' in web.get("/lang/en?next=/").text
    # only a path of this site is followed after switching
    assert (
        web.get("/lang/vi?next=//evil.example/x", allow_redirects=False).headers["location"] == "/"
    )


def test_overview_products_and_report_show_what_the_ledger_holds(
    web: Web, shop: SandboxWorkspace
) -> None:
    assert shop.sync(pull=False).ok  # published: the first pull then reads days back
    shop.orders("shopee", count=3, days=0)
    assert shop.sync().ok
    assert shop.ledger.order_count("shopee") == 3
    shop.ledger.save_listing(
        ListingRecord(
            "GIO-UL-1KG",
            "lazada",
            shop.shop("lazada"),
            ListingState.REJECTED,
            remote_id="777",
            reasons=("Ảnh bìa bị mờ",),
        )
    )
    tea = shop.ledger.product("TSTH")
    assert tea is not None and tea.ocop is not None
    soon = shop.clock.now().date() + timedelta(days=10)
    ending = tea.model_copy(update={"ocop": tea.ocop.model_copy(update={"expires": soon})})
    gio = shop.ledger.product("GIO-UL-1KG")
    assert gio is not None and not gio.variants
    only_shopee = gio.model_copy(
        update={"sku": "GIO-UL-500", "channels": {"lazada": ChannelOverride(enabled=False)}}
    )
    others = [p for p in shop.ledger.products() if p.sku != "TSTH"]
    shop.ledger.upsert_products([ending, only_shopee, *others])
    page = web.get("/").text
    assert "shopee" in page and "lazada" in page
    assert "Orders today" in page and "Revenue this week" in page
    shopee = page.split('data-label="Channel">shopee<', 1)[1].split("</tr>", 1)[0]
    assert 'data-label="Orders this week">3<' in shopee
    assert "BT-BINH-LAM-L-RAN" in page  # 3 on hand: running low
    assert "GIO-UL-1KG on lazada: rejected: Ảnh bìa bị mờ" in page
    assert "Last run" in page and "sync" in page
    assert "No nightly run is installed." in page
    assert f"OCOP certificate {tea.ocop.certificate} of TSTH expires on {soon}" in page
    products = web.get("/products").text
    assert "Giò lụa Ước Lễ" in products and "Ảnh bìa bị mờ" in products
    assert products.count('class="state live"') >= 8
    assert 'class="state rejected"' in products
    half_kilo = products.split("<b>GIO-UL-500</b>", 1)[1].split("</tr>", 1)[0]
    assert re.search(r'data-label="lazada">\s*—\s*</td>', half_kilo)  # not for lazada
    assert "None" not in products
    report = web.get("/report?by=channel").text
    assert "Orders by channel" in report and '<figure class="chart">' in report
    assert "To fix: listings the marketplaces turned down" in report


def test_report_exports_xlsx_csv_and_html(web: Web, shop: SandboxWorkspace) -> None:
    query = "?from=2026-11-01&to=2026-11-30&by=week"
    page = web.get("/report" + query).text
    assert "Orders by week, 2026-11-01 to 2026-11-30" in page
    xlsx = web.get("/report/export.xlsx" + query)
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[:2] == ["Orders", "Stock"]
    exported = web.get("/report/export.csv" + query)
    assert exported.content.startswith(b"\xef\xbb\xbf")  # Excel reads its Vietnamese
    assert "TSTH-100" in exported.content.decode("utf-8-sig")
    assert web.get("/report/export.html" + query).text.startswith("<!DOCTYPE html>")
    wrong = web.get("/report?from=31/31/2026")
    assert wrong.status_code == 400 and "is not a date" in wrong.text


def test_a_catalog_with_mistakes_lists_them_and_imports_nothing(
    web: Web, shop: SandboxWorkspace
) -> None:
    before = [p.sku for p in shop.ledger.products()]
    files = {"file": ("catalog.csv", BAD_CATALOG.encode(), "text/csv")}
    checked = web.post("/catalog/check", files=files, page="/catalog")
    assert checked.status_code == 422
    assert "nothing was imported" in checked.text
    rows = checked.text.split('id="problems"', 1)[1]
    assert 'data-label="Row">2<' in rows and 'data-label="Row">3<' in rows
    assert "(price_vnd)" in rows and "(weight_g)" in rows and "(name_vi)" in rows
    assert [p.sku for p in shop.ledger.products()] == before


def test_a_clean_catalog_is_previewed_then_imported(web: Web, shop: SandboxWorkspace) -> None:
    files = {"file": ("new.csv", GOOD_CATALOG.encode(), "text/csv")}
    preview = web.post("/catalog/check", files=files, page="/catalog")
    assert preview.status_code == 409  # all five products would go: the removal guard
    assert "would remove 5 of the 5 products" in preview.text
    assert len(shop.ledger.products()) == 5
    token = preview.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    done = web.post("/catalog/import", {"token": token, "allow_removals": "1"}, page="/catalog")
    assert done.status_code == 200 and done.url.endswith("/catalog")
    assert "new.csv: imported: " in done.text
    assert [p.sku for p in shop.ledger.products()] == ["TEA-1", "TEA-2"]
    again = web.post("/catalog/import", {"token": token}, page="/catalog")
    assert again.status_code == 400 and "no longer waiting" in again.text


def test_a_catalog_change_is_shown_before_it_is_imported(web: Web, shop: SandboxWorkspace) -> None:
    current = web.get("/catalog/current.csv")
    assert current.status_code == 200
    text = current.content.decode("utf-8-sig")
    assert "TSTH-100" in text
    changed = text.replace("Trà sen Tây Hồ", "Trà sen Tây Hồ (mới)", 1)
    files = {"file": ("catalog.csv", changed.encode("utf-8-sig"), "text/csv")}
    preview = web.post("/catalog/check", files=files, page="/catalog")
    assert preview.status_code == 200, preview.text[-2000:]
    assert "Changed (1)" in preview.text and "<b>TSTH</b>" in preview.text
    assert "Added (" not in preview.text and "Removed (" not in preview.text
    token = preview.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    assert "(mới)" not in shop.ledger.product("TSTH").model_dump_json()  # type: ignore[union-attr]
    web.post("/catalog/import", {"token": token}, page="/catalog")
    assert "(mới)" in shop.ledger.product("TSTH").model_dump_json()  # type: ignore[union-attr]


def test_the_catalog_template_and_current_catalog_download(web: Web) -> None:
    template = web.get("/catalog/template.xlsx")
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert len(book.sheetnames) >= 2
    current = web.get("/catalog/current.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(current.content)).worksheets[0]
    assert any(cell.value == "TSTH-100" for row in sheet.iter_rows() for cell in row)


def test_a_count_entered_in_the_form_is_shown_then_applied(
    web: Web, shop: SandboxWorkspace
) -> None:
    skus = sorted(STOCK)
    counted = ["" for _sku in skus]
    counted[skus.index("TSTH-100")] = "42"
    counted[skus.index("CC-AV-120")] = "10"  # as it was: unchanged
    form = {"mode": "count", "sku": skus, "counted": counted}
    plan = web.post("/stock/count", form, page="/stock")
    assert plan.status_code == 200, plan.text[-2000:]
    moves = plan.text.split('id="moves"', 1)[1].split("</table>", 1)[0]
    assert "TSTH-100" in moves and "+12" in moves and "CC-AV-120" not in moves
    assert "1 SKU would change, 1 unchanged" in plan.text
    assert shop.on_hand()["TSTH-100"] == 30  # nothing yet
    token = plan.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    done = web.post("/stock/apply", {"token": token}, page="/stock")
    assert "1 SKU changed" in done.text
    assert shop.on_hand()["TSTH-100"] == 42
    explained = web.get("/stock/TSTH-100").text
    assert "count entered in listsync web" in explained and "+12" in explained


def test_a_count_with_mistakes_names_the_skus_and_changes_nothing(
    web: Web, shop: SandboxWorkspace
) -> None:
    form = {"mode": "count", "sku": ["TSTH-100", "TSTH-250"], "counted": ["1.000", "-3"]}
    refused = web.post("/stock/count", form, page="/stock")
    assert refused.status_code == 422
    assert "no stock was changed" in refused.text
    table = refused.text.split('id="problems"', 1)[1]
    assert 'data-label="SKU">TSTH-100<' in table and 'data-label="SKU">TSTH-250<' in table
    assert shop.on_hand()["TSTH-100"] == 30
    empty = web.post("/stock/count", {"sku": ["TSTH-100"], "counted": [""]}, page="/stock")
    assert empty.status_code == 400 and "no figure was entered" in empty.text


def test_a_count_sheet_is_sent_and_a_delivery_added(web: Web, shop: SandboxWorkspace) -> None:
    sheet = web.get("/stock/count-sheet.csv")
    assert sheet.status_code == 200
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[0][0] == "sku" and len(rows) == len(STOCK) + 1
    delivery = "sku,counted\nBGMD-500,20\n"
    files = {"file": ("delivery.csv", delivery.encode(), "text/csv")}
    plan = web.post("/stock/sheet", {"mode": "add"}, files=files, page="/stock")
    assert plan.status_code == 200 and "+20" in plan.text
    token = plan.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    web.post("/stock/apply", {"token": token}, page="/stock")
    assert shop.on_hand()["BGMD-500"] == 100
    assert "delivery.csv" in web.get("/stock/BGMD-500").text


def test_an_unknown_sku_is_one_line(web: Web) -> None:
    reply = web.get("/stock/NO-SUCH-SKU")
    assert reply.status_code == 400
    assert "NO-SUCH-SKU" in reply.text and "Traceback" not in reply.text


def test_a_sync_runs_in_the_background_and_reaches_the_end(
    web: Web, shop: SandboxWorkspace
) -> None:
    started = web.post("/sync/start", page="/sync")
    assert started.status_code == 200 and started.url.endswith("/sync")
    assert 'hx-get="/sync/progress"' in started.text or "The sync is done" in started.text
    final = wait_for_sync(web)
    assert "The sync is done" in final and "shopee" in final and "lazada" in final
    page = web.get("/sync").text
    assert 'id="summary"' in page and "Run 1 recorded" in page
    (run,) = shop.ledger.runs()
    assert run.command == "sync" and run.status == "ok"
    assert len(shop.units("shopee")) == len(STOCK)


def test_a_dry_run_shows_the_plan_and_sends_nothing(web: Web, shop: SandboxWorkspace) -> None:
    reply = web.post("/sync/plan", page="/sync")
    assert reply.status_code == 200
    plan = reply.text.split('id="plan">', 1)[1].split("</pre>", 1)[0]
    assert "Dry run: nothing was sent and nothing was recorded." in plan
    assert "== lazada ==" in plan and "create" in plan
    assert shop.ledger.runs() == [] and shop.state("shopee")["listings"] == []


def test_a_shop_is_connected_through_the_consent_redirect(web: Web, shop: SandboxWorkspace) -> None:
    config = shop_id_line(shop.root, "lazada")  # a shop not connected yet: no shop_id
    # the consent page approves at once and sends the browser back to our callback
    reply = web.post("/shops/lazada/connect", page="/shops")
    assert reply.status_code == 200 and reply.url.endswith("/shops"), reply.text[-2000:]
    hops = [r.headers.get("location", "") for r in reply.history]
    assert hops[0].startswith(shop.servers["lazada"].root_url)  # to the marketplace
    assert "/listsync/callback?" in hops[1] and "code=" in hops[1]  # and back here
    said = f"lazada: shop {shop.shop('lazada')} is connected; its shop_id is saved in {config}."
    assert said in reply.text and "Add shop_id" not in reply.text
    assert "authorized until" in reply.text
    assert f'shop_id = "{shop.shop("lazada")}"' in config.read_text(encoding="utf-8")
    assert saved_shop(shop.root, "lazada") == shop.shop("lazada")  # what the next sync uses


def test_an_in_house_app_connects_at_once_and_its_shop_id_is_saved(tmp_path: Path) -> None:
    with SandboxServer(default_registry().get("tiki").sandbox()) as server:  # type: ignore[misc]
        root = tmp_path / "tiki"
        in_house = {"tiki": {"app_type": "in_house"}}
        write_workspace(root, {"tiki": server}, channel_overrides=in_house)
        config = shop_id_line(root, "tiki", 'shop_id = "1"')
        with served(root) as (_running, web):
            reply = web.post("/shops/tiki/connect", page="/shops")
        shop = str(server.describe()["shop_id"])
    assert reply.url.endswith("/shops") and len(reply.history) == 1  # no consent page
    said = f"tiki: shop {shop} is connected; its shop_id is saved in {config} (it was 1)."
    assert f'<p class="message ok" role="status">{said}</p>' in reply.text
    assert saved_shop(root, "tiki") == shop


def test_a_callback_nobody_started_connects_nothing(web: Web, shop: SandboxWorkspace) -> None:
    calls = len(shop.requests_log("lazada"))
    reply = web.get("/listsync/callback?code=stolen&state=x")
    assert reply.status_code == 502
    assert "start again there" in reply.text
    assert len(shop.requests_log("lazada")) == calls  # no code was traded


def test_a_callback_from_another_attempt_is_refused(web: Web, shop: SandboxWorkspace) -> None:
    started = web.post("/shops/lazada/connect", page="/shops", allow_redirects=False)
    assert started.status_code == 303
    consent = requests.get(started.headers["location"], allow_redirects=False, timeout=10)
    back = consent.headers["location"].replace("state=", "state=other")
    calls = len(shop.requests_log("lazada"))
    reply = web.session.get(back, timeout=10)
    assert "another authorization attempt" in reply.text
    assert len(shop.requests_log("lazada")) == calls


def test_the_schedule_page_shows_the_entry_its_next_run_runs_and_log(
    web: Web, shop: SandboxWorkspace, computer: FakeComputer, host: object
) -> None:
    empty = web.get("/schedule").text
    assert "No nightly run is installed" in empty and "schedule install --at 02:00" in empty
    computer.systemd = False
    job = Job(shop.root, PROGRAM, Timing(parse_at("02:30")), shop.root / "logs")
    install(plan_install(job, CRON, host), host)  # type: ignore[arg-type]
    (shop.root / "logs").mkdir(exist_ok=True)
    (shop.root / "logs" / "nightly.log").write_text(
        "2026-12-01T02:30:01+07:00 INFO listsync.schedule.nightly: syncing shopee\n",
        encoding="utf-8",
    )
    run_id = shop.ledger.start_run("nightly", 4242)
    shop.ledger.finish_run(run_id, "ok")
    page = web.get("/schedule").text
    assert "The nightly run is installed" in page and "every day at 02:30" in page
    assert "02:30" in page.split("Next run", 1)[1]
    assert "syncing shopee" in page
    assert "Last nightly runs" in page and f'data-label="Run">{run_id}<' in page
    overview = web.get("/").text
    assert "Next scheduled run" in overview and "every day at 02:30" in overview


def test_a_run_of_another_program_is_shown_and_a_sync_refused(
    web: Web, shop: SandboxWorkspace
) -> None:
    from listsync.sync.runlock import run_lock

    with run_lock(shop.ws.settings.ledger_path, "nightly"):
        page = web.get("/sync").text
        assert 'id="working"' in page and "nightly" in page
        refused = web.post("/sync/start", page="/sync")
        assert refused.status_code == 409
        assert "is already working on" in refused.text
    assert shop.ledger.runs() == []


@pytest.mark.parametrize("path", ["/nope", "/stock/count-sheet.pdf", "/report/export.pdf"])
def test_wrong_addresses_are_one_line(web: Web, path: str) -> None:
    reply = web.get(path)
    assert reply.status_code in (400, 404)
    assert "Traceback" not in reply.text and 'class="error-box"' in reply.text


def test_nothing_is_left_in_the_workspace(web: Web, shop: SandboxWorkspace) -> None:
    before = sorted(p.name for p in Path(shop.root).iterdir())
    files = {"file": ("catalog.csv", BAD_CATALOG.encode(), "text/csv")}
    web.post("/catalog/check", files=files, page="/catalog")
    web.post("/stock/count", {"sku": ["TSTH-100"], "counted": ["31"]}, page="/stock")
    assert sorted(p.name for p in Path(shop.root).iterdir()) == before


def test_runs_are_shown_as_the_cli_shows_them(web: Web, shop: SandboxWorkspace) -> None:
    assert shop.sync().ok
    (run,) = shop.ledger.runs()
    assert isinstance(run, RunRecord)
    page = web.get("/sync").text
    assert f'data-label="Run">{run.id}<' in page and ">ok<" in page


def test_a_bug_on_a_page_is_one_line_and_the_traceback_goes_to_the_log(
    web: Web, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from listsync.web.pages import products

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(products, "listing_lines", broken)
    reply = web.get("/products")
    assert reply.status_code == 500
    assert "unexpected RuntimeError: boom" in reply.text and "Traceback" not in reply.text
    assert any("Traceback" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    assert web.get("/stock").status_code == 200  # the other pages go on


def test_two_browsers_read_two_languages_and_the_process_keeps_its_own(web: Web) -> None:
    from listsync import i18n

    before = i18n.current_language()
    other = Web(web.url, web.root)
    web.get("/lang/vi?next=/")
    for _round in range(3):
        assert '<html lang="vi">' in web.get("/stock").text
        assert '<html lang="en">' in other.get("/stock").text
    assert i18n.current_language() == before
    with i18n.speaking("vi"):
        assert i18n._("Products") == "Sản phẩm"
    assert i18n._("Products") == ("Sản phẩm" if before == "vi" else "Products")


def test_the_report_s_column_titles_speak_the_page_s_language(web: Web) -> None:
    """Titles made once, in the language the process started in, would stay in it."""
    other = Web(web.url, web.root)
    web.get("/lang/vi?next=/")
    other.get("/lang/en?next=/")
    for by in ("product", "week"):
        vietnamese, english = web.get(f"/report?by={by}").text, other.get(f"/report?by={by}").text
        first = {"product": ("Sản phẩm", "Product"), "week": ("Tuần", "Week")}[by]
        assert f"<th>{first[0]}</th>" in vietnamese and f"<th>{first[1]}</th>" not in vietnamese
        assert f"<th>{first[1]}</th>" in english and f"<th>{first[0]}</th>" not in english
