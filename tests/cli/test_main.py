"""The CLI end to end with CliRunner: the commands a cooperative clerk types."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from listsync.cli.main import main


def run(*args: str, stdin: str | None = None) -> Result:
    def entry() -> None:
        main(list(args))

    import click

    command = click.Command("listsync", callback=entry)
    return CliRunner().invoke(command, [], input=stdin, catch_exceptions=False)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    result = run("init", str(workspace))
    assert result.exit_code == 0, result.output
    return workspace


def ledger_bytes(workspace: Path) -> str:
    digest = hashlib.sha256()
    for name in sorted(p.name for p in workspace.glob("listsync.sqlite3*")):
        digest.update(name.encode() + (workspace / name).read_bytes())
    return digest.hexdigest()


def test_init_writes_a_private_env_and_a_sample_catalog(ws: Path) -> None:
    assert (ws / "listsync.toml").is_file()
    assert (ws / "catalog.yaml").is_file()
    assert any((ws / "images").iterdir())
    assert os.stat(ws / ".env").st_mode & 0o777 == 0o600


def test_init_does_not_overwrite(ws: Path) -> None:
    result = run("init", str(ws))
    assert result.exit_code == 2
    assert "not overwriting" in result.output and "--force" in result.output


def test_import_list_and_stock(ws: Path) -> None:
    result = run("-w", str(ws), "catalog", "import")
    assert result.exit_code == 0, result.output
    assert "5 added" in result.output
    again = run("-w", str(ws), "catalog", "import")
    assert "5 unchanged" in again.output
    listing = run("-w", str(ws), "catalog", "list")
    assert "TSTH-100" in listing.output and "Trà sen Tây Hồ" in listing.output
    assert run("-w", str(ws), "stock", "set", "TSTH-100", "40").exit_code == 0
    added = run("-w", str(ws), "stock", "add", "TSTH-100", "-5", "--note", "broken boxes")
    assert added.exit_code == 0 and "on hand 35" in added.output
    shown = run("-w", str(ws), "stock", "show", "TSTH-100")
    assert "35" in shown.output and "broken boxes" in shown.output


def test_validate_reports_every_problem_with_file_row_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "sku,name_vi,category,weight_g,price_vnd,colour\n"
        "A1,Trà,tea,100,12.5,red\n"
        "a1 ,Trà,tea,-3,1000,blue\n",
        encoding="utf-8",
    )
    result = run("catalog", "validate", str(bad))
    assert result.exit_code == 2
    out = result.output
    assert "Traceback" not in out
    assert f"{bad}, row 1, column F (colour)" in out
    assert f"{bad}, row 2, column E (price_vnd)" in out
    assert f"{bad}, row 3, column D (weight_g)" in out
    assert "A1" in out and "a1" in out


def test_bad_import_leaves_the_ledger_unchanged(ws: Path, tmp_path: Path) -> None:
    assert run("-w", str(ws), "catalog", "import").exit_code == 0
    run("-w", str(ws), "stock", "set", "TSTH-100", "10")
    before = ledger_bytes(ws)
    bad = tmp_path / "bad.yaml"
    bad.write_text("products:\n  - sku: X\n    price_vnd: abc\n", encoding="utf-8")
    result = run("-w", str(ws), "catalog", "import", str(bad))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert ledger_bytes(ws) == before


def test_mass_removal_is_refused_without_the_flag(ws: Path, tmp_path: Path) -> None:
    assert run("-w", str(ws), "catalog", "import").exit_code == 0
    before = ledger_bytes(ws)
    small = tmp_path / "small.csv"
    small.write_text(
        "sku,name_vi,category,weight_g,price_vnd\nTSTH-X,Trà,tea,100,1000\n", encoding="utf-8"
    )
    refused = run("-w", str(ws), "catalog", "import", str(small))
    assert refused.exit_code == 2 and "--allow-removals" in refused.output
    assert ledger_bytes(ws) == before
    allowed = run("-w", str(ws), "catalog", "import", str(small), "--allow-removals")
    assert allowed.exit_code == 0 and "5 removed" in allowed.output


def test_stock_of_an_unknown_sku_is_bad_input(ws: Path) -> None:
    assert run("-w", str(ws), "catalog", "import").exit_code == 0
    result = run("-w", str(ws), "stock", "set", "NOPE", "3")
    assert result.exit_code == 2
    assert "NOPE" in result.output and "Traceback" not in result.output


def test_channels_lists_installed_adapters(ws: Path) -> None:
    result = run("-w", str(ws), "channels")
    assert result.exit_code == 0, result.output
    assert "shopee" in result.output and "lazada" in result.output


def test_a_readable_env_file_is_refused(ws: Path) -> None:
    (ws / ".env").chmod(0o644)
    result = run("-w", str(ws), "catalog", "list")
    assert result.exit_code == 2
    assert "chmod 600" in result.output


def test_usage_errors_exit_2(ws: Path) -> None:
    assert run("-w", str(ws), "stock", "set", "TSTH-100", "many").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_help_is_fast_and_every_command_has_help() -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "listsync", "--help"], capture_output=True, text=True, check=True
    )
    assert time.perf_counter() - started < 3  # generous for a loaded CI; measured ~0.1 s
    for command in ("init", "catalog", "stock", "channels", "auth", "sandbox"):
        assert command in done.stdout
    assert (
        "sqlmodel"
        not in subprocess.run(
            [sys.executable, "-c", "import listsync.cli.main, sys; print(sorted(sys.modules))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


def test_image_paths_are_kept_relative_to_the_workspace(ws: Path, tmp_path: Path) -> None:
    from listsync.ledger.database import Ledger

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "catalog.yaml").write_text(
        (ws / "catalog.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    shutil.copytree(ws / "images", outside / "images")
    assert run("-w", str(ws), "catalog", "import").exit_code == 0
    with Ledger.open(ws / "listsync.sqlite3") as ledger:
        images = {p.sku: p.images for p in ledger.products()}
    assert images["TSTH"] == ("images/tra-sen-tay-ho.png",)
    assert run("-w", str(ws), "catalog", "import", str(outside / "catalog.yaml")).exit_code == 0
    with Ledger.open(ws / "listsync.sqlite3") as ledger:
        moved = {p.sku: p.images for p in ledger.products()}
    assert moved["TSTH"] == (str((outside / "images/tra-sen-tay-ho.png").resolve()),)


def test_a_folder_that_is_not_a_workspace_is_named(tmp_path: Path) -> None:
    result = run("-w", str(tmp_path), "catalog", "list")
    assert result.exit_code == 2
    assert "is not a listsync workspace" in result.output and "listsync init" in result.output
    assert list(tmp_path.iterdir()) == []  # no ledger made behind the user's back
