"""Danh mục: send a catalog file (XLSX, CSV or YAML), see every mistake in it by row and
column, and once there is none, what importing it changes, then import it. Also the empty
template (``listsync catalog template``) and the catalog as it stands, to download.

The file is read as ``listsync catalog validate`` and ``catalog import`` read one: it is
put in the workspace under a name made here (so its photos are found beside it, as for a
catalog kept there) for as long as it is read, then removed; its own name is only shown.
Nothing reaches the ledger before the "Import" button, and that reads the file again.
"""

from __future__ import annotations

import secrets
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listsync.catalog.files import MAX_FILE_BYTES, known_channels, load_catalog, save_catalog
from listsync.catalog.model import Catalog
from listsync.catalog.template import template_bytes
from listsync.errors import CatalogError, InputError
from listsync.i18n import _
from listsync.web.pages.common import Upload, read_upload, upload_in
from listsync.web.render import back, flash, page, web_state, workspace
from listsync.web.security import checked_form

UPLOADS_KEY = "catalog_uploads"
UPLOADS_KEPT = 4  # files checked and waiting for "Import", across browsers
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}


def _uploads(request: Request) -> OrderedDict[str, Upload]:
    extra = web_state(request).extra
    found = extra.get(UPLOADS_KEY)
    if not isinstance(found, OrderedDict):
        found = extra[UPLOADS_KEY] = OrderedDict()
    return found


def _keep(request: Request, upload: Upload) -> str:
    kept = _uploads(request)
    token = secrets.token_urlsafe(16)
    kept[token] = upload
    while len(kept) > UPLOADS_KEPT:
        kept.popitem(last=False)
    return token


def catalog_page(request: Request) -> Response:
    with workspace(request) as ws:
        products = ws.ledger.products()
        configured = ws.settings.catalog
    units = sum(len(list(product.units())) for product in products)
    return page(
        request,
        "catalog.html",
        products=len(products),
        units=units,
        configured=configured,
    )


def _load(request: Request, upload: Upload) -> Catalog:
    """The file read as ``catalog validate`` reads it (CatalogError lists every mistake)."""
    with workspace(request) as ws, upload_in(ws.root, upload) as path:
        loaded = load_catalog(path, ws.settings.photo_dirs)
        return loaded.model_copy(update={"source": str(ws.root / upload.name)})


def _preview(request: Request, upload: Upload, allow_removals: bool) -> dict[str, Any]:
    loaded = _load(request, upload)
    names = {product.sku: product.name.vi or product.name.en for product in loaded.products}
    with workspace(request) as ws:
        before = {p.sku: p.name.vi or p.name.en for p in ws.ledger.products()}
        summary = ws.import_catalog(loaded, allow_removals=allow_removals, dry_run=True)
    units = sum(len(list(product.units())) for product in loaded.products)
    return {
        "summary": summary,
        "products": len(loaded.products),
        "units": units,
        "names": {**before, **names},
    }


def _problems(error: CatalogError) -> list[dict[str, Any]]:
    return [
        {
            "row": problem.row,
            "column": problem.column,
            "header": problem.header or problem.field,
            "message": problem.message,
        }
        for problem in error.problems
    ]


def _problem_page(request: Request, upload: Upload, error: CatalogError) -> Response:
    total = error.total
    return page(
        request,
        "catalog_problems.html",
        status_code=422,
        name=upload.name,
        problems=_problems(error),
        total=total,
        more=total - len(error.problems),
    )


async def check(request: Request) -> Response:
    form = await checked_form(request)
    upload = await read_upload(form.get("file"), MAX_FILE_BYTES)
    allow_removals = form.get("allow_removals") == "1"
    try:
        preview = await run_in_threadpool(_preview, request, upload, allow_removals)
    except CatalogError as error:
        return _problem_page(request, upload, error)
    except InputError as error:  # the removal guard: the file is sound, the change is big
        token = _keep(request, upload)
        return page(
            request,
            "catalog_preview.html",
            status_code=409,
            name=upload.name,
            token=token,
            refused=str(error),
            preview=None,
        )
    token = _keep(request, upload)
    return page(
        request,
        "catalog_preview.html",
        name=upload.name,
        token=token,
        refused="",
        preview=preview,
        allow_removals=allow_removals,
    )


def _import(request: Request, upload: Upload, allow_removals: bool) -> str:
    loaded = _load(request, upload)
    with workspace(request) as ws:
        summary = ws.import_catalog(loaded, allow_removals=allow_removals)
    return _("{file}: imported: {summary}").format(file=upload.name, summary=summary)


async def import_file(request: Request) -> Response:
    form = await checked_form(request)
    upload = _uploads(request).pop(str(form.get("token") or ""), None)
    if upload is None:
        raise InputError(_("that file is no longer waiting here: send it again"))
    allow_removals = form.get("allow_removals") == "1"
    try:
        done = await run_in_threadpool(_import, request, upload, allow_removals)
    except CatalogError as error:  # a photo gone since the check
        return _problem_page(request, upload, error)
    flash(request, done)
    return back("/catalog")


def template(request: Request) -> Response:
    data = template_bytes(known_channels())
    return _download(data, "listsync-catalog-template.xlsx", XLSX)


def current(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in DOWNLOADS:
        raise InputError(_("choose one of {choices}").format(choices=", ".join(DOWNLOADS)))
    with workspace(request) as ws:
        catalog = Catalog(products=tuple(ws.ledger.products()))
    name = f"catalog.{fmt}"
    with tempfile.TemporaryDirectory(prefix="listsync-web-") as folder:
        path = Path(folder) / name
        save_catalog(catalog, path)
        data = path.read_bytes()
    return _download(data, name, DOWNLOADS[fmt])


def _download(data: bytes, name: str, media_type: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def routes() -> list[Route]:
    return [
        Route("/catalog", catalog_page, methods=["GET"]),
        Route("/catalog/check", check, methods=["POST"]),
        Route("/catalog/import", import_file, methods=["POST"]),
        Route("/catalog/template.xlsx", template, methods=["GET"]),
        Route("/catalog/current.{fmt}", current, methods=["GET"]),
    ]
