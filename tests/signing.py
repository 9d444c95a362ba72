"""Signing requests the way Kalshi clients do, for raw-HTTP tests."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from kalshi_local import demo
from kalshi_local.auth.keys import generate_key_pair

PSS_DIGEST = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


@dataclass(frozen=True)
class Signer:
    key_id: str
    private_pem: str

    def headers(self, method: str, path: str, timestamp_ms: int | None = None, salt=PSS_DIGEST) -> dict[str, str]:
        """Headers for `path` (the full URL path; a query string is cut off as clients do)."""
        stamp = str(int(time.time() * 1000) if timestamp_ms is None else timestamp_ms)
        key = serialization.load_pem_private_key(self.private_pem.encode(), password=None)
        message = (stamp + method.upper() + path.split("?")[0]).encode()
        signature = base64.b64encode(key.sign(message, salt, hashes.SHA256())).decode()
        return {"KALSHI-ACCESS-KEY": self.key_id, "KALSHI-ACCESS-TIMESTAMP": stamp, "KALSHI-ACCESS-SIGNATURE": signature}


DEMO = Signer(demo.KEY_ID, demo.private_key_pem())


def new_private_key() -> tuple[str, str]:
    return generate_key_pair()
