"""Tiếng Việt: every message is translated, placeholders kept, the .mo current; the language
follows LISTSYNC_LANG, the workspace's `language` and the locale; English stays as it was."""

from __future__ import annotations

import gettext
import io
import os
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from listsync import i18n
from listsync.cli.start import configured_language, workspace_argument
from listsync.errors import ConfigError
from listsync.settings import load_settings, write_workspace_template

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "listsync" / "locale" / "vi" / "LC_MESSAGES" / "listsync.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "ngettext": (1, 2)}
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

# click's words that every listsync user meets: help pages and usage errors
CLICK_WORDS = (
    "Usage:",
    "Options",
    "Commands",
    "Show this message and exit.",
    "Show the version and exit.",
    "Error: {message}",
    "Try '{command} {option}' for help.",
    "No such command {name!r}.",
    "No such option {name!r}.",
    "Missing argument",
    "Invalid value for {param_hint}: {message}",
    "Aborted!",
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with open(PO, "rb") as file:
        return read_po(file, locale="vi", domain="listsync")


@pytest.fixture(autouse=True)
def keep_language() -> Iterator[None]:
    before = i18n.current_language()
    yield
    i18n.set_language(before)


def source_messages() -> dict[str | tuple[str, ...], str]:
    """Every message marked in the source now, as babel.cfg tells Babel to find them."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str | tuple[str, ...], str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def click_messages() -> set[str | tuple[str, ...]]:
    folder = Path(click.__file__).parent
    return {
        message if isinstance(message, str) else tuple(message)
        for _f, _l, message, _c, _x in extract_from_dir(folder, keywords=KEYWORDS)
    }


def translations(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def untranslated(catalog: Catalog, key: str | tuple[str, ...]) -> bool:
    message = catalog.get(key if isinstance(key, str) else key[0])
    return message is None or message.fuzzy or not all(translations(message))


# --- the catalog -----------------------------------------------------------------------


def test_every_message_in_the_source_is_translated(catalog: Catalog) -> None:
    messages = source_messages()
    assert len(messages) > 500  # the extraction found the source
    missing = [f"{where}: {key!r}" for key, where in messages.items() if untranslated(catalog, key)]
    assert not missing, (
        "messages without a Vietnamese translation: run `python scripts/i18n.py`, then translate"
        " the empty msgstr in listsync/locale/vi/LC_MESSAGES/listsync.po (docs/glossary.md):\n"
        + "\n".join(missing)
    )


def test_clicks_own_words_are_translated(catalog: Catalog) -> None:
    from_click = click_messages()
    singulars = {key if isinstance(key, str) else key[0] for key in from_click}
    for word in CLICK_WORDS:
        assert word in singulars, f"click no longer says {word!r}: run scripts/i18n.py"
    assert not [key for key in from_click if untranslated(catalog, key)]


def test_no_fuzzy_empty_or_plural_mistakes(catalog: Catalog) -> None:
    assert catalog.plural_forms == "nplurals=1; plural=0;"
    header = catalog.get("")
    assert header is None or not header.fuzzy
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        assert len(translations(message)) == 1 and translations(message)[0].strip(), message.id


def _fields(text: str) -> set[str]:
    """The placeholders of a message: {name}, {name!r}, {value:+d}, %(prog)s."""
    fields = {
        "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
        for _literal, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    }
    return fields | set(re.findall(r"%\([a-z_]+\)[sd]", text))


def test_translations_keep_the_placeholders(catalog: Catalog) -> None:
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        # one Vietnamese form serves every count: it takes the placeholders of the plural
        english = message.id if isinstance(message.id, str) else message.id[-1]
        for text in translations(message):
            if _fields(text) != _fields(english):
                wrong.append(f"{english!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_the_mo_file_is_compiled_from_the_po(catalog: Catalog) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)
    with open(MO, "rb") as file:
        shipped = gettext.GNUTranslations(file)
    assert shipped._catalog == expected._catalog, "run `python scripts/i18n.py` to compile"  # type: ignore[attr-defined]


def test_english_is_the_message_itself() -> None:
    i18n.set_language("en")
    assert i18n._("there is no such file") == "there is no such file"
    assert i18n.ngettext("{n} day", "{n} days", 2) == "{n} days"
    i18n.set_language("vi")
    assert i18n._("there is no such file") == "không có tệp này"
    assert i18n.ngettext("{n} day", "{n} days", 1) == "{n} ngày"
    assert i18n.ngettext("{n} day", "{n} days", 5) == "{n} ngày"


def test_clicks_gettext_names_point_at_listsync() -> None:
    import click.core
    import click.exceptions
    import click.formatting

    import listsync.cli  # noqa: F401  (teaches click the language when imported)

    for module in (click.core, click.exceptions, click.formatting):
        assert module._ is i18n._  # type: ignore[attr-defined]
    i18n.set_language("vi")
    formatter = click.formatting.HelpFormatter()
    formatter.write_usage("listsync", "[OPTIONS]")
    assert formatter.getvalue().startswith("Cách dùng: listsync")


# --- choosing the language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "configured", "expected"),
    [
        ({}, None, "en"),
        ({"LANG": "vi_VN.UTF-8"}, None, "vi"),
        ({"LANG": "C.UTF-8"}, None, "en"),
        ({"LANG": "vi_VN.UTF-8", "LC_ALL": "C"}, None, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "vi_VN"}, None, "vi"),
        ({"LANGUAGE": "fr:vi:en", "LANG": "en_US.UTF-8"}, None, "vi"),
        ({"LANGUAGE": "fr", "LANG": "vi_VN.UTF-8"}, None, "en"),
        ({"LANG": "fr_FR.UTF-8"}, None, "en"),
        ({"LANG": "C"}, "vi", "vi"),
        ({"LANG": "vi_VN.UTF-8"}, "en", "en"),
        ({"LANG": "C", "LISTSYNC_LANG": "vi"}, "en", "vi"),
        ({"LANG": "vi_VN.UTF-8", "LISTSYNC_LANG": "en"}, "vi", "en"),
        ({"LISTSYNC_LANG": "VN"}, None, "vi"),
        ({"LISTSYNC_LANG": "klingon", "LANG": "vi_VN"}, None, "vi"),
    ],
)
def test_which_language(environ: dict[str, str], configured: str | None, expected: str) -> None:
    assert i18n.pick_language(configured, environ) == expected


@pytest.mark.parametrize(
    ("args", "folder"),
    [
        (["-w", "ws", "sync"], "ws"),
        (["--workspace", "ws", "--help"], "ws"),
        (["--workspace=ws"], "ws"),
        (["-wws", "stock", "show"], "ws"),
        (["-v", "-w", "ws"], "ws"),
        (["catalog", "validate", "-w"], None),
        (["--help"], None),
    ],
)
def test_the_workspace_is_found_before_the_commands(args: list[str], folder: str | None) -> None:
    assert workspace_argument(args) == folder


def test_the_workspace_language_is_read_from_its_file(tmp_path: Path) -> None:
    assert configured_language(tmp_path) is None
    (tmp_path / "listsync.toml").write_text('language = "vi"\n', encoding="utf-8")
    assert configured_language(tmp_path) == "vi"
    (tmp_path / "listsync.toml").write_text("language = [broken\n", encoding="utf-8")
    assert configured_language(tmp_path) is None  # the settings report it, not this


def test_the_language_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LISTSYNC_LANGUAGE", raising=False)
    (tmp_path / "listsync.toml").write_text('language = "VI"\n', encoding="utf-8")
    assert load_settings(tmp_path).language == "vi"
    (tmp_path / "listsync.toml").write_text("", encoding="utf-8")
    assert load_settings(tmp_path).language is None
    (tmp_path / "listsync.toml").write_text('language = "fr"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match='language: write "vi" for Vietnamese or "en"'):
        load_settings(tmp_path)


def test_init_template_speaks_the_language_of_its_maker(tmp_path: Path) -> None:
    write_workspace_template(tmp_path / "vi", language="vi")
    write_workspace_template(tmp_path / "en", language="en")
    vi = (tmp_path / "vi" / "listsync.toml").read_text(encoding="utf-8")
    en = (tmp_path / "en" / "listsync.toml").read_text(encoding="utf-8")
    assert re.search(r'^language = "vi"$', vi, re.M)
    assert re.search(r'^# language = "vi"$', en, re.M) and "\nlanguage" not in en
    assert load_settings(tmp_path / "vi").language == "vi"
    assert load_settings(tmp_path / "en").language is None


# --- the command, as a clerk runs it ---------------------------------------------------


def listsync(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """``listsync ARGS`` in a fresh process, with only the language variables given."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in LOCALE_VARS and not name.startswith("LISTSYNC_")
    }
    clean["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "listsync", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env={**clean, **(env or {})},
        input=stdin,
        timeout=60,
    )


