"""SHA-256 without :mod:`hashlib` on the gate's path.

``import hashlib`` loads OpenSSL's libcrypto (``_hashlib``): about 2 ms, a few
percent of ``cyberreview gate``'s cold start, for the two digests a gate takes
(the pack cache's key, the compiled code's check).  CPython's own SHA-256 module
gives the same digests (``tests/test_sha256.py``); where it is missing, hashlib's
is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:  # CPython 3.11
        from _sha256 import sha256
    except ImportError:  # pragma: no cover - the interpreter decides
        try:  # CPython 3.12 and later
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256

__all__ = ["sha256"]
