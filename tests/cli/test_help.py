"""``--help`` everywhere: one or two examples under every command, each a command line that
listsync accepts, and lists of commands that show each description whole (never cut with
"..."), in English and in Vietnamese, whose sentences are longer."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterator

import click
import pytest

from listsync import i18n
from listsync.cli.help import first_sentence
from listsync.cli.main import cli
from tests.cli.test_main import run
from tests.sync.support import LISTSYNC


def commands(
    group: click.Group = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, group
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(commands())
GROUPS = [path for path, command in COMMANDS if isinstance(command, click.Group)]


def example_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Examples:")
    shown = [line.strip() for line in lines[start + 1 :]]
    return [line for line in shown if line and not line.startswith("#")]


def accepts(line: str) -> None:
    """Parse an example as listsync would, down to its command's options and arguments."""
    words = shlex.split(line)
    assert words.pop(0) == "listsync", line
    command: click.Command = cli
    name = "listsync"
    while isinstance(command, click.Group):
        while words[0].startswith("-"):  # the group's own options
            if words.pop(0) in ("-w", "--workspace"):
                words.pop(0)
        name = words.pop(0)
        found = command.commands.get(name)
        assert found is not None, (line, name)
        command = found
    with command.make_context(name, words):  # raises click's own error when it would refuse
        pass


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=[" ".join(p) or "-" for p, _ in COMMANDS]
)
def test_every_command_shows_examples_listsync_accepts(
    path: tuple[str, ...], command: click.Command
) -> None:
    shown = run(*path, "--help")
    assert shown.exit_code == 0, shown.output
    examples = example_lines(shown.output)
    assert 1 <= len(examples) <= 2, shown.output
    for line in examples:
        assert line.startswith(" ".join(("listsync", *path))) or not path, line
        accepts(line)
    assert all(len(line) <= 80 for line in shown.output.splitlines()), shown.output


def listed(output: str) -> dict[str, str]:
    """A help's list of commands: each name and its description, wrapped lines joined."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line in ("Commands:", "Lệnh:"))
    found: dict[str, str] = {}
    name = ""
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        if not line.startswith("   "):  # "  name  description"
            name, text = line.strip().split(None, 1)
            found[name] = text
        else:
            found[name] += " " + line.strip()
    return found


@pytest.fixture(params=["en", "vi"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.current_language()
    yield request.param
    i18n.set_language(before)


def shown_help(command: click.Command) -> str:
    """A command's description in a list, in the language now spoken: its whole first
    sentence, or its own short help."""
    english = command.short_help or ""
    if command.help and english == first_sentence(command.help):
        return first_sentence(i18n._(command.help))
    return i18n._(english)


@pytest.mark.parametrize("path", GROUPS, ids=[" ".join(p) or "listsync" for p in GROUPS])
def test_lists_of_commands_show_each_description_whole(
    path: tuple[str, ...], language: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTSYNC_")}
    env["LISTSYNC_LANG"] = language
    done = subprocess.run(
        [*LISTSYNC, *path, "--help"], capture_output=True, text=True, env=env, check=True
    )
    group = cli
    for name in path:
        group = group.commands[name]  # type: ignore[assignment]
    assert isinstance(group, click.Group)
    i18n.set_language(language)
    descriptions = listed(done.stdout)
    assert set(descriptions) == set(group.commands)
    assert not [text for text in descriptions.values() if text.endswith(("...", "…"))]
    for name, command in group.commands.items():
        assert descriptions[name] == shown_help(command), name
