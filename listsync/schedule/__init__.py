"""The nightly run and the computer's scheduler.

``nightly`` is one unattended run (lock, catch-up, rotating log, one-line summary);
``checks`` are what it looks at first (a missed night, an authorization that ends soon);
``entries`` renders systemd, cron and Windows Task Scheduler entries; ``install`` puts
them on this computer and takes them off.

May import: ``listsync.workspace``, ``listsync.report``, ``listsync.sync``,
``listsync.ledger``, ``listsync.channel`` and the shared base.
"""
