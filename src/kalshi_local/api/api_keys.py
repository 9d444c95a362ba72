"""GET/POST /api_keys, POST /api_keys/generate and DELETE /api_keys/{api_key}.

Keys belong to the caller: another user's key id answers 404, as an unknown one does.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..auth import keys
from ..authenticator import Caller
from ..errors import Forbidden, NotFound
from ..models.accounts import ApiKey, CreateApiKeyRequest, GenerateApiKeyRequest
from ..store import accounts as store
from .authenticated import signed_route
from .bodies import decode
from .responses import json_response, services

# The spec: only Premier-level users may register a public key of their own.
OWN_KEY_TIERS = ("premier", "paragon", "prime")


def get_api_keys(request: Request, caller: Caller):
    with services(request).reading() as conn:
        found = store.keys_of(conn, caller.user_seq)
    return json_response({"api_keys": [ApiKey(k.key_id, k.name, list(k.scopes)) for k in found]})


async def create_api_key(request: Request, caller: Caller):
    body = await decode(request, CreateApiKeyRequest)
    if caller.tier not in OWN_KEY_TIERS:
        raise Forbidden(
            f"creating an API key from your own public key needs the premier tier or above; yours is {caller.tier}"
        )
    return await _created(request, caller, body.name, body.public_key, body.scopes)


async def generate_api_key(request: Request, caller: Caller):
    body = await decode(request, GenerateApiKeyRequest)
    private_pem, public_pem = await services(request).run_cpu(keys.generate_key_pair)
    # The private key leaves in this response only: it is never stored or logged.
    return await _created(request, caller, body.name, public_pem, body.scopes, private_key=private_pem)


async def delete_api_key(request: Request, caller: Caller):
    key_id = request.path_params["api_key"]
    svc = services(request)
    deleted = await svc.run_write(store.delete_key, caller.user_seq, key_id)
    if not deleted:
        raise NotFound(f"API key {key_id} not found")
    await svc.keys_removed()  # its open WebSocket connections lose their private channels
    return Response(status_code=204)


async def _created(request: Request, caller: Caller, name: str, public_pem: str, scopes, **extra: str) -> Response:
    svc = services(request)

    def add(conn):
        now_us = svc.clock.now_us()
        return store.add_key(conn, caller.user_seq, name=name, public_key=public_pem, scopes=scopes, now_us=now_us)

    row = await svc.run_write(add)
    return json_response({"api_key_id": row.key_id, **extra}, status=201)


routes = [
    signed_route("/api_keys", get_api_keys, "GET"),
    signed_route("/api_keys", create_api_key, "POST"),
    signed_route("/api_keys/generate", generate_api_key, "POST"),
    signed_route("/api_keys/{api_key}", delete_api_key, "DELETE"),
]
