"""A faithful local Lazada Open Platform, served by the core's sandbox harness.

``app`` is the gateway (signing, timestamps, access tokens, rate limits, routes); ``auth``
the seller's consent page, the token endpoints and the tokens; ``products`` and ``orders``
the seller's products and orders; ``rules`` the documented limits and checks products are
held to; ``catalog`` the small category tree with its attributes and brands, and the
product records; ``base`` the settings, error and time format they share.

May import: the core's sandbox harness, the shared base, and the client side's
``signing`` and ``payload`` (one signer, one payload reader). The client side never
imports this package.
"""
