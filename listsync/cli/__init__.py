"""The ``listsync`` command: click groups, one module per group, thin.

``start`` runs first (the entry point): it settles the language and teaches click to speak
it, before the commands' help texts are built. ``main`` is the group (errors become one line
and an exit code); ``state`` is what every command receives; ``catalog``, ``stock``,
``sync``, ``report``, ``schedule`` and ``demo`` hold the commands; ``progress`` draws the
bars of long work and turns Ctrl+C into a stop at a safe point. Each parses, calls and
prints; heavy imports wait inside the commands, so ``listsync --help`` loads only click.

May import: everything in the core. Nothing imports it.
"""

from listsync.cli.start import translate_click

translate_click()
