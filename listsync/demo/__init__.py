"""``listsync demo``: the whole tool in one command, against the built-in sandboxes.

``run`` makes a workspace, serves every installed sandbox, connects the shops, publishes,
takes orders and syncs; ``summary`` says what happened.

May import: ``listsync.workspace``, ``listsync.report``, ``listsync.sync``,
``listsync.channel``, ``listsync.sandbox``, ``listsync.catalog`` and the shared base.
"""
