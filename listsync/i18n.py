"""One translation function for every message meant for a person.

Call sites write ``_("Vietnamese or English text {name}").format(name=...)``; a Vietnamese
catalog (``locale/vi/LC_MESSAGES/listsync.mo``) can be added later without touching them.
"""

from __future__ import annotations

import gettext
from pathlib import Path

_LOCALE_DIR = Path(__file__).with_name("locale")
_translation = gettext.translation("listsync", localedir=_LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
