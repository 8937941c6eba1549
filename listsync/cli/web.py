"""``listsync web``: the workspace in a browser, on this computer or a phone."""

from __future__ import annotations

import click

from listsync.cli.help import examples
from listsync.cli.state import State, pass_state
from listsync.i18n import _


@click.command(
    help=_(
        "Open the workspace in a web browser: overview, products, catalog, stock, sync, "
        "shops, report and schedule. On this computer only unless --host says otherwise."
    ),
    epilog=examples(
        ("listsync web", _("The pages, on this computer")),
        ("listsync web --host 0.0.0.0", _("Open to phones on the same network")),
    ),
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help=_("Port.")
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=_("Address to listen on; 0.0.0.0 opens the pages to the network (needs a password)."),
)
@click.option("--no-browser", is_flag=True, help=_("Do not open a browser."))
@click.option(
    "--set-password",
    is_flag=True,
    help=_("Set the password the pages ask for when opened to the network, then stop."),
)
@pass_state
def web(state: State, port: int, host: str, no_browser: bool, set_password: bool) -> None:
    import contextlib
    import sys
    import webbrowser

    from listsync.errors import InputError
    from listsync.settings import load_settings
    from listsync.web.app import build_app
    from listsync.web.security import check_new_password, is_local
    from listsync.web.security import set_password as keep_password
    from listsync.web.server import bind, serve, url_of
    from listsync.workspace import require_workspace

    if set_password:
        require_workspace(state.workspace_path)
        settings = load_settings(state.workspace_path)

        def checked(text: str) -> str:
            try:
                return check_new_password(text)
            except InputError as exc:  # asked again, as click asks again for a bad value
                raise click.BadParameter(str(exc)) from None

        password = click.prompt(
            _("New password"),
            hide_input=True,
            confirmation_prompt=_("Repeat it"),
            value_proc=checked,
        )
        keep_password(settings, password)
        click.echo(
            _(
                "The password is kept (hashed) in {env}. Open the pages to the network with: "
                "listsync web --host 0.0.0.0"
            ).format(env=settings.env_file)
        )
        return
    app = build_app(state.workspace_path, host=host)
    sock = bind(host, port)
    url = url_of(host, sock.getsockname()[1])
    local = url_of("127.0.0.1", sock.getsockname()[1]) if not is_local(host) else url
    click.echo(_("listsync web: {url} (press Ctrl+C to stop)").format(url=url))
    if not is_local(host):
        click.echo(
            _(
                "Open to the network: from a phone on the same network, use this computer's "
                "address with port {port}; the pages ask for the password."
            ).format(port=sock.getsockname()[1])
        )
    if not no_browser:
        webbrowser.open(local)
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C, passed on once the pages close
        serve(app, sock)
    click.echo(_("listsync web stopped."))
