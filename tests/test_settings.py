"""Workspace settings: precedence, merging, secrets, error messages, the init template."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr

from listsync.channel.contract import ChannelSettings
from listsync.errors import ConfigError
from listsync.settings import (
    ENV_TEMPLATE,
    Settings,
    StockOptions,
    SyncOptions,
    channel_settings,
    check_private_file,
    load_settings,
    write_workspace_template,
)

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
SENTINEL = "SENTINEL-s3cr3t-7f9a2c"
posix_only = pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")


class ShopeeSettings(ChannelSettings):
    base_url: str = "https://partner.shopeemobile.com"
    partner_id: int
    partner_key: SecretStr
    shop_id: str | None = None


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.upper().startswith("LISTSYNC_"):
            monkeypatch.delenv(name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


# --- precedence: defaults < listsync.toml < .env < environment < flags -----------------


def test_defaults(ws: Path) -> None:
    settings = load_settings(ws)
    assert settings.workspace == ws.resolve()
    assert settings.ledger_path == ws.resolve() / "listsync.sqlite3"
    assert settings.log_dir == ws.resolve() / "logs"
    assert (settings.overlap_minutes, settings.backfill_days, settings.catalog) == (60, 30, None)
    assert settings.tz.key == "Asia/Ho_Chi_Minh"
    assert settings.usd_vnd_rate is None and settings.channels == {}


def test_toml_beats_defaults(ws: Path) -> None:
    write(ws / "listsync.toml", "overlap_minutes = 10\n")
    assert load_settings(ws).overlap_minutes == 10


def test_dotenv_beats_toml(ws: Path) -> None:
    write(ws / "listsync.toml", "overlap_minutes = 10\n")
    write(ws / ".env", "LISTSYNC_OVERLAP_MINUTES=20\n")
    assert load_settings(ws).overlap_minutes == 20


def test_environment_beats_dotenv(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(ws / ".env", "LISTSYNC_OVERLAP_MINUTES=20\n")
    monkeypatch.setenv("LISTSYNC_OVERLAP_MINUTES", "30")
    assert load_settings(ws).overlap_minutes == 30


def test_flags_beat_environment(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LISTSYNC_OVERLAP_MINUTES", "30")
    assert load_settings(ws, overlap_minutes=40).overlap_minutes == 40
    # a flag that was not given (None) does not hide the lower layers
    assert load_settings(ws, overlap_minutes=None).overlap_minutes == 30


def test_channel_section_merges_key_by_key(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        ws / "listsync.toml",
        '[channels.shopee]\nenabled = true\npartner_id = 11\nshop_id = "22"\n[sync]\nworkers = 3\n',
    )
    write(ws / ".env", "LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=from-dotenv\n")
    monkeypatch.setenv("LISTSYNC_CHANNELS__SHOPEE__SHOP_ID", "33")
    settings = load_settings(ws, channels={"shopee": {"base_url": "http://127.0.0.1:9"}})
    assert settings.channels["shopee"] == {
        "enabled": True,
        "partner_id": 11,
        "shop_id": "33",
        "partner_key": "from-dotenv",
        "base_url": "http://127.0.0.1:9",
    }
    assert settings.sync.workers == 3
    shopee = channel_settings(settings, "shopee", ShopeeSettings)
    assert isinstance(shopee, ShopeeSettings)
    assert shopee.partner_key.get_secret_value() == "from-dotenv"


# --- workspace and paths --------------------------------------------------------------


def test_workspace_from_environment_then_cwd(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().workspace == (tmp_path / "elsewhere").resolve()
    monkeypatch.setenv("LISTSYNC_WORKSPACE", str(ws))
    assert load_settings().workspace == ws.resolve()


def test_missing_workspace(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist: create one with `listsync init"):
        load_settings(tmp_path / "nowhere")


def test_relative_paths_resolve_against_workspace(ws: Path) -> None:
    write(
        ws / "listsync.toml",
        'catalog = "data/catalog.yaml"\nledger_path = "db/l.sqlite3"\nlog_dir = "/var/x"\n'
        '[channels.shopee]\npartner_id = 1\npartner_key = "k"\nmapping_file = "m/shopee.yaml"\n',
    )
    settings = load_settings(ws)  # the current folder is elsewhere
    assert settings.catalog == ws.resolve() / "data" / "catalog.yaml"
    assert settings.ledger_path == ws.resolve() / "db" / "l.sqlite3"
    assert settings.log_dir == Path("/var/x")
    shopee = channel_settings(settings, "shopee", ShopeeSettings)
    assert shopee.mapping_file == ws.resolve() / "m" / "shopee.yaml"


# --- secret files ---------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o620, 0o604, 0o602])
def test_env_file_refused_when_others_can_read_or_write(ws: Path, mode: int) -> None:
    env = write(ws / ".env", f"LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY={SENTINEL}\n", mode)
    with pytest.raises(ConfigError) as caught:
        load_settings(ws)
    assert f"fix it with: chmod 600 {env.resolve()}" in str(caught.value)
    assert SENTINEL not in str(caught.value)
    with pytest.raises(ConfigError, match="chmod 600"):
        check_private_file(env)


@posix_only
def test_env_file_accepted_at_0600(ws: Path) -> None:
    write(ws / ".env", "LISTSYNC_BACKFILL_DAYS=7\n", 0o600)
    assert load_settings(ws).backfill_days == 7


def test_mode_check_skipped_on_windows(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = write(ws / ".env", "X=1\n", 0o644)
    monkeypatch.setattr(os, "name", "nt")
    check_private_file(env)  # does not raise


@posix_only
def test_secret_in_readable_toml_refused(ws: Path) -> None:
    write(ws / "listsync.toml", f'[channels.shopee]\npartner_id = 1\npartner_key = "{SENTINEL}"\n')
    (ws / "listsync.toml").chmod(0o644)
    settings = load_settings(ws)
    with pytest.raises(ConfigError) as caught:
        channel_settings(settings, "shopee", ShopeeSettings)
    message = str(caught.value)
    assert "[channels.shopee] partner_key is a secret" in message
    assert "LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=" in message and "chmod 600" in message
    assert SENTINEL not in message
    (ws / "listsync.toml").chmod(0o600)
    shopee = channel_settings(settings, "shopee", ShopeeSettings)
    assert isinstance(shopee, ShopeeSettings)
    assert shopee.partner_key.get_secret_value() == SENTINEL


@posix_only
def test_secret_in_readable_toml_refused_even_when_env_has_it_too(ws: Path) -> None:
    write(ws / "listsync.toml", f'[channels.shopee]\npartner_id = 1\npartner_key = "{SENTINEL}"\n')
    (ws / "listsync.toml").chmod(0o644)
    write(ws / ".env", "LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=another-key-0001\n", 0o600)
    settings = load_settings(ws)
    with pytest.raises(ConfigError) as caught:
        channel_settings(settings, "shopee", ShopeeSettings)
    message = str(caught.value)
    assert "[channels.shopee] partner_key is a secret" in message and "chmod 600" in message
    assert SENTINEL not in message and "another-key-0001" not in message


@posix_only
def test_sentinel_secret_never_shown(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(ws / ".env", f"LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY={SENTINEL}\n")
    write(ws / "listsync.toml", '[channels.shopee]\npartner_id = "x"\n')
    settings = load_settings(ws)
    assert settings.channels["shopee"]["partner_key"] == SENTINEL
    shown = [repr(settings), str(settings)]
    with pytest.raises(ConfigError) as caught:
        channel_settings(settings, "shopee", ShopeeSettings)
    shown.append(str(caught.value))
    monkeypatch.setenv("LISTSYNC_CHANNELS__SHOPEE__PARTNER_ID", "5")
    good = channel_settings(load_settings(ws), "shopee", ShopeeSettings)
    shown += [repr(good), str(good), good.model_dump_json()]
    write(ws / "listsync.toml", f'[channels.shopee]\npartner_key = {SENTINEL}"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(ws)
    shown.append(str(caught.value))
    for text in shown:
        assert SENTINEL not in text


def test_secret_quoted_by_an_adapter_validator_is_masked(ws: Path) -> None:
    from pydantic import field_validator

    class Careless(ChannelSettings):
        base_url: str = "https://x"
        partner_key: SecretStr

        @field_validator("partner_key")
        @classmethod
        def _check(cls, value: SecretStr) -> SecretStr:
            raise ValueError(f"key {value.get_secret_value()} is revoked")

    write(ws / "listsync.toml", f'[channels.shopee]\npartner_key = "{SENTINEL}"\n')
    with pytest.raises(ConfigError) as caught:
        channel_settings(load_settings(ws), "shopee", Careless)
    assert SENTINEL not in str(caught.value)
    assert "partner_key: key ********** is revoked" in str(caught.value)


# --- error messages -------------------------------------------------------------------


def test_bad_toml_names_file_and_line(ws: Path) -> None:
    write(ws / "listsync.toml", 'timezone = "Asia/Ho_Chi_Minh"\n\noverlap_minutes = = 3\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(ws)
    assert str(caught.value).startswith(f"{ws.resolve() / 'listsync.toml'}, line 3, column ")


def test_toml_not_utf8(ws: Path) -> None:
    (ws / "listsync.toml").write_bytes('catalog = "Trà sen.yaml"\n'.encode("cp1258"))
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_settings(ws)


def test_toml_with_bom_and_vietnamese(ws: Path) -> None:
    (ws / "listsync.toml").write_bytes('\ufeffcatalog = "Trà sen.yaml"\n'.encode())
    assert load_settings(ws).catalog == ws.resolve() / "Trà sen.yaml"


def test_unknown_key_did_you_mean(ws: Path) -> None:
    write(ws / "listsync.toml", 'ledger_pth = "x.sqlite3"\n[sync]\nworkres = 2\n')
    write(ws / ".env", "LISTSYNC_BACKFIL_DAYS=3\nUNRELATED=1\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(ws)
    lines = str(caught.value).splitlines()
    toml, env = ws.resolve() / "listsync.toml", ws.resolve() / ".env"
    assert lines[0] == "3 problems in the settings:"
    assert sorted(line.strip() for line in lines[1:]) == sorted(
        [
            f"{toml} ledger_pth: is not a known setting; did you mean ledger_path?",
            f"{toml} [sync] workres: is not a known setting; did you mean workers?",
            f"{env} LISTSYNC_BACKFIL_DAYS: is not a known setting;"
            " did you mean LISTSYNC_BACKFILL_DAYS?",
        ]
    )


def test_bad_top_level_values(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(ws / "listsync.toml", 'timezone = "Asia/Hanoi_City"\n')
    monkeypatch.setenv("LISTSYNC_BACKFILL_DAYS", "many")
    with pytest.raises(ConfigError) as caught:
        load_settings(ws, usd_vnd_rate=25400.5)
    message = str(caught.value)
    assert "listsync.toml timezone: unknown time zone; write one like Asia/Ho_Chi_Minh" in message
    assert "\n  LISTSYNC_BACKFILL_DAYS: must be a whole number" in message
    assert '--usd-vnd-rate: must be exact: write it as a string, e.g. "25400"' in message


def test_usd_rate_is_exact_decimal(ws: Path) -> None:
    write(ws / "listsync.toml", "usd_vnd_rate = 25400.10\n")
    assert load_settings(ws).usd_vnd_rate == Decimal("25400.10")
    assert load_settings(ws, usd_vnd_rate="25401").usd_vnd_rate == Decimal(25401)


def test_channel_errors_name_the_key_as_written(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(ws / "listsync.toml", '[channels.shopee]\npartner_id = "abc"\nparter_key = "k"\n')
    monkeypatch.setenv("LISTSYNC_CHANNELS__SHOPEE__TIMEOUT_SECONDS", "soon")
    with pytest.raises(ConfigError) as caught:
        channel_settings(load_settings(ws), "shopee", ShopeeSettings)
    toml, env = ws.resolve() / "listsync.toml", ws.resolve() / ".env"
    assert str(caught.value).splitlines() == [
        "4 problems in the settings:",
        "  LISTSYNC_CHANNELS__SHOPEE__TIMEOUT_SECONDS: must be a number",
        f"  {toml} [channels.shopee] partner_id: must be a whole number",
        f"  {toml} [channels.shopee] partner_key: is missing;"
        f" put it in {env} as LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=…",
        f"  {toml} [channels.shopee] parter_key: is not a known setting; did you mean partner_key?",
    ]


def test_single_channel_problem_is_one_line(ws: Path) -> None:
    write(ws / "listsync.toml", '[channels.shopee]\npartner_id = "abc"\npartner_key = "k"\n')
    with pytest.raises(ConfigError) as caught:
        channel_settings(load_settings(ws), "shopee", ShopeeSettings)
    assert str(caught.value).endswith(
        "listsync.toml [channels.shopee] partner_id: must be a whole number"
    )
    assert "\n" not in str(caught.value)


def test_missing_channel_section(ws: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        channel_settings(load_settings(ws), "tiki", ShopeeSettings)
    assert str(caught.value) == (
        f"channel tiki is not configured: add a [channels.tiki] section to {ws.resolve()}"
        "/listsync.toml (listsync init writes a commented example of it there)"
    )


# --- listsync init --------------------------------------------------------------------


@posix_only
def test_init_template_modes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_chmod(*args: object, **kwargs: object) -> None:
        raise AssertionError("the .env must be created private, not chmod-ed afterwards")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(os, "fchmod", no_chmod)
    old = os.umask(0)  # the mode must come from os.open, not from a kind umask
    try:
        written = write_workspace_template(tmp_path / "coop")
    finally:
        os.umask(old)
    config, env = tmp_path / "coop" / "listsync.toml", tmp_path / "coop" / ".env"
    assert written == [config, env]
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    text = env.read_text(encoding="utf-8")
    assert text.startswith(ENV_TEMPLATE)
    key = text.rsplit("LISTSYNC_LEDGER_KEY=", 1)[1].strip()
    assert len(key) == 44  # a fresh Fernet key, one per workspace
    settings = load_settings(tmp_path / "coop")
    assert settings.ledger_key is not None and settings.ledger_key.get_secret_value() == key
    assert settings.catalog == (tmp_path / "coop" / "catalog.yaml").resolve()


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    write_workspace_template(tmp_path)
    (tmp_path / "listsync.toml").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        write_workspace_template(tmp_path)
    assert str(tmp_path / "listsync.toml") in str(caught.value)
    assert str(tmp_path / ".env") in str(caught.value)
    assert (tmp_path / "listsync.toml").read_text(encoding="utf-8") == "# mine\n"


@posix_only
def test_init_force_recreates_env_private(tmp_path: Path) -> None:
    write(tmp_path / ".env", "OLD=1\n", 0o644)
    write_workspace_template(tmp_path, force=True, catalog="san-pham.xlsx")
    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600
    assert 'catalog = "san-pham.xlsx"' in (tmp_path / "listsync.toml").read_text(encoding="utf-8")


# --- the documented examples ----------------------------------------------------------


def test_env_example_is_the_init_template() -> None:
    assert (CONFIG_DIR / "env.example").read_text(encoding="utf-8") == ENV_TEMPLATE


def test_example_toml_documents_every_key_and_loads(ws: Path) -> None:
    text = (CONFIG_DIR / "listsync.example.toml").read_text(encoding="utf-8")
    models = (Settings, SyncOptions, StockOptions)
    keys = {name for model in models for name in model.model_fields}
    for name in keys - {"workspace", "channels", "sync", "stock"}:
        assert re.search(rf"^(# )?{name} = ", text, re.M), name
    assert re.search(r"^\[sync\]$", text, re.M) and re.search(r"^\[stock\]$", text, re.M)
    write(ws / "listsync.toml", text)
    assert load_settings(ws).catalog == ws.resolve() / "catalog.yaml"


def test_example_channel_sections() -> None:
    text = (CONFIG_DIR / "listsync.example.toml").read_text(encoding="utf-8")
    once = tomllib.loads(re.sub(r"^# (?=\w+ = |\[[\w.]+\]$)", "", text, flags=re.M))
    twice = tomllib.loads(re.sub(r"^# (# )?(?=\w+ = |\[[\w.]+\]$)", "", text, flags=re.M))
    common = {"enabled", "base_url", "timeout_seconds", "rate_per_second", "max_attempts"}
    common |= {"mapping_file", "shop_id"}
    expected = {
        "shopee": ("https://partner.shopeemobile.com", {"partner_id", "partner_key"}),
        "lazada": (
            "https://api.lazada.vn/rest",
            {"auth_url", "authorize_url", "app_key", "app_secret"},
        ),
        "tiki": (
            "https://api.tiki.vn",
            {"auth_url", "authorize_url", "client_id", "client_secret", "app_type"}
            | {"warehouse_id", "image_base_url", "scope", "token_auth", "activate_approved"}
            | {"offer_batch"},
        ),
        "alibaba": (
            "https://open-api.alibaba.com/rest",
            {"authorize_url", "app_key", "app_secret", "inventory_code", "product_type"}
            | {"top_gateway"},
        ),
    }
    assert set(twice["channels"]) == set(expected)
    for name, (host, keys) in expected.items():
        assert set(twice["channels"][name]) == common | keys, name
        assert twice["channels"][name]["base_url"] == host
        assert not {"partner_key", "app_secret", "client_secret"} & set(once["channels"][name])
    assert twice["channels"]["lazada"]["auth_url"] == "https://auth.lazada.com/rest"


def test_a_ledger_path_that_is_a_folder_is_a_setting_mistake(ws: Path) -> None:
    (ws / "data").mkdir()
    write(ws / "listsync.toml", 'ledger_path = "data"\n')
    with pytest.raises(ConfigError, match="is a folder; name a file") as caught:
        load_settings(ws)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com", "partner.shopee.vn"])
def test_a_channel_address_must_be_a_web_address(ws: Path, url: str) -> None:
    write(ws / "listsync.toml", f'[channels.shopee]\npartner_id = 1\nbase_url = "{url}"\n')
    write(ws / ".env", "LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=k-0001\n", 0o600)
    with pytest.raises(ConfigError) as caught:
        channel_settings(load_settings(ws), "shopee", ShopeeSettings)
    assert "base_url: must be a web address starting with https:// or http://" in str(caught.value)
    assert caught.value.exit_code == 2


def test_the_ledger_key_is_added_to_an_older_workspace_once(ws: Path) -> None:
    from listsync.settings import ensure_ledger_key

    write(ws / ".env", "LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=k-0001\n", 0o600)
    settings = load_settings(ws)
    assert settings.ledger_key is None
    key = ensure_ledger_key(settings)
    assert ensure_ledger_key(load_settings(ws)).get_secret_value() == key.get_secret_value()
    text = (ws / ".env").read_text(encoding="utf-8")
    assert text.startswith("LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=k-0001\n")
    assert text.count("LISTSYNC_LEDGER_KEY=") == 1
    assert stat.S_IMODE((ws / ".env").stat().st_mode) == 0o600


def test_a_vietnamese_workspace_explains_itself_in_vietnamese(tmp_path: Path) -> None:
    from listsync.settings import ENV_NOTE_VI

    write_workspace_template(tmp_path / "htx", language="vi")
    toml = (tmp_path / "htx" / "listsync.toml").read_text(encoding="utf-8")
    env = (tmp_path / "htx" / ".env").read_text(encoding="utf-8")
    assert toml.startswith("# Thư mục làm việc của listsync.") and 'language = "vi"' in toml
    assert "Every key is explained" not in toml
    assert env.startswith(ENV_NOTE_VI) and "Khóa niêm phong mã truy cập" in env
    settings = load_settings(tmp_path / "htx")
    assert settings.language == "vi" and settings.ledger_key is not None
