"""A faithful local Tiki Open Platform, served by the core's sandbox harness.

``app`` is the gateway (bearer tokens, scopes, rate limit, formats, routes) and the
control routes; ``auth`` the OAuth 2.0 consent page and token endpoint; ``products`` the
product requests with their review on the sandbox clock, and the seller's products;
``orders`` the orders, their statuses and the stock they hold; ``rules`` the checks a
request passes; ``catalog`` the small category tree, the seller and its warehouse;
``base`` the settings, error shapes, time and money formats they share.

May import: the core's sandbox harness and the shared base. The client side never
imports this package, and this package imports nothing of the client side.
"""
