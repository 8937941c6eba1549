"""listsync: one OCOP product catalog, kept in step on every marketplace."""

__version__ = "0.1.0"
