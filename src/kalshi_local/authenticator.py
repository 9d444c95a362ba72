"""Who sent a request: key lookup, signature, scope and rate limit, in that order.

Every check that fails says which one it was (401 for identity, 403 for scope,
429 for the rate limit). Keys are looked up through a cache that lives as long
as the store is unchanged (store/changes.py), so a key created or deleted by
another process counts at once; parsed public keys are kept by their PEM text.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from sqlalchemy import Connection

from .auth import keys, ratelimit
from .auth.signatures import DEFAULT_WINDOW_MS, SignatureError, Verifier, read_signed_headers, wall_clock_ms
from .errors import Forbidden, TooManyRequests, Unauthorized
from .store import accounts
from .store.changes import KEYS, scope_marker


@dataclass(frozen=True, slots=True)
class Caller:
    user_seq: int
    user_id: str
    tier: str
    key_id: str
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Key:
    caller: Caller
    public_key: RSAPublicKey


class Authenticator:
    def __init__(
        self,
        *,
        window_ms: int = DEFAULT_WINDOW_MS,
        rate_limits: bool = True,
        now_ms: Callable[[], int] = wall_clock_ms,
        buckets: ratelimit.TokenBuckets | None = None,
    ) -> None:
        self.rate_limits = rate_limits
        self.buckets = buckets or ratelimit.TokenBuckets()
        self._verifier = Verifier(window_ms, now_ms)
        self._marker: Hashable = None
        self._keys: dict[str, _Key] = {}
        self._public_keys: dict[str, RSAPublicKey] = {}

    def authenticate(
        self,
        conn: Connection,
        headers: tuple[str | None, str | None, str | None],
        method: str,
        path: str,
        *,
        needs_write: bool,
        bucket: ratelimit.Bucket,
        cost: int,
    ) -> Caller:
        """`headers` are KALSHI-ACCESS-KEY, -TIMESTAMP and -SIGNATURE; `path` is the URL path as sent."""
        try:
            signed = read_signed_headers(*headers)
        except SignatureError as exc:
            raise Unauthorized(_ascii(exc.message)) from None
        if signed is None:
            raise Unauthorized("this endpoint needs a signed request: missing KALSHI-ACCESS-KEY header")
        key = self._key(conn, signed.key_id)
        if key is None:
            raise Unauthorized(f"unknown API key {_shown(signed.key_id)} (never created, or deleted)")
        try:
            self._verifier.verify(signed, method, path, key.public_key)
        except SignatureError as exc:
            raise Unauthorized(_ascii(exc.message)) from None
        caller = key.caller
        if needs_write and "write" not in caller.scopes:
            raise Forbidden(f"API key {caller.key_id} has the read scope only; {method} needs the write scope")
        if self.rate_limits and not self.buckets.try_spend(caller.user_seq, caller.tier, bucket, cost):
            raise TooManyRequests()
        return caller

    def _key(self, conn: Connection, key_id: str) -> _Key | None:
        marker = scope_marker(conn, KEYS)
        if marker != self._marker:
            self._keys.clear()
            self._marker = marker
        found = self._keys.get(key_id)
        if found is None:
            owner = accounts.key_owner(conn, key_id)
            if owner is None:
                return None
            caller = Caller(owner.user_seq, owner.user_id, owner.tier, owner.key_id, owner.scopes)
            found = self._keys[key_id] = _Key(caller, self._public_key(owner.public_key))
        return found

    def _public_key(self, pem: str) -> RSAPublicKey:
        public_key = self._public_keys.get(pem)
        if public_key is None:
            if len(self._public_keys) > 10_000:
                self._public_keys.clear()
            public_key = self._public_keys[pem] = keys.load_public_key(pem)
        return public_key


def _shown(value: str, limit: int = 64) -> str:
    """A header value as an error message shows it: quoted, cut short, and ASCII."""
    return _ascii(repr(value if len(value) <= limit else value[:limit] + "..."))


def _ascii(message: str) -> str:
    # Header values arrive decoded as Latin-1: a byte outside ASCII is shown as its escape
    # (\xe9), not as a character that the JSON body would send back as other bytes.
    return message.encode("ascii", "backslashreplace").decode("ascii")
