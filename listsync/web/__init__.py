"""``listsync web``: the workspace in a browser, on the office computer or a phone, offline.

``app`` builds the Starlette app: ``security`` (password, sessions, CSRF), ``render`` (the
templates and what every page shares), ``pages`` (one module per group of pages), ``jobs``
(the sync that runs behind the Đồng bộ page), ``server`` (uvicorn, for the CLI and the
tests). ``templates/`` and ``static/`` (its CSS, and htmx, vendored) ship with the package.
Pages parse, call the same core functions as the CLI, and render: no business logic here.

May import: everything in the core below the CLI. Imported only by ``listsync.cli``.
"""
