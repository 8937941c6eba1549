"""The ``listsync`` command: click groups, one module per group, thin.

``main`` is the group and the entry point (errors become one line and an exit code);
``state`` is what every command receives; ``catalog``, ``stock``, ``sync``, ``report``,
``schedule`` and ``demo`` hold the commands. Each parses, calls and prints; heavy imports
wait inside the commands, so ``listsync --help`` loads only click.

May import: everything in the core. Nothing imports it.
"""
