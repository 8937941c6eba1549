"""``listsync demo``: the whole tool in one command, against the built-in sandboxes.

It makes a workspace with the sample OCOP catalog, starts every installed sandbox,
connects each shop through the marketplace's real authorization flow, publishes, lets the
sandboxes take a few days of orders (some cancelled, some shipped), syncs, and shows what
happened. Nothing here is special-cased: the same engine, adapters and ledger as a real run.

Some marketplaces review a new listing before it goes on sale. When publishing leaves
listings in review, the demo says so and runs one more push, asking about every listing in
review (``review_check`` 0 instead of once an hour), so the listings that passed go live
and get their stock before the orders come. The sandboxes' reviews take no time unless
told otherwise; their clocks are never moved here, because orders are stamped with the
sandbox's time and a pull reads up to this computer's. For marketplaces that take photo
addresses rather than uploads (settings with an ``image_base_url``), the demo publishes the
workspace's ``images/`` folder on 127.0.0.1, as a co-op publishes its photos on its website.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from pydantic import SecretStr

from listsync.catalog.files import load_catalog
from listsync.catalog.samples import copy_sample_catalog
from listsync.channel.contract import ChannelPlugin, ListingState
from listsync.channel.registry import Registry, default_registry
from listsync.errors import ConfigError, InputError, ListsyncError
from listsync.i18n import _
from listsync.progress import counting
from listsync.sandbox.harness import SandboxServer
from listsync.settings import ENV_PREFIX, write_workspace_template
from listsync.sync.engine import RunResult
from listsync.workspace import Workspace

CALLBACK = "http://127.0.0.1:8765/listsync/callback"
PHOTOS = "images"  # the sample catalog's photo folder, relative to the workspace
PHOTO_SETTING = "image_base_url"  # where a channel's settings take the photos' web address
# How the demo's orders end: the share of each, in order.
ENDINGS = (("completed", 0.4), ("shipped", 0.2), ("cancelled", 0.15), ("paid", 0.25))

Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@dataclass
class DemoResult:
    workspace: Path
    channels: list[str]
    days: int = 5
    orders_made: dict[str, int] = field(default_factory=dict)
    cancelled: dict[str, int] = field(default_factory=dict)
    publish: RunResult | None = None
    review: RunResult | None = None  # the push that asks about listings in review
    sync: RunResult | None = None
    in_review: dict[str, int] = field(default_factory=dict)  # after publishing
    reviewed_live: dict[str, int] = field(default_factory=dict)  # live after the review push


def _secret_keys(plugin: ChannelPlugin) -> set[str]:
    return {
        name
        for name, info in plugin.settings_model.model_fields.items()
        if info.annotation is SecretStr or info.annotation == SecretStr | None
    }


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def sandbox_settings(
    plugin: ChannelPlugin, described: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """A sandbox's ``describe()`` keys as a person copies them: the ``[channels.<name>]``
    section's lines for listsync.toml, and the secrets' lines for the private .env."""
    hidden = _secret_keys(plugin)
    section, secrets = [f"[channels.{plugin.name}]", "enabled = true"], []
    for key, value in described.items():
        if key in hidden:
            secrets.append(f"{ENV_PREFIX}CHANNELS__{plugin.name.upper()}__{key.upper()}={value}")
        elif key != "channel":
            section.append(f"{key} = {_toml_value(value)}")
    return section, secrets


def configure(
    root: Path,
    plugins: list[ChannelPlugin],
    servers: list[SandboxServer],
    photos_url: str | None = None,
) -> None:
    """Write each sandbox's JSON line into the workspace: keys into listsync.toml, secrets
    into the private .env — exactly what a person would copy by hand. Channels that take
    photo addresses get ``photos_url``, where the demo publishes the workspace's photos."""
    sections, secrets = [], []
    for plugin, server in zip(plugins, servers, strict=True):
        line = {k: v for k, v in server.describe().items() if k != "channel"}
        if photos_url and PHOTO_SETTING in plugin.settings_model.model_fields:
            line.setdefault(PHOTO_SETTING, photos_url)
        section, hidden = sandbox_settings(plugin, line)
        sections.append("\n" + "\n".join(section))
        secrets += hidden
    with (root / "listsync.toml").open("a", encoding="utf-8") as config:
        config.write("\n" + "\n".join(sections) + "\n")
    with (root / ".env").open("a", encoding="utf-8") as env:
        env.write("\n".join(secrets) + "\n")


def authorize(ws: Workspace, name: str) -> str:
    """The seller's consent, as a browser would do it: follow the link, take the redirect."""
    channel = ws.channel(name)
    try:
        consent = requests.get(
            channel.authorization_url(CALLBACK), allow_redirects=False, timeout=30
        )
        location = consent.headers.get("Location")
        if location is None:
            raise ListsyncError(
                _("{channel}: the sandbox's consent page did not send the browser back").format(
                    channel=name
                )
            )
        return channel.authorize(location)
    finally:
        channel.close()


