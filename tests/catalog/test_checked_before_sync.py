"""What ``catalog validate`` and ``catalog import`` catch before any sync: a photo that is
not there (of a product or of a variant), and an OCOP certificate that has expired or soon
will (a warning: the exit code stays 0)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from listsync.catalog.files import check_catalog, load_catalog
from listsync.catalog.model import LocalizedText, OcopRating, Product
from listsync.catalog.ocop import certificates_due, due_from
from listsync.catalog.samples import SAMPLE_DIR
from tests.catalog.support import make_photos, row, write_csv
from tests.cli.test_main import ledger_bytes, run

TODAY = date.today()


def tea(sku: str, expires: date | None, certificate: str = "") -> Product:
    return Product(
        sku=sku,
        name=LocalizedText(vi="Trà sen"),
        category="tea",
        weight_g=100,
        price_vnd=120_000,
        ocop=OcopRating(stars=4, certificate=certificate, expires=expires),
    )


# -- photos -----------------------------------------------------------------------------------
def test_the_shipped_sample_names_only_photos_it_ships() -> None:
    loaded = load_catalog(SAMPLE_DIR / "catalog.yaml")
    named = {*(i for p in loaded.products for i in p.images)}
    named |= {i for p in loaded.products for v in p.variants for i in v.images}
    assert len(named) == 8 and all((SAMPLE_DIR / ref).is_file() for ref in named)


@pytest.mark.parametrize("photo", ["images/tra-sen-tay-ho.png", "images/tra-sen-250g.png"])
def test_a_missing_photo_of_a_product_or_a_variant_stops_validate_and_import(
    tmp_path: Path, photo: str
) -> None:
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    assert run("-w", str(workspace), "catalog", "import").exit_code == 0
    before = ledger_bytes(workspace)
    (workspace / photo).unlink()
    for args in (
        ("catalog", "validate", str(workspace / "catalog.yaml")),
        ("-w", str(workspace), "catalog", "import"),
    ):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert f"photo {photo} does not exist" in result.output
    assert ledger_bytes(workspace) == before


def test_validate_allows_the_photo_folders_the_workspace_names_as_import_does(
    tmp_path: Path,
) -> None:
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    shared = tmp_path / "shared"
    make_photos(shared, ["tea.png"])
    settings = (workspace / "listsync.toml").read_text(encoding="utf-8")
    (workspace / "listsync.toml").write_text(
        f'photo_dirs = ["{shared.as_posix()}"]\n' + settings, encoding="utf-8"
    )
    (workspace / "files").mkdir()
    path = write_csv(workspace / "files", [row(images="../../shared/tea.png")])
    for args in (("catalog", "validate", str(path)), ("catalog", "import", str(path))):
        result = run("-w", str(workspace), *args)
        assert result.exit_code == 0, result.output


# -- OCOP certificates ------------------------------------------------------------------------
def test_certificates_due_groups_a_shared_certificate_and_puts_the_soonest_first() -> None:
    products = [
        tea("TSTH", TODAY + timedelta(days=10), "1234/QĐ-UBND"),
        tea("TSTH-GIFT", TODAY + timedelta(days=10), "1234/QĐ-UBND"),
        tea("GOM", TODAY - timedelta(days=1)),
        tea("BUN", TODAY + timedelta(days=400), "77/QĐ-UBND"),
        tea("LAST", TODAY),  # valid through its expiry day
        tea("NONE", None),
    ]
    due = certificates_due(products, TODAY)
    assert [(d.skus, d.expired, d.days_left) for d in due] == [
        (("GOM",), True, -1),
        (("LAST",), False, 0),
        (("TSTH", "TSTH-GIFT"), False, 10),
    ]
    assert str(due[0]) == (
        f"The OCOP certificate of GOM expired on {TODAY - timedelta(days=1)}: renew it and"
        " update the catalog"
    )
    assert str(due[2]).startswith("OCOP certificate 1234/QĐ-UBND of TSTH, TSTH-GIFT expires on")
    assert certificates_due(products, TODAY, timedelta(0)) == due[:2]
    pairs = [(p.sku, p.ocop) for p in products if p.ocop is not None]
    assert due_from(pairs, TODAY) == due


def ocop_rows(folder: Path) -> Path:
    make_photos(folder, ["images/a.png"])
    expired, soon, later = (TODAY + timedelta(days=d) for d in (-3, 12, 500))
    return write_csv(
        folder,
        [
            row(sku="OLD", ocop_stars="4", ocop_certificate="9/QĐ", ocop_expires=str(expired)),
            row(sku="SOON", ocop_stars="3", ocop_expires=str(soon)),
            row(sku="FINE", ocop_stars="5", ocop_expires=str(later)),
        ],
    )


def test_validate_and_import_warn_of_certificates_and_still_exit_0(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    path = ocop_rows(workspace)
    expired, soon = TODAY - timedelta(days=3), TODAY + timedelta(days=12)
    warnings = [
        f"warning: OCOP certificate 9/QĐ of OLD expired on {expired}: renew it and update the"
        " catalog",
        f"warning: The OCOP certificate of SOON expires on {soon}: renew it and update the catalog",
    ]
    checked = run("-w", str(workspace), "catalog", "validate", str(path))
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[1:] == warnings
    imported = run("-w", str(workspace), "catalog", "import", str(path))
    assert imported.exit_code == 0, imported.output
    added = "3 added, 0 changed, 0 unchanged, 0 removed"
    assert imported.output.splitlines() == [added, *warnings]
    assert check_catalog(path).ocop[0][0] == "OLD"


def test_validate_outside_any_workspace_warns_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = ocop_rows(tmp_path / "files")
    checked = run("catalog", "validate", str(path))
    assert checked.exit_code == 0, checked.output
    assert [line.split(" of ")[1].split()[0] for line in checked.output.splitlines()[1:]] == [
        "OLD",
        "SOON",
    ]
