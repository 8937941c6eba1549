"""The channel contract: what the core asks of a marketplace adapter.

``contract`` holds the Channel protocol and its value types (Money, Order, Offer,
RemoteListing, Token, ...); ``registry`` finds adapters through the ``listsync.channels``
entry-point group, lazily, naming a broken one while the others load; ``tokens`` keeps
tokens in memory and holds the base of an adapter's token keeper; ``suite`` is the
contract suite every adapter runs against its sandbox.
``consent`` reads the address a seller is sent back to from a consent page, and
``callback`` catches that address on this computer while ``listsync auth`` waits.

May import: ``listsync.catalog``, ``listsync.sandbox`` (the suite serves sandboxes) and the
shared base. Never an adapter, the ledger or the sync engine.
"""
