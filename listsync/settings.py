"""Workspace settings: ``listsync.toml``, then ``.env``, then ``LISTSYNC_*``, then CLI flags.

A workspace is a folder holding ``listsync.toml``, an optional ``.env`` (secrets, mode 0600),
the ledger and the logs. pydantic-settings reads the sources and deep-merges them, so one
``LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY`` adds a key to ``[channels.shopee]`` and keeps the
others. Each source is wrapped to note which keys it supplied, so that an error names the key
as the user wrote it (a TOML key or an environment variable) and never shows a value.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from listsync.channel.contract import ChannelSettings
from listsync.errors import ConfigError, ListsyncError
from listsync.i18n import _
from listsync.sync.stock_rules import StockRule

CONFIG_NAME, ENV_NAME, ENV_PREFIX = "listsync.toml", ".env", "LISTSYNC_"
KeyPath = tuple[str, ...]


@dataclass(frozen=True)
class _Origin:
    """Where a key was set: a file ("" for the environment or a flag) and how keys are spelled."""

    file: str
    style: str  # "toml" | "env" | "flag"

    def name(self, path: KeyPath) -> str:
        if self.style == "env":
            return ENV_PREFIX + "__".join(path).upper()
        if self.style == "flag" and len(path) == 1:
            return "--" + path[0].replace("_", "-")
        return f"[{'.'.join(path[:-1])}] {path[-1]}" if len(path) > 1 else path[0]

    def label(self, path: KeyPath) -> str:
        return f"{self.file} {self.name(path)}" if self.file else self.name(path)


_ENV = _Origin("", "env")
_TRACE: ContextVar[dict[KeyPath, _Origin] | None] = ContextVar("listsync_trace", default=None)


def _paths(data: Mapping[str, Any], prefix: KeyPath = ()) -> Iterator[KeyPath]:
    for key, value in data.items():
        yield (*prefix, str(key))
        if isinstance(value, Mapping):
            yield from _paths(value, (*prefix, str(key)))


class _Traced(PydanticBaseSettingsSource):
    """Another source, unchanged, noting the keys it supplied in ``_TRACE``.

    Sources run from the strongest down, so the first origin noted for a key is the winner.
    """

    def __init__(self, inner: PydanticBaseSettingsSource, origin: _Origin) -> None:
        super().__init__(inner.settings_cls)
        self.inner, self.origin = inner, origin

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.inner.get_field_value(field, field_name)

    def __call__(self) -> dict[str, Any]:
        data, trace = self.inner(), _TRACE.get()
        if trace is not None:
            for path in _paths(data):
                trace.setdefault(path, self.origin)
        return data


class _TomlSource(TomlConfigSettingsSource):
    """TOML read with floats as Decimal (money is never float), failing with file and line."""

    def _read_file(self, file_path: Path | Traversable) -> dict[str, Any]:
        try:
            text = file_path.read_bytes().decode("utf-8-sig")  # Notepad may add a BOM
            return tomllib.loads(text, parse_float=Decimal)
        except UnicodeDecodeError:
            message = _("{file} is not UTF-8 text: save it again choosing UTF-8").format(
                file=file_path
            )
        except tomllib.TOMLDecodeError as exc:
            found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", str(exc))
            detail, line, column = found.groups() if found else (str(exc), "?", "?")
            message = _("{file}, line {line}, column {column}: {detail}").format(
                file=file_path, line=line, column=column, detail=detail.lower()
            )
        raise ConfigError(message)


class SyncOptions(BaseModel):
    """``[sync]``: how a run is carried out."""

    model_config = ConfigDict(extra="forbid")

    workers: int = Field(default=4, ge=1, le=16)  # channels synced at the same time
    reserve_from: Literal["payment", "creation"] = "payment"  # when an order holds stock back
    restock_returns: bool = False  # a returned order puts its units back on hand
    unknown_grace_minutes: int = Field(default=60, ge=0)  # wait for a lost create to show up
    review_check_minutes: int = Field(default=60, ge=0)  # ask about listings in review
    circuit_failures: int = Field(default=5, ge=1)  # passing failures in a row stop a channel
    mass_change_share: float = Field(default=0.5, gt=0, le=1)  # guard: share of listings
    # read what each marketplace shows and correct what drifted: every Nth sync (0: never)
    reconcile_every: int = Field(default=1, ge=0)
    # false: a product whose OCOP certificate has expired is not published (reported to fix)
    publish_expired_ocop: bool = True


class StockOptions(BaseModel):
    """``[stock]``: how much of the stock on hand the channels are offered."""

    model_config = ConfigDict(extra="forbid")

    buffer: int = Field(default=0, ge=0)  # units of every SKU never offered anywhere
    channels: dict[str, StockRule] = Field(default_factory=dict)  # [stock.channels.<name>]


class Settings(BaseSettings):
    """One workspace's settings; build it with :func:`load_settings`.

    Relative paths are resolved against ``workspace``. ``channels`` holds the raw
    ``[channels.<name>]`` sections, validated per adapter by :func:`channel_settings`; they
    hold secrets as plain text, so they are kept out of ``repr``: never log ``model_dump()``.
    A mistake in any source raises ConfigError naming where it was made.
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        env_ignore_empty=True,  # an empty `KEY=` line in .env does not blank a key
        env_file_encoding="utf-8-sig",
        extra="forbid",
        hide_input_in_errors=True,
    )

    workspace: Path = Path(".")
    ledger_path: Path = Path("listsync.sqlite3")
    catalog: Path | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    # the language listsync speaks to the clerk (messages, help, errors), not the listings'
    # language (each channel's own `language`); None: LISTSYNC_LANG, else the locale
    language: Literal["vi", "en"] | None = None
    log_dir: Path = Path("logs")
    photo_dirs: list[Path] = Field(default_factory=list)
    ledger_key: SecretStr | None = Field(default=None, repr=False)  # seals tokens in the ledger
    # `listsync web` opened to other computers: the password's scrypt hash and the key that
    # signs its sessions, both written to .env by `listsync web --set-password`
    web_password_hash: SecretStr | None = Field(default=None, repr=False)
    web_session_secret: SecretStr | None = Field(default=None, repr=False)
    overlap_minutes: int = Field(default=60, ge=0)
    backfill_days: int = Field(default=30, ge=0)
    usd_vnd_rate: Decimal | None = Field(default=None, gt=0, allow_inf_nan=False)
    channels: dict[str, dict[str, Any]] = Field(default_factory=dict, repr=False)
    sync: SyncOptions = Field(default_factory=SyncOptions)
    stock: StockOptions = Field(default_factory=StockOptions)

    _origins: dict[KeyPath, _Origin] = PrivateAttr(default_factory=dict)

    def __init__(self, **values: Any) -> None:
        values["workspace"] = _find_workspace(values.get("workspace"))
        trace: dict[KeyPath, _Origin] = {}
        token = _TRACE.set(trace)
        try:
            super().__init__(**values)
        except ValidationError as exc:
            default = _Origin(str(values["workspace"] / CONFIG_NAME), "toml")
            raise ConfigError(_report(exc, trace, default, (), type(self))) from None
        except SettingsError as exc:  # e.g. LISTSYNC_CHANNELS holding broken JSON
            raise ConfigError(str(exc)) from None
        finally:
            _TRACE.reset(token)
        self._origins = trace
        for key in ENV_ONLY:
            origin = trace.get((key,))
            if origin is not None and origin.style == "toml":
                raise ConfigError(
                    _("{label} is a secret: keep it only in {env} as {var}=…").format(
                        label=origin.label((key,)), env=self.env_file, var=_ENV.name((key,))
                    )
                )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        workspace = _find_workspace(getattr(init_settings, "init_kwargs", {}).get("workspace"))
        env_file, config_file = workspace / ENV_NAME, workspace / CONFIG_NAME
        check_private_file(env_file)
        dotenv = DotEnvSettingsSource(settings_cls, env_file, dotenv_filtering="match_prefix")
        return (
            _Traced(init_settings, _Origin("", "flag")),
            _Traced(env_settings, _ENV),
            _Traced(dotenv, _Origin(str(env_file), "env")),
            _Traced(_TomlSource(settings_cls, config_file), _Origin(str(config_file), "toml")),
        )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(_("unknown time zone; write one like Asia/Ho_Chi_Minh")) from None
        return value

    @field_validator("language", mode="before")
    @classmethod
    def _known_language(cls, value: Any) -> Any:
        code = value.strip().lower() if isinstance(value, str) else value
        if code not in ("vi", "en", None):
            raise ValueError(_('write "vi" for Vietnamese or "en" for English'))
        return code

    @field_validator("usd_vnd_rate", mode="before")
    @classmethod
    def _no_float(cls, value: Any) -> Any:
        if isinstance(value, float):
            raise ValueError(_('must be exact: write it as a string, e.g. "25400"'))
        return value

    @model_validator(mode="after")
    def _resolve_paths(self) -> Settings:
        self.ledger_path = _under(self.workspace, self.ledger_path)
        self.log_dir = _under(self.workspace, self.log_dir)
        self.catalog = _under(self.workspace, self.catalog) if self.catalog else None
        self.photo_dirs = [_under(self.workspace, folder) for folder in self.photo_dirs]
        if self.ledger_path.is_dir():
            raise ConfigError(
                _(
                    "{file}: ledger_path {path} is a folder; name a file, such as listsync.sqlite3"
                ).format(file=self.workspace / CONFIG_NAME, path=self.ledger_path)
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def config_file(self) -> Path:
        return self.workspace / CONFIG_NAME

    @property
    def env_file(self) -> Path:
        return self.workspace / ENV_NAME


def _find_workspace(value: Any) -> Path:
    chosen = value or os.environ.get(ENV_PREFIX + "WORKSPACE") or Path.cwd()
    return Path(chosen).expanduser().resolve()


def _under(workspace: Path, path: Path) -> Path:
    return path.expanduser() if path.expanduser().is_absolute() else workspace / path


def load_settings(workspace: Path | None = None, **overrides: Any) -> Settings:
    """The settings of ``workspace`` (else ``$LISTSYNC_WORKSPACE``, else the current folder).

    ``overrides`` are CLI flags and win over everything; ``None`` means "flag not given".
    """
    folder = _find_workspace(workspace)
    if not folder.is_dir():
        message = _("workspace {folder} does not exist: create one with `listsync init {folder}`")
        raise ConfigError(message.format(folder=folder))
    return Settings(workspace=folder, **{k: v for k, v in overrides.items() if v is not None})


def settings_if_any(workspace: Path | None = None) -> Settings | None:
    """The settings where ``workspace`` is (found as :func:`load_settings` finds it), or
    None when there are none to read: a catalog file may be checked outside any workspace."""
    try:
        return load_settings(workspace)
    except ListsyncError:
        return None


def workspace_zone(workspace: Path | None = None) -> ZoneInfo:
    """The time zone dates are counted in where ``workspace`` is: its ``timezone``, or the
    default one outside any workspace."""
    found = settings_if_any(workspace)
    return found.tz if found else ZoneInfo(str(Settings.model_fields["timezone"].default))


def _too_open(path: Path) -> bool:
    return os.name != "nt" and path.exists() and bool(path.stat().st_mode & 0o077)


def check_private_file(path: Path) -> None:
    """Refuse a file of secrets that other users may read or change (no check on Windows).

    A missing file passes: there is nothing in it to leak.
    """
    if _too_open(path):
        message = _(
            "{path} holds secrets but other users of this computer can read or change it;"
            " fix it with: chmod 600 {path}"
        )
        raise ConfigError(message.format(path=path))


def _plain(kind: str) -> str | None:
    """Pydantic's error types in words for a person who edits a TOML file."""
    plain = dict.fromkeys(
        ("int_parsing", "int_type", "int_from_float"), _("must be a whole number")
    )
    plain |= dict.fromkeys(
        ("float_parsing", "float_type", "decimal_parsing"), _("must be a number")
    )
    plain |= dict.fromkeys(("bool_parsing", "bool_type"), _("must be true or false"))
    plain |= dict.fromkeys(("dict_type", "model_type"), _("must be a section of keys"))
    plain |= {"missing": _("is missing"), "string_type": _('must be text in quotes: "…"')}
    return plain.get(kind)


def _bounded(kind: str, message: str) -> str | None:
    """Pydantic's limits and choices, translated: its English words with the limit it shows."""
    words = {
        "greater_than_equal": (
            "greater than or equal to ",
            _("must be greater than or equal to {limit}"),
        ),
        "less_than_equal": ("less than or equal to ", _("must be less than or equal to {limit}")),
        "greater_than": ("greater than ", _("must be greater than {limit}")),
        "less_than": ("less than ", _("must be less than {limit}")),
        "literal_error": ("", _("must be {limit}")),
    }
    lead, text = words.get(kind, ("", None))
    said = message.removeprefix("Input should be ")
    if text is None or said == message or not said.startswith(lead):
        return None
    return text.format(limit=said.removeprefix(lead))


def _fields_at(model: type[BaseModel], loc: KeyPath) -> list[str]:
    """The keys allowed in the (sub)model at ``loc``: the candidates for "did you mean"."""
    for part in loc:
        inner = getattr(model.model_fields.get(part), "annotation", None)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return []
        model = inner
    return list(model.model_fields)


def _secret_keys(model: type[BaseModel]) -> set[str]:
    fields = model.model_fields.items()
    return {name for name, f in fields if SecretStr in (f.annotation, *get_args(f.annotation))}


def _report(
    exc: ValidationError,
    trace: Mapping[KeyPath, _Origin],
    default: _Origin,
    base: KeyPath,
    model: type[BaseModel],
    env_file: Path | None = None,
) -> str:
    """One line per problem: where the user wrote the key, then what is wrong with it."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        loc = tuple(str(part) for part in error["loc"])
        path, kind = (*base, *loc), error["type"]
        # a missing key is shown where it belongs; a whole section given as JSON owns its keys
        found = [path[:n] for n in range(len(path), 0, -1) if path[:n] in trace]
        origin = trace[found[0]] if found and kind != "missing" else default
        text = (
            _plain(kind)
            or _bounded(kind, error["msg"])
            or error["msg"].removeprefix("Value error, ")
        )
        text = text.replace("Input should be", "must be")
        text = text[:1].lower() + text[1:]
        if kind == "extra_forbidden":
            close = difflib.get_close_matches(loc[-1].lower(), _fields_at(model, loc[:-1]), n=1)
            text = _("is not a known setting")
            if close:
                near = origin.name((*path[:-1], close[0])) if origin.style == "env" else close[0]
                text = _("is not a known setting; did you mean {name}?").format(name=near)
        elif kind == "missing" and loc[-1] in _secret_keys(model) and env_file:
            text += "; " + _("put it in {env} as {var}=…").format(env=env_file, var=_ENV.name(path))
        lines.append(f"{origin.label(path)}: {text}")
    if len(lines) == 1:
        return lines[0]
    head = _("{count} problems in the settings:").format(count=len(lines))
    return "\n  ".join([head, *lines])


def _toml_section(config_file: Path, name: str) -> dict[str, Any]:
    """The keys ``[channels.<name>]`` of the file itself holds, whatever else sets them."""
    try:
        raw = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a missing or broken file is reported where settings load
    section = raw.get("channels", {}).get(name, {})
    return section if isinstance(section, dict) else {}


def not_configured(name: str, config_file: Path) -> str:
    """Where to set up a channel that has no section: the workspace's own file, whose
    commented examples (written by ``listsync init``) show each channel's keys."""
    return _(
        "channel {name} is not configured: add a [channels.{name}] section to {config}"
        " (listsync init writes a commented example of it there)"
    ).format(name=name, config=config_file)


def channel_settings(
    settings: Settings, name: str, model: type[ChannelSettings]
) -> ChannelSettings:
    """Validate the ``[channels.<name>]`` section with the adapter's model.

    Every problem is reported at once, each naming the key where the user set it, never a
    value. A secret set in a listsync.toml that others can read is refused, like such a .env.
    Relative paths in the section (``mapping_file``) resolve against the workspace.
    """
    section, config_file = settings.channels.get(name), settings.config_file
    if section is None:
        raise ConfigError(not_configured(name, config_file))
    secrets, base = _secret_keys(model) & section.keys(), ("channels", name)
    in_toml = _secret_keys(model) & _toml_section(config_file, name).keys()
    for key in sorted(in_toml if _too_open(config_file) else ()):
        # refused even when .env or a variable also sets it: the file still gives it away
        message = _(
            "{label} is a secret but other users of this computer can read {file}:"
            " move it to {env} as {var}=…, or run: chmod 600 {file}"
        )
        path = (*base, key)
        env, var = settings.env_file, _ENV.name(path)
        label = _Origin(str(config_file), "toml").label(path)
        raise ConfigError(message.format(label=label, file=config_file, env=env, var=var))
    try:
        validated = model.model_validate(section)
    except ValidationError as exc:
        default = _Origin(str(config_file), "toml")
        message = _report(exc, settings._origins, default, base, model, settings.env_file)
        for value in (str(section[key]) for key in secrets):  # an adapter's validator may quote one
            message = message.replace(value, "**********") if len(value) >= 4 else message
        raise ConfigError(message) from None
    paths = {
        key: settings.workspace / value
        for key, value in validated
        if isinstance(value, Path) and not value.expanduser().is_absolute()
    }
    return validated.model_copy(update=paths)


ENV_TEMPLATE = """\
# listsync secrets for this workspace. Keep this file private: chmod 600 .env
# One line per secret: LISTSYNC_CHANNELS__<CHANNEL>__<KEY>=value
# A value here wins over listsync.toml; a real environment variable wins over this file.
# Remove the leading "# " of the lines you need and fill them in.

# LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=
# LISTSYNC_CHANNELS__LAZADA__APP_SECRET=
# LISTSYNC_CHANNELS__TIKI__CLIENT_SECRET=
# LISTSYNC_CHANNELS__ALIBABA__APP_SECRET=
"""

_TOML_TEMPLATE = """\
# listsync workspace. Its end shows each marketplace's section, commented out.
# Secrets (partner_key, app_secret, client_secret) go in .env, never here.

catalog = "{catalog}"
timezone = "Asia/Ho_Chi_Minh"

{language}

# To sell on a marketplace, remove the "# " at the start of each line of its section and
# fill them in; its secret goes in .env, on the line made for it there. Ids go in quotes.
# `listsync auth <channel>` then connects the shop and saves its shop_id. Every section
# also takes base_url (the API address), timeout_seconds, rate_per_second, max_attempts
# and mapping_file (that marketplace's categories and attributes).

# Shopee: partner_id from the Shopee Open Platform console; its secret is partner_key.
# [channels.shopee]
# enabled = true
# partner_id = "1000001"
# shop_id = "2000001"

# Lazada: app_key from the Lazada Open Platform console; its secret is app_secret.
# [channels.lazada]
# enabled = true
# app_key = "100001"
# shop_id = "VN1234567"

# Tiki: client_id from Tiki's Open API console; its secret is client_secret. app_type is
# "public" (the shop owner approves on Tiki's consent page) or "in_house" (no browser);
# warehouse_id is the seller warehouse whose stock listsync sets; image_base_url is where
# the workspace's photos are on the web (Tiki takes photo addresses, not files).
# [channels.tiki]
# enabled = true
# client_id = "your-client-id"
# app_type = "public"
# shop_id = "123456"
# warehouse_id = 384741
# image_base_url = "https://example.vn/anh"

# Alibaba.com: app_key from the Alibaba.com Open Platform console; its secret is
# app_secret. inventory_code is the warehouse whose stock listsync moves ("": the
# product's own); product_type is "wholesale" (online orders, stock) or "sourcing".
# [channels.alibaba]
# enabled = true
# app_key = "500001"
# shop_id = "2508412730"
# inventory_code = "VN_HAN_DEFAULT"
# product_type = "wholesale"
"""

# The same workspace file for a Vietnamese-speaking clerk: the comments in Vietnamese.
_TOML_TEMPLATE_VI = """\
# Thư mục làm việc của listsync. Cuối tệp có mẫu cài đặt của từng sàn. Thông tin bí mật
# (partner_key, app_secret, client_secret) ghi trong .env, không bao giờ ghi ở đây.

catalog = "{catalog}"
timezone = "Asia/Ho_Chi_Minh"

{language}

# Muốn bán trên một sàn, xóa "# " ở đầu mỗi dòng của mục cài đặt sàn đó rồi điền thông
# tin; thông tin bí mật của sàn ghi vào .env, ở dòng dành sẵn cho nó. Mã số ghi trong
# ngoặc kép. Sau đó `listsync auth <kênh>` kết nối gian hàng và ghi shop_id vào đây. Mục nào
# cũng có thể thêm base_url (địa chỉ API), timeout_seconds, rate_per_second, max_attempts
# và mapping_file (ngành hàng và thuộc tính của sàn đó).

# Shopee: partner_id lấy ở Shopee Open Platform; thông tin bí mật là partner_key.
# [channels.shopee]
# enabled = true
# partner_id = "1000001"
# shop_id = "2000001"

# Lazada: app_key lấy ở Lazada Open Platform; thông tin bí mật là app_secret.
# [channels.lazada]
# enabled = true
# app_key = "100001"
# shop_id = "VN1234567"

# Tiki: client_id lấy ở Tiki Open API; thông tin bí mật là client_secret. app_type là
# "public" (chủ gian hàng cấp quyền trên trang của Tiki) hoặc "in_house" (không cần trình
# duyệt); warehouse_id là kho của người bán mà listsync đặt tồn kho; image_base_url là địa
# chỉ web chứa ảnh sản phẩm của thư mục làm việc (Tiki nhận địa chỉ ảnh, không nhận tệp).
# [channels.tiki]
# enabled = true
# client_id = "your-client-id"
# app_type = "public"
# shop_id = "123456"
# warehouse_id = 384741
# image_base_url = "https://example.vn/anh"

# Alibaba.com: app_key lấy ở Alibaba.com Open Platform; thông tin bí mật là app_secret.
# inventory_code là kho mà listsync thay đổi tồn kho ("": kho của chính sản phẩm);
# product_type là "wholesale" (bán sỉ trực tuyến, có tồn kho) hoặc "sourcing".
# [channels.alibaba]
# enabled = true
# app_key = "500001"
# shop_id = "2508412730"
# inventory_code = "VN_HAN_DEFAULT"
# product_type = "wholesale"
"""

ENV_NOTE_VI = """\
# Thông tin bí mật của thư mục làm việc này; giữ tệp này cho riêng bạn (chmod 600 .env).
# Mỗi dòng một thông tin: LISTSYNC_CHANNELS__<KÊNH>__<KHÓA>=giá trị. Xóa "# " ở đầu các dòng
# bạn cần rồi điền vào.
"""


_LANGUAGE_LINES = {
    "vi": (
        '# The language listsync speaks to you: "vi" (Tiếng Việt) or "en" (English).\n'
        '# Ngôn ngữ của listsync: "vi" (Tiếng Việt) hoặc "en" (tiếng Anh).\n'
        'language = "vi"'
    ),
    "en": (
        '# The language listsync speaks to you: "en" (English) or "vi" (Tiếng Việt);\n'
        "# unset, it follows LISTSYNC_LANG, else this computer's language.\n"
        '# Muốn dùng tiếng Việt: xoá "# " ở đầu dòng dưới đây.\n'
        '# language = "vi"'
    ),
}


def write_workspace_template(
    dir: Path, *, force: bool = False, catalog: str = "catalog.yaml", language: str = "en"
) -> list[Path]:
    """Write ``listsync.toml`` and ``.env`` into ``dir``; the .env is born with mode 0600.

    ``language`` is the one the person making it speaks (``vi`` or ``en``): ``vi`` is written
    as the workspace's ``language``; otherwise the line is there, commented out. If either
    file exists, nothing is written unless ``force``, and even then nothing set in them is
    lost (see :func:`init_workspace_files`). Returns the files written.
    """
    made = init_workspace_files(dir, force=force, catalog=catalog, language=language)
    return [outcome.path for outcome in made if outcome.how != "kept"]


@dataclass(frozen=True)
class FileOutcome:
    """What ``listsync init`` did with one of the workspace's files.

    ``how`` is ``new`` (there was none), ``refreshed`` (the template again, holding every
    setting or secret the old file held), ``replaced`` (the old file could not be read as
    settings, so the template alone), or ``kept`` (left as it was: it already was the
    template with its settings, or what it holds could not be carried over exactly).
    ``backup`` is where the old file was saved, beside it, before it was written over.
    """

    path: Path
    how: Literal["new", "refreshed", "replaced", "kept"]
    backup: Path | None = None


def init_workspace_files(
    dir: Path, *, force: bool = False, catalog: str = "catalog.yaml", language: str = "en"
) -> list[FileOutcome]:
    """``listsync.toml`` and ``.env`` made from the templates, for ``listsync init``.

    With ``force``, an existing file is never simply overwritten: what was set in it (every
    setting, the channels' sections as written, every secret, the ledger key above all:
    without it the shops' sealed tokens cannot be opened) is carried into the fresh
    template, and the old file is first saved beside it under a dated name, readable by its
    owner only. A file that already is the template with its settings is left alone.
    """
    dir.mkdir(parents=True, exist_ok=True)
    config_file, env_file = dir / CONFIG_NAME, dir / ENV_NAME
    existing = [str(path) for path in (config_file, env_file) if path.exists()]
    if existing and not force:
        message = _(
            "not overwriting {files}: use --force to refresh them (what you set in them is"
            " kept, and the old files are saved beside them)"
        )
        raise ConfigError(message.format(files=", ".join(existing)))
    vietnamese = language == "vi"
    if config_file.exists():
        config = _refresh(config_file, *_carried_config(config_file, catalog, language))
    else:
        config_file.write_text(_toml_template(catalog, language), encoding="utf-8")
        config = FileOutcome(config_file, "new")
    if env_file.exists():
        env = _refresh(env_file, *_carried_env(env_file, vietnamese))
    else:
        _write_new(env_file, _env_template(vietnamese).encode())
        env = FileOutcome(env_file, "new")
    return [config, env]


def _toml_template(catalog: str, language: str, more: Sequence[str] = ()) -> str:
    """The listsync.toml template; ``more`` are lines of settings to add after its own."""
    vietnamese = language == "vi"
    template = _TOML_TEMPLATE_VI if vietnamese else _TOML_TEMPLATE
    lines = _LANGUAGE_LINES["vi" if vietnamese else "en"]
    if more:
        lines += "\n\n" + "\n".join(more)
    return template.format(catalog=catalog, language=lines)


def _env_template(
    vietnamese: bool, kept: Mapping[str, str | None] | None = None, lines: Sequence[str] = ()
) -> str:
    """The .env template; the example lines of the secrets in ``kept`` give way to
    ``lines``, the ones that set them; the ledger key is ``kept``'s, else a new one."""
    kept = kept or {}
    template = [
        line
        for line in ENV_TEMPLATE.splitlines()
        if not (line.startswith("# ") and _env_name(line[2:]) in kept)
    ]
    text = ((ENV_NOTE_VI + "\n") if vietnamese else "") + "\n".join(template) + "\n"
    text += ("\n" + "\n".join(lines) + "\n") if lines else ""
    return text + _key_line(kept.get(LEDGER_KEY_VAR) or None, vietnamese=vietnamese)


_TABLE_HEADER = re.compile(r"\s*\[\[?\s*[\w\"'. -]+\]\]?\s*(#.*)?")
_TOML_ASSIGNMENT = re.compile(r"([A-Za-z0-9_-]+)\s*=")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
Carried = tuple[str | None, Literal["refreshed", "replaced", "kept"]]


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    """A value tomllib read, written back as TOML (what comes out is read back to check)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml_value, value)) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    return str(value.isoformat())  # a date, a time or a date-time


def _carried_config(config_file: Path, catalog: str, language: str) -> Carried:
    """The template holding every setting of ``config_file``: its keys in the template's
    places (or after them), then its tables as written, comments included."""
    try:
        old_text = config_file.read_text(encoding="utf-8-sig")
        old = tomllib.loads(old_text)
    except UnicodeDecodeError:
        return None, "kept"
    except tomllib.TOMLDecodeError:
        return _toml_template(catalog, language), "replaced"
    lines = old_text.splitlines()
    first = next((i for i, line in enumerate(lines) if _TABLE_HEADER.fullmatch(line)), len(lines))
    try:
        top = tomllib.loads("\n".join(lines[:first]))
    except tomllib.TOMLDecodeError:
        return None, "kept"
    if old.get("language") in ("vi", "en"):
        language = old["language"]
    own = [_TOML_ASSIGNMENT.match(line) for line in _toml_template(catalog, language).splitlines()]
    placed = {found[1] for found in own if found}
    rest = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in top.items() if k not in placed]
    fresh = _toml_template(catalog, language, rest).splitlines()
    for index, line in enumerate(fresh):
        found = _TOML_ASSIGNMENT.match(line)
        if found and found[1] in top:
            fresh[index] = f"{_toml_key(found[1])} = {_toml_value(top[found[1]])}"
    start = first  # the comments just above the first table belong to it
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    if set(lines[start:first]) <= set(fresh):  # the template's own example, already there
        start = first
    tables = "\n".join(lines[start:]).strip("\n")
    text = "\n".join(fresh) + "\n" + (f"\n{tables}\n" if tables else "")
    try:
        same = tomllib.loads(text) == {**tomllib.loads(_toml_template(catalog, language)), **old}
    except tomllib.TOMLDecodeError:
        same = False
    return (text, "refreshed") if same else (None, "kept")


def _carried_env(env_file: Path, vietnamese: bool) -> Carried:
    """The template holding every line of ``env_file`` that sets something, the ledger key
    in the template's own place."""
    from dotenv import dotenv_values

    try:
        old_text = env_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, "kept"
    old = dotenv_values(stream=io.StringIO(old_text))
    lines = [
        line
        for line in old_text.splitlines()
        if line.strip() and not line.lstrip().startswith("#") and _env_name(line) != LEDGER_KEY_VAR
    ]
    text = _env_template(vietnamese, old, lines)
    carried = dotenv_values(stream=io.StringIO(text))
    same = all(carried.get(name) == value for name, value in old.items())
    return (text, "refreshed") if same else (None, "kept")


def _env_name(line: str) -> str:
    return line.strip().removeprefix("export ").split("=", 1)[0].strip()


def _write_new(path: Path, data: bytes, mode: int = 0o600) -> None:
    """A file that must not exist yet, born with ``mode`` (never chmod-ed afterwards)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(path, flags, mode), "wb") as out:
        out.write(data)


def _refresh(
    path: Path, text: str | None, how: Literal["refreshed", "replaced", "kept"]
) -> FileOutcome:
    """``text`` in place of ``path`` (``None``: keep it), the old file saved first."""
    old = path.read_bytes()
    if text is None or text.encode() == old:
        return FileOutcome(path, "kept")
    stamp, count = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}", 1
    backup = path.with_name(f"{path.name}.bak-{stamp}")
    while backup.exists():
        count += 1
        backup = path.with_name(f"{path.name}.bak-{stamp}-{count}")
    _write_new(backup, old)
    # a .env is private whatever it was; listsync.toml keeps its mode (private if it
    # holds secrets, as listsync asks)
    mode = 0o600 if path.name == ENV_NAME else stat.S_IMODE(path.stat().st_mode)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _write_new(partial, text.encode(), mode)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return FileOutcome(path, how, backup)


LEDGER_KEY_VAR = f"{ENV_PREFIX}LEDGER_KEY"
ENV_ONLY = ("ledger_key", "web_password_hash", "web_session_secret")  # refused in listsync.toml


def _key_line(key: str | None = None, *, vietnamese: bool = False) -> str:
    if key is None:
        from listsync.ledger.tokens import new_key

        key = new_key()
    note = (
        "# Khóa niêm phong mã truy cập của các gian hàng trong sổ kho: thiếu nó, một bản sao\n"
        "# sổ kho không mở được gian hàng nào. Giữ ở đây; nếu mất, chạy lại listsync auth.\n"
        if vietnamese
        else ""
    )
    return (
        "\n# Seals the shops' tokens in the ledger: without it a copy of the ledger gives no\n"
        "# access to the shops. Keep it here; if it is lost, run listsync auth again.\n"
        f"{note}{LEDGER_KEY_VAR}={key}\n"
    )


def ensure_ledger_key(settings: Settings) -> SecretStr:
    """The key that seals tokens; made and added to the private .env if there is none yet."""
    if settings.ledger_key is not None:
        return settings.ledger_key
    from listsync.ledger.tokens import new_key

    env_file, key = settings.env_file, new_key()
    check_private_file(env_file)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(env_file, flags, 0o600), "ab") as out:
        out.write(_key_line(key).encode())
    settings.ledger_key = SecretStr(key)
    return settings.ledger_key


def save_env_values(settings: Settings, values: Mapping[str, str]) -> None:
    """Set ``values`` (variable → value) in the workspace's private .env.

    A line already setting one of them is replaced, every other line is kept as it is, and
    the new file takes the old one's place in one step, readable by its owner only.
    """
    env_file = settings.env_file
    check_private_file(env_file)
    try:
        lines = env_file.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        lines = []
    pattern = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
    kept = [
        line
        for line in lines
        if not ((found := pattern.match(line)) and found[1].upper() in {k.upper() for k in values})
    ]
    kept += [f"{name}={value}" for name, value in values.items()]
    partial = env_file.with_name(f".{env_file.name}.partial")
    partial.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        with os.fdopen(os.open(partial, flags, 0o600), "wb") as out:
            out.write(("\n".join(kept) + "\n").encode("utf-8"))
        os.replace(partial, env_file)
    finally:
        partial.unlink(missing_ok=True)


def set_outside_file(settings: Settings, path: KeyPath) -> str | None:
    """Where the key at ``path`` is set, when that is not listsync.toml: an environment
    variable or the .env (it wins over the file); None when the file sets it, or nothing."""
    found = settings._origins.get(path)  # a section set as JSON notes each of its keys too
    if found is None or found.style == "toml":
        return None
    return found.label(path)


def set_channel_key(config_file: Path, channel: str, key: str, value: str) -> Any:
    """Set ``key = "value"`` in the ``[channels.<channel>]`` table of ``config_file`` (the
    table added at its end if it has none); returns what the file held there before (None:
    nothing).

    Everything else stays as written, byte for byte: comments, order, the other tables and
    the commented examples ``listsync init`` leaves at the end (which tomlkit counts as part
    of the table above them, so a new key goes after the table's last key, not after them).
    A file that already holds ``value`` is not written at all; otherwise the new file takes
    the old one's place in one step, with the old one's mode. A file made read-only is
    left alone (PermissionError); one that cannot be read, understood or written raises
    OSError or ValueError.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    path = config_file.resolve()  # a link to the file is followed, not replaced by a file
    raw = path.read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw.decode("utf-8-sig")
    data = tomllib.loads(text)
    channels = data.get("channels", {})
    section = channels.get(channel) if isinstance(channels, dict) else None
    if not isinstance(channels, dict) or not isinstance(section, dict | None):
        raise ValueError(f"{path}: channels.{channel} is not a table")
    before = section.get(key) if section else None
    if before is not None and not isinstance(before, bool) and str(before).strip() == value:
        return before
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise PermissionError(f"{path} is read-only")
    try:
        if section is None:
            table = tomlkit.dumps({"channels": {channel: {key: value}}})
            new_text = text.rstrip("\r\n") + "\n\n" + table if text.strip() else table
        else:
            document = tomlkit.parse(text)
            _set_in_table(document["channels"][channel], key, value)
            new_text = tomlkit.dumps(document)
        expected = {**data, "channels": {**channels, channel: {**(section or {}), key: value}}}
        if tomllib.loads(new_text) != expected:
            raise ValueError(f"{path}: [channels.{channel}] {key} could not be set alone")
    except (TOMLKitError, KeyError, TypeError) as exc:  # a layout tomlkit does not expect
        raise ValueError(f"{path}: {exc}") from exc
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _write_new(partial, bom + new_text.encode("utf-8"), mode)
        os.chmod(partial, mode)  # exactly the old mode, whatever the umask took away
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return before


def _set_in_table(table: Any, key: str, value: str) -> None:
    """``key = "value"`` in a tomlkit table: in place of the key's old value (its comment
    kept), else after the table's last key, indented and ended as that one is (tomlkit's
    own insert: its public ``add`` would put it after the comments ending the table)."""
    from tomlkit import item
    from tomlkit.items import AoT, InlineTable, Table

    if key in table or isinstance(table, InlineTable):
        table[key] = value
        return
    body = table.value.body
    keys = [
        index
        for index, (name, found) in enumerate(body)
        if name is not None and not isinstance(found, Table | AoT)
    ]
    new = item(value)
    if keys:
        new.trivia.indent = body[keys[-1]][1].trivia.indent
        new.trivia.trail = body[keys[-1]][1].trivia.trail
    at = keys[-1] + 1 if keys else 0
    if at < len(body):
        table.value._insert_at(at, key, new)
    else:
        table[key] = new
