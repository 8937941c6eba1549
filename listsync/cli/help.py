"""What ``--help`` shows besides click's own: examples under each command, and the whole
first paragraph of each command's help in its group's list.

Only click and :mod:`listsync.i18n` are imported, so ``listsync --help`` stays instant.
"""

from __future__ import annotations

import click

from listsync.i18n import _


def examples(*shown: tuple[str, str]) -> str:
    """An epilog of examples, each a command and what it does (written above it as a shell
    comment). Click rewraps an epilog; its ``\\b`` keeps these lines as they are."""
    lines = [_("Examples:")]
    for command, what in shown:
        lines += [f"  # {what}", f"  {command}"]
    return "\b\n" + "\n".join(lines)


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph, whole: what click would show, uncut. As
    for click, a period ends it when the next word does not start in lowercase."""
    words = [word for word in text.split("\n\n", 1)[0].split() if word != "\b"]
    for i, word in enumerate(words):
        if word.endswith(".") and (i == len(words) - 1 or not words[i + 1][0].islower()):
            return " ".join(words[: i + 1])
    return " ".join(words)


def full_short_help(command: click.Command) -> None:
    """Give every command under ``command`` the whole first sentence of its help as its
    short help: click would cut it at the terminal's width with "...", where a translation,
    often longer, loses most. One too long for a line is wrapped under itself."""
    if not isinstance(command, click.Group):
        return
    for sub in command.commands.values():
        if sub.short_help is None and sub.help:
            sub.short_help = first_sentence(sub.help)
        full_short_help(sub)
