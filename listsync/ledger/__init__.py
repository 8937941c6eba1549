"""The ledger: one workspace's local truth, in one SQLite file.

``database`` opens the file (WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE`` writes) and
holds :class:`~listsync.ledger.database.Ledger`, built on one base (``base``) from three
stores: ``catalog_store`` (products, stock levels), ``stock_store`` (movements,
settlement) and ``records_store`` (orders, checkpoints, listings, offers, runs, the call
log). ``schema`` and ``migrations`` define and upgrade the tables; ``orders`` and
``report_queries`` are the SQL the stores and reports share; ``records`` are the plain
values every method returns (``stock_counts`` those of a stock count or delivery of many
SKUs at once); ``tokens`` keeps shop tokens.

May import: ``listsync.channel`` (its value types), ``listsync.catalog`` and the shared
base. Nothing here touches the network or names a marketplace.
"""