def make_orders(server: SandboxServer, count: int, days: int) -> tuple[int, int]:
    """Orders over the last ``days`` days, walked to their endings; returns (made, cancelled)."""
    if count == 0:
        return 0, 0
    root = server.root_url
    made = requests.post(f"{root}/_sandbox/orders", json={"count": count, "days": days}, timeout=30)
    try:
        ids = [str(order_id) for order_id in made.json()["order_ids"]]
    except (ValueError, KeyError, TypeError):  # refused (too many for the stock listed)
        raise InputError(
            _(
                "the {channel} sandbox took none of the {count} orders: {reason}; ask for "
                "fewer with --orders"
            ).format(channel=server.app.name, count=count, reason=_refusal(made))
        ) from None
    story = type(server.app).order_story
    start, cancelled = 0, 0
    for ending, share in ENDINGS:
        end = len(ids) if ending == ENDINGS[-1][0] else start + round(share * len(ids))
        for order_id in ids[start:end]:
            for status in story.get(ending, ()):
                moved = requests.post(
                    f"{root}/_sandbox/orders/{order_id}/status", json={"status": status}, timeout=30
                )
                moved.raise_for_status()
        cancelled += (end - start) if ending == "cancelled" else 0
        start = end
    return len(ids), cancelled


def _refusal(reply: requests.Response) -> str:
    """What a sandbox said when it refused, without its JSON wrapping."""
    try:
        body = reply.json()
    except ValueError:
        body = None
    said = body.get("message") if isinstance(body, dict) else None
    return str(said or reply.text[:200] or reply.status_code)


def prepare_folder(directory: Path | None) -> Path:
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="listsync-demo-"))
    if directory.exists() and any(directory.iterdir()):
        raise ConfigError(
            _("{dir} is not empty: give the demo a new or empty folder").format(dir=directory)
        )
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@contextmanager
def sandboxes(registry: Registry) -> Iterator[tuple[list[ChannelPlugin], list[SandboxServer]]]:
    plugins = [plugin for plugin in registry.load_all() if plugin.sandbox is not None]
    if not plugins:
        raise ConfigError(_("no installed adapter ships a sandbox"))
    servers = [SandboxServer(plugin.sandbox()).start() for plugin in plugins if plugin.sandbox]
    try:
        yield plugins, servers
    finally:
        for server in servers:
            server.stop()


class _PhotoHandler(SimpleHTTPRequestHandler):
    """Serves the workspace's photo folder and nothing else (never .env or the ledger)."""

    def send_head(self) -> Any:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(f"/{PHOTOS}/") or ".." in path:
            self.send_error(404)
            return None
        return super().send_head()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def published_photos(root: Path) -> Iterator[str]:
    """The workspace's ``images/`` on a web address of 127.0.0.1, while the demo runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_PhotoHandler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="demo-photos", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def in_review(ws: Workspace, names: list[str]) -> dict[str, int]:
    """How many listings each channel's marketplace is still reviewing."""
    counts = {}
    for name in names:
        waiting = [r for r in ws.ledger.listings(name) if r.state is ListingState.IN_REVIEW]
        if waiting:
            counts[name] = len(waiting)
    return counts


def stock_for(index: int) -> int:
    """Believable starting stock: between 12 and 90 units, varying by SKU."""
    return 12 + (index * 37) % 79


def run_demo(
    directory: Path | None,
    *,
    say: Callable[[str], None],
    progress: Progress,
    orders: int = 24,
    days: int = 5,
) -> DemoResult:
    root = prepare_folder(directory)
    write_workspace_template(root)
    copy_sample_catalog(root)
    os.chmod(root / ".env", 0o600)
    registry = default_registry()
    with sandboxes(registry) as (plugins, servers), published_photos(root) as photos_url:
        configure(root, plugins, servers, photos_url)
        names = [plugin.name for plugin in plugins]
        result = DemoResult(root, names, days)
        with Workspace.open(root) as ws:
            say(_("Workspace: {root}").format(root=root))
            summary = ws.import_catalog(load_catalog(root / "catalog.yaml"))
            say(_("Catalog imported: {summary}").format(summary=summary))
            for index, sku in enumerate(sorted(ws.ledger.on_hand())):
                ws.set_stock(sku, stock_for(index), note="demo: first count")
            with progress(_("Connecting shops"), len(names)) as advance:
                for name in names:
                    authorize(ws, name)
                    advance(1)
            engine = ws.sync_engine()
            # ask about listings in review on every run, not once an hour
            push = replace(engine.options.push, review_check=timedelta(0))
            engine.options = replace(engine.options, push=push)
            total = len(ws.ledger.products()) * len(names)
            with progress(_("Publishing"), total) as advance:
                result.publish = engine.run(
                    names, pull=False, command="demo publish", progress=counting(advance)
                )
            result.in_review = in_review(ws, names)
            if result.in_review:
                for name, count in result.in_review.items():
                    say(
                        _(
                            "{channel}: {count} listings wait in the marketplace's review; "
                            "they go on sale once approved"
                        ).format(channel=name, count=count)
                    )
                with progress(_("Checking reviews"), total) as advance:
                    result.review = engine.run(
                        names, pull=False, command="demo review", progress=counting(advance)
                    )
                for name in result.in_review:
                    live = [r for r in ws.ledger.listings(name) if r.state is ListingState.LIVE]
                    result.reviewed_live[name] = len(live)
                    say(
                        _("{channel}: {count} listings passed review and are live").format(
                            channel=name, count=len(live)
                        )
                    )
            with progress(_("Taking orders"), len(servers)) as advance:
                for plugin, server in zip(plugins, servers, strict=True):
                    made, cancelled = make_orders(server, orders, days)
                    result.orders_made[plugin.name] = made
                    result.cancelled[plugin.name] = cancelled
                    advance(1)
            with progress(_("Syncing"), total) as advance:
                result.sync = engine.run(names, command="demo sync", progress=counting(advance))
    return result
