"""A faithful local Lazada Open Platform, served by the core's sandbox harness.

``app`` is the gateway (signing, tokens, rate limits, routes) and its token endpoints;
``products`` and ``orders`` the seller's products and orders; ``catalog`` the small
category tree with its attributes; ``base`` the settings, error and time format they share.

May import: the core's sandbox harness, the shared base, and the client side's
``signing`` and ``payload`` (one signer, one payload reader). The client side never
imports this package.
"""
