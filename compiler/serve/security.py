"""Secrets: tokens from ``secrets``, stored only as hashes, compared in constant time.

Tokens carry 192 bits of randomness, so a plain SHA-256 is the right hash: a
slow password hash protects guessable secrets, and these are not guessable.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

#: Bytes of randomness in every token (192 bits ≥ the 128 the issue requires).
TOKEN_BYTES = 24
#: What a token looks like (``secrets.token_urlsafe``): used to refuse junk before hashing it.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(token: str, stored_hash: str | None) -> bool:
    """Does ``token`` hash to ``stored_hash``? Constant time in the token's content."""
    if not stored_hash:
        return False
    return hmac.compare_digest(token_hash(token), stored_hash)


def same_text(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two strings (CSRF tokens)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def looks_like_token(text: str) -> bool:
    return bool(TOKEN_RE.match(text))


def redact(path: str) -> str:
    """A request path fit for a log: the private part of ``/r/<token>…`` is hidden."""
    return re.sub(r"^/r/[^/]+", "/r/***", path)
