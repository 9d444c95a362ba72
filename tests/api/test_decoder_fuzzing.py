"""Property: no outside input makes a served route answer 5xx.

Arbitrary bytes, deep nesting and out-of-range numbers go to every query
parameter of the Trade API's GET routes (names from openapi.yaml), to the
signed routes, and to every JSON body of the Trade API and the admin API, on a
real server over both backends. Every 4xx must be Kalshi's error shape.
Derandomized and bounded so a run is quick and the same every time.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_from_bytes

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kalshi_local.admin import docs

from .. import spec
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer, new_private_key
from .test_schemathesis import IN_SCOPE
from .test_schemathesis_signed import SIGNED

PRIVATE, PUBLIC = new_private_key()
SIGNER = Signer("decoder-fuzz-key", PRIVATE)
PREFIX = "/trade-api/v2"
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _operations(paths: list[str], method: str) -> list[tuple[str, list[str]]]:
    found = []
    for path in paths:
        operation = spec.spec()["paths"].get(path, {}).get(method)
        if operation is not None:
            names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            found.append((path, names))
    return found


PUBLIC_GETS = _operations(IN_SCOPE, "get")
SIGNED_GETS = _operations(SIGNED, "get")
SIGNED_POSTS = [path for path in SIGNED if "post" in spec.spec()["paths"][path]]
ADMIN_BODIES = [
    (method.upper(), path)
    for path, item in docs.document()["paths"].items()
    for method in ("put", "post")
    if method in item
]

# Values: text the decoders might choke on, and the shapes of numbers and dates they parse.
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["9" * 5000, "1e999999", "-0", "+1", "١٢", "1_000", "0x10", "NaN", "inf", " 7", "7 "]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
dates = st.sampled_from(
    ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "10000-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "2030-13-45"]
)
nesting = st.integers(min_value=1, max_value=3000).map(lambda n: "[" * n + "]" * n)
raw_bytes = st.binary(max_size=64)
texts = st.one_of(st.text(max_size=64), numbers, dates, nesting.map(lambda s: s[:2000]))


def _encoded(value: str | bytes) -> str:
    return quote_from_bytes(value, safe="") if isinstance(value, bytes) else quote(value, safe="")


def _path(template: str, draw_value) -> str:
    return re.sub(r"\{[^}]+\}", lambda _m: _encoded(draw_value()) or "x", template)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@st.composite
def bodies(draw) -> bytes:
    """Bytes a JSON decoder meets: arbitrary, deeply nested, JSON with odd numbers, or not UTF-8."""
    kind = draw(st.sampled_from(["bytes", "deep", "json", "numbers", "utf8"]))
    if kind == "bytes":
        return draw(raw_bytes)
    if kind == "deep":
        depth = draw(st.integers(min_value=1, max_value=5000))
        inner = draw(st.sampled_from(["[", '{"details": {"a": [']))
        return (inner * depth).encode() + b"]" * depth
    if kind == "numbers":
        field = draw(st.sampled_from(["advance_seconds", "amount", "fee_multiplier", "period_reward", "balance", "name"]))
        return f'{{"{field}": {draw(numbers) if draw(st.booleans()) else json.dumps(draw(numbers))}}}'.encode()
    if kind == "utf8":
        return b'{"name": "' + draw(raw_bytes).replace(b'"', b"") + b'"}'
    return json.dumps(draw(json_values)).encode()


def assert_kalshi_answer(response: httpx.Response) -> None:
    label = f"{response.request.method} {response.request.url}"
    assert response.status_code < 500, f"{label}: {response.status_code} {response.text[:500]}"
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("code"), str) and body["code"], f"{label}: {body}"
        assert isinstance(body.get("message"), str) and body["message"], f"{label}: {body}"


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False, rate_limits=False)
    running.load(
        {
            "series": [{"ticker": "FZ", "title": "Fuzz", "category": "Economics"}],
            "events": [{"event_ticker": "FZ-1", "series_ticker": "FZ", "title": "Fuzz", "markets": [
                {"ticker": "FZ-1-A", "open_time": "2026-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z"}]}],
            "users": [{"name": "fuzzer", "tier": "prime", "balance": "10.00",
                       "api_keys": [{"id": SIGNER.key_id, "public_key": PUBLIC}]}],
        }
    )
    yield running
    running.stop()


@pytest.fixture
def http(fuzz_server):
    with httpx.Client(base_url=fuzz_server.url, timeout=30) as client:
        yield client


def _query(draw, names: list[str]) -> str:
    chosen = draw(st.lists(st.sampled_from(names), max_size=4)) if names else []
    pairs = [f"{name}={_encoded(draw(st.one_of(texts, raw_bytes)))}" for name in chosen]
    return "&".join(pairs)


@FUZZ
@given(data=st.data())
def test_no_query_or_path_value_gets_a_5xx(http, data):
    path, names = data.draw(st.sampled_from(PUBLIC_GETS))
    url = PREFIX + _path(path, lambda: data.draw(st.one_of(texts, raw_bytes).filter(bool)))
    query = _query(data.draw, names)
    assert_kalshi_answer(http.get(f"{url}?{query}" if query else url))


@FUZZ
@given(data=st.data())
def test_no_signed_request_gets_a_5xx(http, data):
    if data.draw(st.booleans()):
        path, names = data.draw(st.sampled_from(SIGNED_GETS))
        method, query, content = "GET", _query(data.draw, names), None
    else:
        path, method, query, content = data.draw(st.sampled_from(SIGNED_POSTS)), "POST", "", data.draw(bodies())
    url = PREFIX + _path(path, lambda: data.draw(st.text(min_size=1, max_size=30)))
    headers = {**SIGNER.headers(method, url), "Content-Type": "application/json"}
    full = f"{url}?{query}" if query else url
    assert_kalshi_answer(http.request(method, full, content=content, headers=headers))


@FUZZ
@given(data=st.data())
def test_no_admin_body_gets_a_5xx(http, data):
    # Last in the module: a fuzzed POST /reset may wipe the store.
    method, path = data.draw(st.sampled_from(ADMIN_BODIES))
    url = "/admin/v1" + _path(path, lambda: data.draw(st.sampled_from(["fz", "FZ-1", "FZ-1-A", "fuzzer", "1", "9" * 30])))
    content_type = "application/yaml" if path == "/scenario" and data.draw(st.booleans()) else "application/json"
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": content_type}
    assert_kalshi_answer(http.request(method, url, content=data.draw(bodies()), headers=headers))
