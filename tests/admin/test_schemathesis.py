"""Fuzzing every admin API operation (admin/openapi.yaml) with schemathesis, with the
admin bearer token: no case may get a 5xx, and every error is Kalshi's error shape."""

from __future__ import annotations

import copy
import os

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error

from kalshi_local.admin import docs

from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server

# Derandomized and bounded (31 operations on two backends, no coverage phase, which
# ignores the count); raise the count for a deeper local run.
MAX_EXAMPLES = int(os.environ.get("KALSHI_LOCAL_ADMIN_FUZZ_EXAMPLES", "8"))
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260517,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": False}},
    }
)

OPERATIONS = [
    (method, path)
    for path, item in docs.document()["paths"].items()
    for method in ("get", "put", "post", "delete")
    if method in item
]

schema = schemathesis.openapi.from_dict(copy.deepcopy(docs.document()), config=CONFIG)


def error_shape(ctx, response, case):
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("code"), str) and body["code"], f"{case.operation.label}: {body}"
        assert isinstance(body.get("message"), str) and body["message"], f"{case.operation.label}: {body}"
        if "{" not in case.operation.path:  # a case that missed the routes would prove nothing
            assert not body["message"].startswith("no route for"), f"{case.operation.label}: {body}"


@pytest.fixture(scope="module", params=BACKENDS)
def admin_fuzz_server(request):
    # No demo catalog: a fuzzed POST /reset then costs a wipe, not a reload.
    running = start_server(new_database_url(request, request.param), load_demo=False, rate_limits=False)
    yield running
    running.stop()


def test_every_operation_of_the_doc_is_fuzzed():
    fuzzed = {(op.method.lower(), op.path) for op in (result.ok() for result in schema.get_all_operations())}
    assert fuzzed == set(OPERATIONS)


@schema.parametrize()
def test_admin_operation_never_answers_5xx_under_fuzzing(case, admin_fuzz_server):
    case.call_and_validate(
        base_url=admin_fuzz_server.url + "/admin/v1",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        checks=[not_a_server_error, error_shape],
    )
