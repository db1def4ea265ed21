"""The gate's SHA-256 (without hashlib's OpenSSL) gives hashlib's digests."""

from __future__ import annotations

import hashlib

from cyberreview_policy.sha256 import sha256


def test_the_digests_are_hashlibs() -> None:
    for data in (b"", b"cyberreview", "政策".encode() * 1000):
        ours, theirs = sha256(data), hashlib.sha256(data)
        assert ours.hexdigest() == theirs.hexdigest()
        assert ours.digest() == theirs.digest()
    grown = sha256(b"a")
    grown.update(b"b")
    assert grown.hexdigest() == hashlib.sha256(b"ab").hexdigest()