VIETNAMESE = {"LANG": "vi_VN.UTF-8"}
ENGLISH = {"LANG": "C"}
ENGLISH_HELP_LINES = (
    "Usage: listsync [OPTIONS] COMMAND [ARGS]...",
    "  listsync keeps one product catalog in step on every marketplace.",
    "Options:",
    "  --version                  Show the version and exit.",
    "  -w, --workspace DIRECTORY  Workspace folder (default: the current folder).",
    "  -v, --verbose              Show details and tracebacks.",
    "  -h, --help                 Show this message and exit.",
    "Commands:",
    "  catalog   Check, import and list the product catalog.",
    "  orders    Orders from the marketplaces.",
    "  stock     Count, add and show stock on hand.",
)


@pytest.mark.parametrize(
    "env", [VIETNAMESE, {"LANG": "C", "LISTSYNC_LANG": "vi"}, {"LANGUAGE": "vi"}]
)
def test_help_is_vietnamese(tmp_path: Path, env: dict[str, str]) -> None:
    done = listsync("--help", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    for words in (
        "Cách dùng: listsync",
        "Tùy chọn:",
        "Lệnh:",
        "Hiện hướng dẫn này rồi thoát.",
        "Hiện phiên bản rồi thoát.",
        "Thư mục làm việc (mặc định: thư mục hiện tại).",
        "listsync giữ một danh mục sản phẩm luôn khớp trên mọi sàn.",
        "Kiểm tra, nhập và liệt kê danh mục sản phẩm.",
    ):
        assert words in done.stdout
    assert "Usage:" not in done.stdout and "Options:" not in done.stdout


def test_a_command_help_and_a_usage_error_are_vietnamese(tmp_path: Path) -> None:
    done = listsync("catalog", "validate", "--help", cwd=tmp_path, env=VIETNAMESE)
    assert "Kiểm tra một tệp danh mục (YAML, CSV hoặc XLSX)" in done.stdout
    wrong = listsync("frobnicate", cwd=tmp_path, env=VIETNAMESE)
    assert wrong.returncode == 2
    assert "Lỗi: Không có lệnh 'frobnicate'." in wrong.stderr
    assert "Dùng 'listsync --help' để xem hướng dẫn." in wrong.stderr


BROKEN_CSV = "sku,name_vi,price_vnd\nTRA-1,Trà sen,mười nghìn\n"


def test_catalog_validate_speaks_vietnamese(tmp_path: Path) -> None:
    (tmp_path / "hang.csv").write_text(BROKEN_CSV, encoding="utf-8")
    done = listsync("catalog", "validate", "hang.csv", cwd=tmp_path, env=VIETNAMESE)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "lỗi: 3 chỗ cần sửa trong danh mục sản phẩm:",
        "  hang.csv, dòng 1 (Ngành hàng): thiếu cột này; danh mục nào cũng cần có",
        "  hang.csv, dòng 1 (Khối lượng (g)): thiếu cột này; danh mục nào cũng cần có",
        "  hang.csv, dòng 2, cột C (price_vnd): giá phải là số đồng tròn, nhận được mười nghìn",
    ]


