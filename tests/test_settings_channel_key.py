"""``set_channel_key``: one key of a ``[channels.<name>]`` table set in listsync.toml, in
place, everything else the clerk (or ``listsync init``) wrote kept byte for byte."""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listsync.settings import load_settings, set_channel_key, write_workspace_template

posix_only = pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")
CHANNELS = ("shopee", "lazada", "tiki", "alibaba")


def template(language: str) -> str:
    """listsync.toml as `listsync init` writes it."""
    with tempfile.TemporaryDirectory() as folder:
        write_workspace_template(Path(folder), language=language)
        return (Path(folder) / "listsync.toml").read_text(encoding="utf-8")


# the template as `listsync init` writes it, Shopee's section taken out of its comments and
# filled in by the clerk, who added notes of her own; the other channels stay examples
CONFIG = template("en").replace(
    '# [channels.shopee]\n# enabled = true\n# partner_id = "1000001"\n# shop_id = "2000001"\n',
    "[channels.shopee]  # our Shopee shop\n"
    "enabled = true\n"
    "# from the Open Platform console\n"
    'partner_id = "1000001"   # app of the HTX\n',
)


def changes(before: str, after: str) -> list[str]:
    """The lines taken out (-) and put in (+) between two texts."""
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line[:1] in "+-"]


def config(folder: Path, text: str = CONFIG, mode: int = 0o600) -> Path:
    path = folder / "listsync.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("LISTSYNC_") and name != "LISTSYNC_LANG":
            monkeypatch.delenv(name)


def test_a_new_key_goes_after_the_tables_last_key_and_nothing_else_moves(tmp_path: Path) -> None:
    path = config(tmp_path)
    assert set_channel_key(path, "shopee", "shop_id", "322300222") is None
    after = path.read_text(encoding="utf-8")
    assert changes(CONFIG, after) == ['+ shop_id = "322300222"\n']
    lines = after.splitlines()
    assert lines[lines.index('shop_id = "322300222"') - 1].startswith('partner_id = "1000001"')
    # the other channels' examples are still comments, after the new key
    assert after.index("shop_id = ") < after.index("# [channels.lazada]")
    assert tomllib.loads(after)["channels"] == {
        "shopee": {"enabled": True, "partner_id": "1000001", "shop_id": "322300222"}
    }
    assert load_settings(tmp_path).channels["shopee"]["shop_id"] == "322300222"


def test_another_shop_is_replaced_on_its_own_line_comment_kept(tmp_path: Path) -> None:
    text = CONFIG.replace(
        'partner_id = "1000001"   # app of the HTX\n',
        'partner_id = "1000001"   # app of the HTX\nshop_id = 2000001  # the old shop\n',
    )
    path = config(tmp_path, text)
    assert set_channel_key(path, "shopee", "shop_id", "322300222") == 2000001
    after = path.read_text(encoding="utf-8")
    assert changes(text, after) == [
        "- shop_id = 2000001  # the old shop\n",
        '+ shop_id = "322300222"  # the old shop\n',
    ]


def test_a_missing_table_is_added_at_the_end(tmp_path: Path) -> None:
    path = config(tmp_path)
    assert set_channel_key(path, "lazada", "shop_id", "VN1234567") is None
    after = path.read_text(encoding="utf-8")
    assert after.startswith(CONFIG)  # all of it, the commented examples included
    assert after[len(CONFIG) :] == '\n[channels.lazada]\nshop_id = "VN1234567"\n'
    assert tomllib.loads(after)["channels"]["lazada"] == {"shop_id": "VN1234567"}


def test_a_file_without_any_channel_gets_its_first_table(tmp_path: Path) -> None:
    text = template("vi")
    path = config(tmp_path, text)
    set_channel_key(path, "tiki", "shop_id", "123456")
    after = path.read_text(encoding="utf-8")
    assert after.startswith(text) and after.endswith('[channels.tiki]\nshop_id = "123456"\n')
    assert "# [channels.tiki]" in after  # the example stays one


@pytest.mark.parametrize("held", ['"322300222"', "322300222"])
def test_the_same_shop_leaves_the_file_untouched(tmp_path: Path, held: str) -> None:
    text = CONFIG.replace("enabled = true\n", f"enabled = true\nshop_id = {held}\n", 1)
    path = config(tmp_path, text)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    before = path.stat()
    assert str(set_channel_key(path, "shopee", "shop_id", "322300222")) == "322300222"
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert path.read_text(encoding="utf-8") == text


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_the_file_keeps_its_mode_and_is_replaced_in_one_step(tmp_path: Path, mode: int) -> None:
    path = config(tmp_path, mode=mode)
    inode = path.stat().st_ino
    old = os.umask(0o077)
    try:
        set_channel_key(path, "shopee", "shop_id", "1")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.stat().st_ino != inode  # a new file took the old one's place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["listsync.toml"]  # no leftovers


