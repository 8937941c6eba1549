"""One translation function for every message meant for a person, in English or Vietnamese.

Call sites write ``_("English text {name}").format(name=...)`` (``ngettext`` for counts);
the Vietnamese catalog is ``locale/vi/LC_MESSAGES/listsync.mo`` (gettext domain
``listsync``), kept with Babel by ``scripts/i18n.py``. A message missing from it shows in
English. ``_`` looks the current language up each time it is called, so a message built in
a function follows :func:`set_language`; a message built at import (click's help texts)
follows the language chosen then.

Which language, strongest first:

1. ``LISTSYNC_LANG`` (``vi`` or ``en``): this person, this shell, whatever the workspace says;
2. the workspace's ``language`` setting (``listsync.toml``; ``LISTSYNC_LANGUAGE`` in ``.env``
   or the environment): the language listsync speaks to the clerk, not the language of the
   listings (that is each channel's own ``language``);
3. the computer's locale: the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``
   that is set, Vietnamese when it starts with ``vi`` (on Windows, where these are rarely
   set, the user's locale, such as ``Vietnamese_Vietnam``);
4. English.

At import the environment (1 and 3) decides; ``listsync.cli.start`` then applies the
workspace's setting before any command module is imported.
"""

from __future__ import annotations

import gettext
import locale
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DOMAIN = "listsync"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("vi", "en")
LANG_VAR = "LISTSYNC_LANG"
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language_code(value: object) -> str | None:
    """``vi`` or ``en`` for a language or locale name (``vi_VN.UTF-8``, ``C``), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text.startswith("vi") or text == "vn":
        return "vi"
    if text.startswith("en") or text.split(".")[0] in ("c", "posix"):
        return "en"
    return None


def locale_language(environ: Mapping[str, str] | None = None) -> str | None:
    """The language of the computer's locale, as gettext reads it; None when nothing says."""
    env = os.environ if environ is None else environ
    for name in LOCALE_VARS:
        value = env.get(name, "")
        if not value:
            continue
        if name == "LANGUAGE":  # a list, "vi:en"; entries without a catalog are skipped
            known = [code for code in map(language_code, value.split(":")) if code]
            return known[0] if known else "en"
        return language_code(value) or "en"
    if os.name == "nt" and environ is None:  # Windows keeps the user's locale elsewhere
        return language_code(locale.getlocale()[0])
    return None


def pick_language(configured: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``LISTSYNC_LANG``, else ``configured`` (the workspace setting), else the locale, else en."""
    env = os.environ if environ is None else environ
    return (
        language_code(env.get(LANG_VAR))
        or language_code(configured)
        or locale_language(environ)
        or "en"
    )


_language = "en"
_translation: gettext.NullTranslations = gettext.NullTranslations()
# the language of one context only (a web request, the sync it started), over the process's
_here: ContextVar[tuple[str, gettext.NullTranslations] | None] = ContextVar(
    "listsync_language", default=None
)


def _load(code: str) -> tuple[str, gettext.NullTranslations]:
    language = "vi" if language_code(code) == "vi" else "en"
    translation = (
        gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)
        if language != "en"
        else gettext.NullTranslations()
    )
    return language, translation


def set_language(code: str) -> None:
    """Speak ``code`` (``vi`` or ``en``) from now on; anything else means English."""
    global _language, _translation
    _language, _translation = _load(code)


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Speak ``code`` in this context only (one web request, or a thread started with its
    context), whatever the rest of the process speaks: two people may read ``listsync web``
    at once, one in Vietnamese and one in English."""
    token = _here.set(_load(code))
    try:
        yield
    finally:
        _here.reset(token)


def current_language() -> str:
    here = _here.get()
    return here[0] if here is not None else _language


def _(message: str) -> str:
    here = _here.get()
    return (here[1] if here is not None else _translation).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    here = _here.get()
    return (here[1] if here is not None else _translation).ngettext(singular, plural, n)


set_language(pick_language())