@pytest.mark.parametrize("env", [ENGLISH, {"LANG": "vi_VN.UTF-8", "LISTSYNC_LANG": "en"}])
def test_english_stays_as_it_was(tmp_path: Path, env: dict[str, str]) -> None:
    done = listsync("--help", cwd=tmp_path, env=env)
    lines = done.stdout.splitlines()
    for line in ENGLISH_HELP_LINES:
        assert line in lines
    assert done.stdout.isascii()
    (tmp_path / "hang.csv").write_text(BROKEN_CSV, encoding="utf-8")
    done = listsync("catalog", "validate", "hang.csv", cwd=tmp_path, env=env)
    assert done.stderr.splitlines() == [
        "error: 3 problems in the catalog:",
        "  hang.csv, row 1 (category): this column is missing; every catalog needs it",
        "  hang.csv, row 1 (weight_g): this column is missing; every catalog needs it",
        "  hang.csv, row 2, column C (price_vnd): price must be a whole number of dong, "
        "got mười nghìn",
    ]
    wrong = listsync("frobnicate", cwd=tmp_path, env=env)
    assert "Error: No such command 'frobnicate'." in wrong.stderr


def test_init_on_a_vietnamese_computer_makes_a_vietnamese_workspace(tmp_path: Path) -> None:
    done = listsync("init", "ws", cwd=tmp_path, env=VIETNAMESE)
    assert done.returncode == 0, done.stderr
    assert "đã ghi " in done.stdout and "Tiếp theo: cd ws && listsync" in done.stdout
    config = (tmp_path / "ws" / "listsync.toml").read_text(encoding="utf-8")
    assert re.search(r'^language = "vi"$', config, re.M)
    english = listsync("init", "ws-en", cwd=tmp_path, env=ENGLISH)
    assert "wrote " in english.stdout
    assert '# language = "vi"' in (tmp_path / "ws-en" / "listsync.toml").read_text("utf-8")


