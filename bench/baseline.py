"""The baseline for order entry: the least a server on our stack must do per signed order.

A bare Starlette app on uvicorn (uvloop, httptools), one process. POST
/trade-api/v2/portfolio/events/orders reads the same three KALSHI-ACCESS-* headers as
kalshi-local, verifies the RSA-PSS signature over `timestamp + METHOD + path` against one
public key held in memory (the same padding as kalshi-local: SHA-256, salt length any),
decodes the V2 order body into a msgspec Struct, and answers 201 with a small JSON. No
freshness or replay check, no store, no matching. bench/order_entry.py starts it next to
kalshi-local and reports kalshi-local's rate as a fraction of this one's.

    python bench/baseline.py --port 8920 --public-key public.pem
"""

from __future__ import annotations

import argparse
import binascii
import time
from typing import Literal

import msgspec
import uvicorn
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PATH = "/trade-api/v2/portfolio/events/orders"
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
_SHA256 = hashes.SHA256()
_HEADERS = (b"kalshi-access-key", b"kalshi-access-timestamp", b"kalshi-access-signature")


class OrderIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """CreateOrderV2Request, typed as kalshi-local decodes it (strings for counts and prices)."""

    ticker: str
    side: Literal["bid", "ask"]
    count: str
    price: str
    time_in_force: Literal["fill_or_kill", "good_till_canceled", "immediate_or_cancel"]
    self_trade_prevention_type: Literal["taker_at_cross", "maker"]
    client_order_id: str = ""
    expiration_time: int | None = None
    post_only: bool | None = None
    reduce_only: bool | None = None
    cancel_order_on_pause: bool | None = None
    subaccount: int = 0
    order_group_id: str | None = None
    exchange_index: int = 0


_decode = msgspec.json.Decoder(OrderIn).decode
_encode = msgspec.json.Encoder().encode


def _error(status: int, code: str, message: str) -> Response:
    return Response(_encode({"error": {"code": code, "message": message}}), status, media_type="application/json")


def make_app(public_key) -> Starlette:
    """The app, verifying every order against `public_key` (an RSAPublicKey)."""

    def verified(request: Request) -> bool:
        # The raw scope, as kalshi-local reads it: header names arrive in lower case.
        found = {name: value for name, value in request.scope["headers"] if name in _HEADERS}
        if len(found) != len(_HEADERS):
            return False
        timestamp = found[b"kalshi-access-timestamp"].decode("latin-1")
        try:
            signature = binascii.a2b_base64(found[b"kalshi-access-signature"], strict_mode=True)
            message = f"{timestamp}{request.scope['method']}{request.scope['path']}".encode()
            public_key.verify(signature, message, _PSS, _SHA256)
        except (ValueError, InvalidSignature):
            return False
        return True

    async def create_order(request: Request) -> Response:
        if not verified(request):
            return _error(401, "unauthorized", "bad or missing signature")
        try:
            order = _decode(await request.body())
        except msgspec.ValidationError as exc:
            return _error(400, "invalid_parameters", str(exc))
        except msgspec.DecodeError:
            return _error(400, "invalid_parameters", "body is not JSON")
        answer = {
            "order_id": "00000000-0000-4000-8000-000000000000",
            "client_order_id": order.client_order_id,
            "fill_count": "0.00",
            "remaining_count": order.count,
            "ts_ms": time.time_ns() // 1_000_000,
        }
        return Response(_encode(answer), 201, media_type="application/json")

    return Starlette(routes=[Route(PATH, create_order, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8920)
    parser.add_argument("--public-key", required=True, help="PEM file of the public key that signs the orders")
    args = parser.parse_args()
    with open(args.public_key, "rb") as f:
        public_key = serialization.load_pem_public_key(f.read())
    uvicorn.run(make_app(public_key), host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
