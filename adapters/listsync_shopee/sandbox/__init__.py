"""A faithful local Shopee Open Platform v2, served by the core's sandbox harness.

``app`` is the gateway (signing, timestamps, tokens, rate limit, routes); ``auth`` the
partner authorization and tokens; ``products`` and ``orders`` the shop's items and
orders; ``rules`` the documented limits items are checked against; ``catalog`` the small
category tree; ``base`` the error and parameter parsing they share.

May import: the core's sandbox harness, the shared base, and the client side's
``signing`` (one signer, checked against Shopee's published vectors). The client side
never imports this package.
"""
