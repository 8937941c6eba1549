"""Reports: totals by product, channel and day, and what a run says when it ends.

``model`` builds a report from the ledger; ``formats`` writes it as a table, CSV, JSON or
XLSX, ``html`` as a self-contained page that reads on a phone too, with ``chart`` (orders
per channel per day, also shown by the web pages); ``table`` and ``text_table`` lay out
terminal tables; ``runs`` lists past runs and listings; ``summary`` is the text a sync
prints; ``progress`` what long work says while it runs (plain lines, and Ctrl+C's answers).

May import: ``listsync.sync`` (its results and stock rules), ``listsync.ledger``,
``listsync.channel``, ``listsync.catalog`` and the shared base.
"""
