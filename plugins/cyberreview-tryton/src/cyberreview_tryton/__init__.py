"""cyberreview-policy connector for Tryton: purchase lines as canonical records.

Reads ``purchase.line`` (with its purchase, product, product attributes and
supplier) from a Tryton 8.2 server over JSON-RPC (a user's session) or the
REST API (an API key), one canonical record per line, incrementally by
modification date.  See the README.
"""

__version__ = "0.1.0"
