"""Keep the Vietnamese catalog in step with the source: extract, update, compile in one go.

    .venv/bin/python scripts/i18n.py           # listsync.pot, then the vi .po, then the .mo
    .venv/bin/python scripts/i18n.py --check   # change nothing; exit 1 if anything is due

1. **Extract**: every ``_("…")`` and ``ngettext("…", "…", n)`` in the files ``babel.cfg``
   names (``listsync/`` and ``adapters/``), and click's own words ("Usage:", "Options:",
   its error messages) from the installed click, into ``listsync/locale/listsync.pot``.
2. **Update** ``listsync/locale/vi/LC_MESSAGES/listsync.po`` from it: new messages come in
   with an empty ``msgstr``, messages gone from the source go, translations are kept.
   Nothing is guessed (no fuzzy matching).
3. **Compile** the ``.po`` to ``listsync.mo`` beside it; the ``.mo`` is committed, so
   ``pip install`` needs no build step.

Then fill in the empty ``msgstr ""`` entries (the script lists them) following
``docs/glossary.md``, keep every ``{placeholder}`` as it is, and run the script again to
compile. ``tests/test_i18n.py`` fails while a message is untranslated. The same with
pybabel's own commands (no click words, line numbers kept)::

    pybabel extract -F babel.cfg -k _ -k ngettext:1,2 --no-default-keywords \\
        -o listsync/locale/listsync.pot .
    pybabel update -N -D listsync -l vi -d listsync/locale -i listsync/locale/listsync.pot
    pybabel compile -D listsync -l vi -d listsync/locale
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "listsync" / "locale"
TEMPLATE = LOCALE_DIR / "listsync.pot"
LANGUAGE = "vi"
PO = LOCALE_DIR / LANGUAGE / "LC_MESSAGES" / "listsync.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "ngettext": (1, 2)}
HEADER = "# The messages of listsync{language}.\n# Kept by scripts/i18n.py: see its docstring.\n#"
PROJECT = {"project": "listsync", "version": "0.1", "msgid_bugs_address": ""}


def extract_source(root: Path = ROOT) -> Iterable[tuple[str, str | tuple[str, ...], int]]:
    """(file, message, line) for every message marked in the files babel.cfg names."""
    with open(root / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    for filename, lineno, message, _comments, _context in extract_from_dir(
        root, method_map, options_map, keywords=KEYWORDS
    ):
        yield filename, message, lineno


def extract_click() -> Iterable[tuple[str, str | tuple[str, ...], int]]:
    """(file, message, line) for click's own words, from the click that is installed."""
    import click

    folder = Path(click.__file__).parent
    for filename, lineno, message, _comments, _context in extract_from_dir(
        folder, [("**.py", "python")], keywords=KEYWORDS
    ):
        yield f"click/{filename}", message, lineno


def template() -> Catalog:
    """The messages of the source as it is now: listsync's, then click's."""
    catalog = Catalog(header_comment=HEADER.format(language=""), fuzzy=False, **PROJECT)
    for filename, message, lineno in [*extract_source(), *extract_click()]:
        catalog.add(message, None, [(filename, lineno)])
    return catalog


def updated(template: Catalog) -> Catalog:
    """The Vietnamese catalog brought in step with ``template``, translations kept."""
    if PO.exists():
        with open(PO, "rb") as file:
            catalog = read_po(file, locale=LANGUAGE, domain="listsync")
    else:
        header = HEADER.format(language=", in Vietnamese")
        catalog = Catalog(LANGUAGE, "listsync", header, fuzzy=False, **PROJECT)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _dateless(text: bytes) -> bytes:
    """The file without the dates in its header, so an unchanged catalog is not rewritten."""
    lines = text.splitlines(keepends=True)
    return b"".join(line for line in lines if not line.startswith(b'"POT-Creation-Date'))


def _write(path: Path, data: bytes, check: bool, stale: list[Path]) -> None:
    old = path.read_bytes() if path.exists() else b""
    if _dateless(old) == _dateless(data):
        return
    stale.append(path)
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def todo(catalog: Catalog) -> list[str]:
    """The messages still to translate: empty or fuzzy."""
    left = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            left.append(message.id if isinstance(message.id, str) else message.id[0])
    return left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if due")
    args = parser.parse_args(argv)

    pot = template()
    catalog = updated(pot)
    stale: list[Path] = []
    _write(TEMPLATE, po_bytes(pot), args.check, stale)
    _write(PO, po_bytes(catalog), args.check, stale)
    _write(MO, mo_bytes(catalog), args.check, stale)
    left = todo(catalog)
    total = sum(1 for message in catalog if message.id)
    print(f"{total} messages, {total - len(left)} translated, {len(left)} to translate")
    for message in left:
        print(f"  to translate: {message!r}")
    for path in stale:
        print(f"  {'out of date' if args.check else 'written'}: {path.relative_to(ROOT)}")
    return 1 if args.check and (left or stale) else 0


if __name__ == "__main__":
    sys.exit(main())
