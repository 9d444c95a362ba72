"""Fuzzing the signed operations with schemathesis: every case is signed like a client signs it."""

from __future__ import annotations

import copy

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from .. import spec
from ..client import AdminClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer, new_private_key
from .test_schemathesis import CONFIG, error_shape

SIGNED = ["/account/limits", "/api_keys", "/api_keys/generate", "/api_keys/{api_key}", "/portfolio/balance",
          "/portfolio/deposits", "/portfolio/withdrawals"]

# Undeclared statuses the server rightly answers; each must still be our error shape.
SPEC_GAPS = {
    ("GET /portfolio/balance", 400),  # a subaccount outside 0..32
    ("GET /portfolio/balance", 404),  # a subaccount that does not exist
}

PRIVATE, PUBLIC = new_private_key()
SIGNER = Signer("fuzz-key", PRIVATE)

schema = schemathesis.openapi.from_dict(copy.deepcopy(spec.spec()), config=CONFIG).include(path=SIGNED)


class SignEachRequest(requests.auth.AuthBase):
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        path = request.path_url.split("?")[0]
        request.headers.update(SIGNER.headers(request.method, path))
        return request


def declared_status(ctx, response, case):
    if (case.operation.label, response.status_code) in SPEC_GAPS:
        return None
    return status_code_conformance(ctx, response, case)


def accepted_signature(ctx, response, case):
    """Every case is signed with a live key: a 401 would mean signing, not the case, failed."""
    assert response.status_code != 401, f"{case.operation.label}: {response.text}"


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_server(request):
    # Limits off: hundreds of cases in a second would empty any tier's bucket.
    running = start_server(new_database_url(request, request.param), load_demo=False, rate_limits=False)
    admin = AdminClient(running.url, ADMIN_TOKEN)
    body = {"tier": "prime", "balance": "100.00", "api_keys": [{"id": SIGNER.key_id, "public_key": PUBLIC}]}
    admin.request("PUT", "/users/fuzzer", body)
    admin.close()
    yield running
    running.stop()


def test_every_signed_path_is_an_operation_of_the_spec():
    assert [path for path in SIGNED if path not in spec.spec()["paths"]] == []


def test_every_spec_gap_is_still_a_gap():
    declared = [
        (label, status)
        for label, status in SPEC_GAPS
        if str(status) in spec.spec()["paths"][label.split(" ", 1)[1]][label.split(" ")[0].lower()]["responses"]
    ]
    assert declared == []


@schema.parametrize()
def test_signed_operation_conforms_to_the_spec_under_fuzzing(case, fuzz_server):
    checks = [not_a_server_error, response_schema_conformance, declared_status, error_shape, accepted_signature]
    case.call_and_validate(base_url=fuzz_server.api, checks=checks, auth=SignEachRequest())
