"""The catalog: one producer's products, and the files they are edited in.

``model`` holds the Product (variants, Vietnamese and English text, photos, weight, OCOP
rating, B2B terms); ``files`` reads and writes YAML, CSV and XLSX through ``yaml_file``,
``table``, ``columns`` and ``values``, reporting every problem as FILE:ROW: field: message.
``samples`` is the sample OCOP catalog that ``init`` and the demo copy. ``count_sheet``
reads and writes the stock count sheets of ``listsync stock import | export``, checking
their SKUs against ``sku_index`` (the SKUs stock is kept for, and "did you mean").

May import: the shared base (``listsync.errors``, ``listsync.i18n``, ``listsync.clock``).
Nothing here knows a marketplace, the ledger or the network.
"""