def test_the_workspace_language_wins_over_the_locale(tmp_path: Path) -> None:
    listsync("init", "ws", cwd=tmp_path, env=VIETNAMESE)
    # an English computer, a Vietnamese workspace: the help of its commands is Vietnamese
    done = listsync("-w", "ws", "stock", "--help", cwd=tmp_path, env=ENGLISH)
    assert "Kiểm đếm, cộng thêm và xem tồn thực tế." in done.stdout
    assert "Cách dùng:" in done.stdout
    shown = listsync("-w", "ws", "stock", "show", cwd=tmp_path, env=ENGLISH)
    assert "Tồn thực tế" in shown.stdout, shown.stderr
    # LISTSYNC_LANG is this person's choice, whatever the workspace says
    done = listsync("-w", "ws", "stock", "--help", cwd=tmp_path, env={"LISTSYNC_LANG": "en"})
    assert "Count, add and show stock on hand." in done.stdout


def test_usage_lines_speak_vietnamese_too() -> None:
    """Click's placeholders ([OPTIONS], COMMAND [ARGS]..., INTEGER, argument names)."""
    import subprocess
    import sys

    env = {**os.environ, "LISTSYNC_LANG": "vi"}
    shown = subprocess.run(
        [sys.executable, "-m", "listsync", "stock", "set", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "[TÙY_CHỌN] SKU SỐ_LƯỢNG" in shown and "[OPTIONS]" not in shown
    demo = subprocess.run(
        [sys.executable, "-m", "listsync", "demo", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "--orders SỐ_NGUYÊN" in demo and "INTEGER" not in demo
