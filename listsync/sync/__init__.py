"""The sync engine: pull orders, settle stock, push listings, per channel, in parallel.

``engine`` runs one sync and records it; ``push`` plans and applies creates, content
updates and offers; ``stock_rules`` are the pure functions that say how much of the stock
on hand each channel is offered, with their reasons; ``runlock`` keeps two runs off one
ledger.

May import: ``listsync.ledger``, ``listsync.channel``, ``listsync.catalog`` and the shared
base. Never an adapter by name.
"""
