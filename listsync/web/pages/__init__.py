"""The pages of ``listsync web``, one module per group, each with its ``routes()``."""
