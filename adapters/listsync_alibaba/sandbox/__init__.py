"""A faithful local Alibaba.com Open Platform (ICBU seller APIs), served by the core's harness.

``app`` is the gateway (both URL styles, signing, timestamps, access tokens, rate limits,
the success and error envelopes, routes) and the control routes; ``auth`` the seller's
consent page, the token APIs and the tokens; ``products`` the photobank, the listings with
their review on the sandbox clock, and their stock moved by deltas; ``orders`` the Trade
Assurance orders, their statuses and the stock they take; ``rules`` the documented limits
a listing is checked against; ``catalog`` the small category tree with its attributes, the
seller and its warehouse; ``base`` the signer check, settings, error, JSON parameters,
money and time formats they share.

May import: the core's sandbox harness. The client side never imports this package, and
this package imports nothing of the client side (its signer check is its own, the same
algorithm as the client's).
"""