@posix_only
def test_a_read_only_file_is_left_alone(tmp_path: Path) -> None:
    path = config(tmp_path, mode=0o444)
    with pytest.raises(PermissionError):
        set_channel_key(path, "shopee", "shop_id", "1")
    assert path.read_text(encoding="utf-8") == CONFIG


def test_a_link_is_followed_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "kept").mkdir()
    real = config(tmp_path / "kept")
    link = tmp_path / "listsync.toml"
    link.symlink_to(real)
    set_channel_key(link, "shopee", "shop_id", "7")
    assert link.is_symlink() and 'shop_id = "7"' in real.read_text(encoding="utf-8")


def test_a_bom_crlf_and_indented_keys_are_kept(tmp_path: Path) -> None:
    text = "[channels.shopee]\r\n  enabled = true\r\n  partner_id = 1\r\n# notes\r\n"
    path = tmp_path / "listsync.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    set_channel_key(path, "shopee", "shop_id", "5")
    assert path.read_bytes() == b"\xef\xbb\xbf" + text.replace(
        "partner_id = 1\r\n", 'partner_id = 1\r\n  shop_id = "5"\r\n'
    ).encode("utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[channels]\nshopee = { partner_id = 1 }\n", {"partner_id": 1, "shop_id": "5"}),
        ("channels.shopee.partner_id = 1\n", {"partner_id": 1, "shop_id": "5"}),
        (
            "[channels.shopee]\n[channels.shopee.extra]\na = 1\n",
            {"extra": {"a": 1}, "shop_id": "5"},
        ),
        ("[channels.shopee]\n\n[sync]\nworkers = 2\n", {"shop_id": "5"}),
    ],
)
def test_other_ways_of_writing_the_table(tmp_path: Path, text: str, expected: object) -> None:
    path = config(tmp_path, text)
    set_channel_key(path, "shopee", "shop_id", "5")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["channels"]["shopee"] == expected
    assert len(changes(text, path.read_text(encoding="utf-8"))) <= 2


def test_a_file_it_cannot_make_sense_of_is_refused_unchanged(tmp_path: Path) -> None:
    text = 'channels = { lazada = { app_key = "1" } }\n'  # no [channels.shopee] can follow
    path = config(tmp_path, text)
    with pytest.raises(ValueError):
        set_channel_key(path, "shopee", "shop_id", "5")
    assert path.read_text(encoding="utf-8") == text


TEMPLATES = {language: template(language) for language in ("en", "vi")}


def uncommented(text: str, names: set[str], drop_shop_id: bool) -> str:
    """The template with the sections of ``names`` taken out of their comments."""
    lines, inside = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("# [channels."):
            inside = line[len("# [channels.") : line.index("]")] in names
        elif not line.startswith("# "):
            inside = False
        if inside:
            line = line[2:]
            if drop_shop_id and line.startswith("shop_id"):
                continue
        lines.append(line)
    return "".join(lines)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    language=st.sampled_from(sorted(TEMPLATES)),
    names=st.sets(st.sampled_from(CHANNELS)),
    drop_shop_id=st.booleans(),
    channel=st.sampled_from(CHANNELS),
    shop=st.from_regex(r"[0-9]{1,12}", fullmatch=True),
)
def test_any_workspace_file_changes_by_one_line_at_most(
    tmp_path: Path, language: str, names: set[str], drop_shop_id: bool, channel: str, shop: str
) -> None:
    text = uncommented(TEMPLATES[language], names, drop_shop_id)
    path = config(tmp_path, text)
    before = tomllib.loads(text)
    set_channel_key(path, channel, "shop_id", shop)
    after = path.read_text(encoding="utf-8")
    data = tomllib.loads(after)
    section = before.get("channels", {}).get(channel)
    assert data == {
        **before,
        "channels": {**before.get("channels", {}), channel: {**(section or {}), "shop_id": shop}},
    }
    made = changes(text, after)
    if section is None:
        assert after.startswith(text) and made[-1] == f'+ shop_id = "{shop}"\n'
    elif "shop_id" in section:
        assert [line[0] for line in made] == (["-", "+"] if section["shop_id"] != shop else [])
    else:
        assert made == [f'+ shop_id = "{shop}"\n']
    # every commented example not taken out is still a comment
    assert [c for c in CHANNELS if f"# [channels.{c}]" in after] == [
        c for c in CHANNELS if c not in names
    ]
