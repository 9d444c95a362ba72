"""Hostile input found by fuzzing: each is one kind of input that once escaped as
a 500 or a crash. Every one must be a 4xx in Kalshi's error shape that names
what was wrong, with nothing written and the server still serving."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from kalshi_local.admin import scenarios
from kalshi_local.api.bodies import MAX_JSON_BODY
from kalshi_local.models.inputs import MAX_LONG_LIST, MAX_SHORT_LIST

from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer, new_private_key

PRIVATE, PUBLIC = new_private_key()
SIGNER = Signer("hostile-key", PRIVATE)
TOO_BIG = 2**63  # one past a BIGINT

PAGINATED = [
    ("/markets", "markets"),
    ("/events", "events"),
    ("/events/multivariate", "multivariate_events"),
    ("/milestones?limit=5", "milestones"),
    ("/structured_targets", "structured_targets"),
    ("/incentive_programs", "incentive_programs"),
    ("/portfolio/deposits", "deposit"),
    ("/portfolio/withdrawals", "withdrawal"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def hostile_server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False, rate_limits=False)
    with httpx.Client(base_url=running.url + "/admin/v1", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as admin:
        body = {"tier": "prime", "balance": "10.00", "api_keys": [{"id": SIGNER.key_id, "public_key": PUBLIC}]}
        assert admin.put("/users/hostile", json=body).status_code == 200
    yield running
    running.stop()


@pytest.fixture
def http(hostile_server):
    with httpx.Client(base_url=hostile_server.url, timeout=30) as client:
        yield client


@pytest.fixture
def admin(hostile_server):
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=hostile_server.url + "/admin/v1", headers=headers, timeout=30) as client:
        yield client


def signed_get(http: httpx.Client, path: str) -> httpx.Response:
    return http.get("/trade-api/v2" + path, headers=SIGNER.headers("GET", "/trade-api/v2" + path))


def refused(response: httpx.Response, *words: str, status: int = 400) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert isinstance(body["code"], str) and body["code"], body
    for word in words:
        assert word in body["message"], body
    return body


def alive(http: httpx.Client) -> None:
    assert http.get("/trade-api/v2/exchange/status").status_code == 200
    assert http.get("/admin/v1/health").status_code == 200


def cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# 2. cursors


@pytest.mark.parametrize("path,kind", PAGINATED)
@pytest.mark.parametrize("seq", [str(TOO_BIG), "9" * 30, "١٢", "1_0", "+1", " 1", "-1", ""])
def test_a_cursor_out_of_range_or_not_ascii_digits_is_a_400_on_every_list(http, path, kind, seq):
    separator = "&" if "?" in path else "?"
    url = f"{path}{separator}cursor={cursor_of(f'{kind}:{seq}')}"
    response = signed_get(http, url) if path.startswith("/portfolio") else http.get("/trade-api/v2" + url)
    refused(response, "not a valid cursor")


def test_the_largest_cursor_is_still_a_cursor(http):
    response = http.get("/trade-api/v2/markets", params={"cursor": cursor_of(f"markets:{TOO_BIG - 1}")})
    assert response.status_code == 200 and response.json()["markets"] == []


# 6. integers parse like Go's strconv


@pytest.mark.parametrize("value", ["١٢", "1_000", " 12", "12 ", "1e3", "0x10", "12.0", "１２"])
def test_an_integer_parameter_takes_only_ascii_digits(http, value):
    refused(http.get("/trade-api/v2/markets", params={"limit": value}), "limit")


@pytest.mark.parametrize("value", ["+12", "0012"])
def test_an_integer_parameter_takes_a_sign_and_leading_zeros_as_go_does(http, value):
    assert http.get("/trade-api/v2/markets", params={"limit": value}).status_code == 200


@pytest.mark.parametrize("value", [str(TOO_BIG), "9" * 5000, "-" + "9" * 30])
def test_a_huge_integer_parameter_is_out_of_range(http, value):
    refused(http.get("/trade-api/v2/markets", params={"limit": value}), "limit")
    refused(http.get("/trade-api/v2/markets", params={"min_close_ts": value}), "min_close_ts")


@pytest.mark.parametrize("value", ["253402300800", "-62135596801"])  # 10000-01-01 and just before 0001-01-01
def test_a_timestamp_outside_the_years_1_to_9999_is_a_400(http, value):
    refused(http.get("/trade-api/v2/events", params={"min_close_ts": value}), "min_close_ts")


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "99999-01-01T00:00:00Z"])
def test_a_datetime_outside_the_years_1_to_9999_is_a_400(http, value):
    refused(http.get("/trade-api/v2/milestones", params={"limit": 5, "minimum_start_date": value}), "minimum_start_date")


def test_many_repeated_query_parameters_are_still_an_answer(http):
    query = "&".join(["tickers=A"] * 5000)
    assert http.get(f"/trade-api/v2/markets?{query}").status_code in (200, 400)
    alive(http)


# 3. JSON bodies: nesting and bytes that are not UTF-8

DEEP_JSON = b"[" * 1000 + b"]" * 1000
BAD_UTF8 = b'{"title": "\xff"}'
ADMIN_BODY_ROUTES = [
    ("PUT", "/series/S1"),
    ("PUT", "/events/E1"),
    ("PUT", "/events/E1/markets/M1"),
    ("PUT", "/milestones/m1"),
    ("PUT", "/structured_targets/t1"),
    ("PUT", "/live_data/m1"),
    ("PUT", "/fee_changes/f1"),
    ("PUT", "/incentive_programs/p1"),
    ("PUT", "/exchange"),
    ("POST", "/announcements"),
    ("PUT", "/users/someone"),
    ("POST", "/users/hostile/deposits"),
    ("POST", "/users/hostile/withdrawals"),
    ("POST", "/clock"),
    ("POST", "/reset"),
]


@pytest.mark.parametrize("method,path", ADMIN_BODY_ROUTES)
@pytest.mark.parametrize("body,words", [(DEEP_JSON, "nested too deeply"), (BAD_UTF8, "UTF-8")])
def test_a_hostile_json_body_is_a_400_on_every_admin_route(http, admin, method, path, body, words):
    headers = {"Content-Type": "application/json"}
    refused(admin.request(method, path, content=body, headers=headers), words)
    alive(http)


@pytest.mark.parametrize("path", ["/api_keys", "/api_keys/generate"])
@pytest.mark.parametrize("body,words", [(DEEP_JSON, "nested too deeply"), (BAD_UTF8, "UTF-8")])
def test_a_hostile_json_body_is_a_400_on_the_signed_routes(http, path, body, words):
    full = "/trade-api/v2" + path
    headers = {**SIGNER.headers("POST", full), "Content-Type": "application/json"}
    refused(http.post(full, content=body, headers=headers), words)


# 1 and 5. YAML scenarios: deep nesting and alias bombs

DEEP_YAML = "series: " + "[" * 25_000 + "]" * 25_000
LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi")),
        "structured_targets: [{id: t, name: t, type: t, details: {x: *i}}]",
    ]
)


def test_a_deeply_nested_yaml_scenario_is_a_400_and_the_server_lives(http, admin):
    response = admin.post("/scenario", content=DEEP_YAML.encode(), headers={"Content-Type": "application/yaml"})
    refused(response, "nested too deeply")
    alive(http)


def test_a_yaml_alias_bomb_is_a_400_and_stores_nothing(http, admin):
    response = admin.post("/scenario", content=LAUGHS.encode(), headers={"Content-Type": "application/yaml"})
    refused(response, "aliases")
    assert http.get("/trade-api/v2/structured_targets").json()["structured_targets"] == []


@pytest.mark.parametrize(
    "body,words",
    [
        (b'{"structured_targets": [{"id": "t", "name": "t", "type": "t", "details": {"x": ' + DEEP_JSON + b"}}]}",
         "nested too deeply"),
        (b'{"series": [{"ticker": "S", "title": "\xff", "category": "c"}]}', "UTF-8"),
    ],
)
def test_a_hostile_json_scenario_is_a_400(http, admin, body, words):
    refused(admin.post("/scenario", content=body, headers={"Content-Type": "application/json"}), words)
    assert http.get("/trade-api/v2/structured_targets").json()["structured_targets"] == []


# 5. free-form JSON fields are bounded


def test_a_megabyte_of_details_is_refused(admin):
    body = {"name": "t", "type": "t", "details": {"x": "y" * 1_000_000}}
    refused(admin.put("/structured_targets/big", json=body), "$.details", "bytes")


def test_details_nested_past_the_bound_are_refused(admin):
    details: dict = {}
    inner = details
    for _ in range(40):
        inner["x"] = {}
        inner = inner["x"]
    refused(admin.put("/structured_targets/deep", json={"name": "t", "type": "t", "details": details}), "$.details")


# 4. the clock


def test_a_huge_clock_advance_is_a_400_and_the_clock_stays(http, admin):
    before = admin.get("/clock").json()["now_us"]
    for body in ({"advance_seconds": 10**30}, {"advance_seconds": 300_000_000_000}):
        refused(admin.post("/clock", json=body), "advance_seconds")
    refused(admin.post("/clock", json={"set": "9999-12-31T23:59:59-05:00"}), "$.set")
    refused(admin.post("/clock", json={"set": "10000-01-01T00:00:00Z"}), "$.set")
    assert admin.get("/clock").json()["now_us"] == before
    alive(http)


# 7. path parameters and amounts


@pytest.mark.parametrize("ident", [str(TOO_BIG), "9" * 5000])
def test_an_announcement_id_beyond_a_bigint_is_a_404(admin, ident):
    body = {"type": "info", "message": "m", "delivery_time": "2030-01-01T00:00:00Z"}
    refused(admin.put(f"/announcements/{ident}", json=body), status=404)
    refused(admin.delete(f"/announcements/{ident}"), status=404)


@pytest.mark.parametrize("ident", ["١٢", "x", "-1"])
def test_an_announcement_id_that_is_not_ascii_digits_is_a_400(admin, ident):
    refused(admin.delete(f"/announcements/{ident}"), "id")


@pytest.mark.parametrize("amount", ["1e999999", "9" * 5000, "9" * 20, "١٢", "12.345"])
def test_a_hostile_amount_is_a_400_and_moves_no_cash(admin, amount):
    before = [u for u in admin.get("/users").json()["users"] if u["name"] == "hostile"]
    refused(admin.post("/users/hostile/deposits", json={"amount": amount}), "amount")
    refused(admin.put("/users/hostile", json={"balance": amount}), "balance")
    assert [u for u in admin.get("/users").json()["users"] if u["name"] == "hostile"] == before


@pytest.mark.parametrize(
    "field,value,words",
    [
        ("fee_multiplier", 1e308 * 10, "Number out of range"),  # the JSON decoder's own words: no path yet
        ("fee_multiplier", 2**64, "fee_multiplier"),
        ("category", "é" * 1000, "category"),  # an indexed column: PostgreSQL caps an index entry's size
    ],
)
def test_a_series_value_out_of_range_is_a_400(admin, field, value, words):
    body = {"title": "t", "category": "c", field: value}
    content = json.dumps(body).replace("Infinity", "1e999999").encode()
    refused(admin.put("/series/S", content=content, headers={"Content-Type": "application/json"}), words)


def test_an_integer_past_a_bigint_in_a_body_is_a_400(admin):
    body = {"market_ticker": "M", "incentive_type": "volume", "start_date": "2030-01-01T00:00:00Z",
            "end_date": "2030-02-01T00:00:00Z", "period_reward": TOO_BIG}
    refused(admin.put("/incentive_programs/p", json=body), "period_reward")


@pytest.mark.parametrize("body", [{"title": "a\x00b", "category": "c"}, {"title": "t", "category": "c", "\x00": 1}])
def test_a_nul_character_in_a_body_is_a_400_on_every_backend(http, admin, body):
    refused(admin.put("/series/NUL", json=body), "NUL character")
    assert http.get("/trade-api/v2/series/NUL").status_code == 404
    alive(http)


# 8. body sizes: a single object is refused past bodies.MAX_JSON_BODY, a scenario past
# scenarios.MAX_SCENARIO_BODY (made small here), both before the body is read whole


def padded(body: dict, size: int) -> bytes:
    """`body` as JSON, padded with spaces to exactly `size` bytes."""
    content = json.dumps(body).encode()
    return content + b" " * (size - len(content))


def in_pieces(content: bytes, piece: int = 16_384):
    """A body sent chunked, without Content-Length: the server must count as it reads."""
    for start in range(0, len(content), piece):
        yield content[start : start + piece]


@pytest.mark.parametrize("chunked", [False, True])
def test_an_oversized_admin_body_is_a_413_naming_the_limit(http, admin, chunked):
    content = padded({"title": "big", "category": "c"}, MAX_JSON_BODY + 1)
    body = in_pieces(content) if chunked else content
    response = admin.put("/series/KXBIG", content=body, headers={"Content-Type": "application/json"})
    assert refused(response, "1 MiB", status=413)["code"] == "payload_too_large"
    refused(http.get("/trade-api/v2/series/KXBIG"), status=404)
    alive(http)


def test_a_body_of_exactly_the_limit_is_read(admin):
    content = padded({"title": "just fits", "category": "c"}, MAX_JSON_BODY)
    assert admin.put("/series/KXFITS", content=content, headers={"Content-Type": "application/json"}).status_code == 200


@pytest.mark.parametrize("path", ["/api_keys", "/api_keys/generate"])
def test_an_oversized_signed_body_is_a_413(http, path):
    full = "/trade-api/v2" + path
    headers = {**SIGNER.headers("POST", full), "Content-Type": "application/json"}
    refused(http.post(full, content=padded({"name": "k"}, MAX_JSON_BODY + 1), headers=headers), "1 MiB", status=413)


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize("content_type", ["application/yaml", "application/json"])
def test_an_oversized_scenario_is_a_413_pointing_to_the_cli(http, admin, monkeypatch, chunked, content_type):
    monkeypatch.setattr(scenarios, "MAX_SCENARIO_BODY", 100_000)
    monkeypatch.setattr(scenarios, "MAX_YAML_SCENARIO_BODY", 100_000)
    series = [{"ticker": f"KXS{i}", "title": "t", "category": "c"} for i in range(3000)]
    content = json.dumps({"series": series}).encode()
    assert len(content) > 100_000
    body = in_pieces(content) if chunked else content
    response = admin.post("/scenario", content=body, headers={"Content-Type": content_type})
    refused(response, "97.6562 KiB", "kalshi-local load", status=413)
    refused(http.get("/trade-api/v2/series/KXS0"), status=404)
    alive(http)


@pytest.mark.parametrize("content_type", ["application/yaml", "application/json"])
def test_a_scenario_under_the_limit_loads(admin, monkeypatch, content_type):
    monkeypatch.setattr(scenarios, "MAX_SCENARIO_BODY", 100_000)
    monkeypatch.setattr(scenarios, "MAX_YAML_SCENARIO_BODY", 100_000)
    content = json.dumps({"series": [{"ticker": "KXUNDER", "title": "t", "category": "c"}]}).encode()
    response = admin.post("/scenario", content=in_pieces(content, 7), headers={"Content-Type": content_type})
    assert response.status_code == 200 and response.json()["loaded"]["series"] == 1, response.text


def test_a_yaml_scenario_has_the_smaller_limit(admin):
    assert scenarios.MAX_YAML_SCENARIO_BODY < scenarios.MAX_SCENARIO_BODY
    content = b"series: []" + b" " * scenarios.MAX_YAML_SCENARIO_BODY
    response = admin.post("/scenario", content=content, headers={"Content-Type": "application/yaml"})
    refused(response, "16 MiB", "as JSON", status=413)


# 9. lists without a natural bound are capped, naming the field

MILESTONE = {"category": "Sports", "type": "football_game", "title": "g", "start_date": "2030-01-01T00:00:00Z"}
SERIES = {"title": "t", "category": "c"}
CAPPED_LISTS = [
    ("/series/KXCAP", SERIES, "tags", "tag", MAX_SHORT_LIST),
    ("/series/KXCAP", SERIES, "additional_prohibitions", "no", MAX_SHORT_LIST),
    ("/series/KXCAP", SERIES, "settlement_sources", {"name": "n"}, MAX_SHORT_LIST),
    ("/milestones/mcap", MILESTONE, "related_event_tickers", "KXE", MAX_LONG_LIST),
    ("/milestones/mcap", MILESTONE, "primary_event_tickers", "KXE", MAX_LONG_LIST),
    ("/users/capped", {}, "api_keys", None, MAX_SHORT_LIST),
]


@pytest.mark.parametrize("path,base,field,item,cap", CAPPED_LISTS, ids=[c[2] for c in CAPPED_LISTS])
def test_a_list_past_its_cap_is_a_400_naming_the_field(http, admin, path, base, field, item, cap):
    items = [item if item is not None else {"id": f"k{i}", "public_key": PUBLIC} for i in range(cap + 1)]
    refused(admin.put(path, json={**base, field: items}), f"$.{field}", f"<= {cap}")
    if path.startswith("/users"):
        assert "capped" not in [user["name"] for user in admin.get("/users").json()["users"]]
    else:
        refused(http.get("/trade-api/v2" + path), status=404)
    alive(http)


def test_source_ids_past_the_cap_are_a_400(admin):
    body = {"name": "t", "type": "t", "source_ids": {f"s{i}": "x" for i in range(MAX_SHORT_LIST + 1)}}
    refused(admin.put("/structured_targets/capped", json=body), "$.source_ids")


def test_a_list_at_its_cap_is_taken(http, admin):
    tags = [f"t{i}" for i in range(MAX_SHORT_LIST)]
    assert admin.put("/series/KXATCAP", json={"title": "t", "category": "c", "tags": tags}).status_code == 200
    assert http.get("/trade-api/v2/series/KXATCAP").json()["series"]["tags"] == tags


# 10. fee multipliers are not negative


@pytest.mark.parametrize("value", [-1, -0.5, -(2**63)])
def test_a_negative_fee_multiplier_is_a_400(http, admin, value):
    refused(admin.put("/series/KXNEG", json={"title": "t", "category": "c", "fee_multiplier": value}), "fee_multiplier")
    refused(http.get("/trade-api/v2/series/KXNEG"), status=404)
    change = {"series_ticker": "KXNEG", "fee_type": "flat", "fee_multiplier": value,
              "scheduled_time": "2030-01-01T00:00:00Z"}
    refused(admin.put("/fee_changes/fneg", json=change), "fee_multiplier")
    event = {"series_ticker": "KXNEG", "title": "e", "fee_multiplier_override": value}
    refused(admin.put("/events/KXNEG-E", json=event), "fee_multiplier_override")


def test_a_zero_fee_multiplier_is_taken(admin):
    assert admin.put("/series/KXZERO", json={"title": "t", "category": "c", "fee_multiplier": 0}).status_code == 200


# 11. a YAML scenario is UTF-8, strictly


def test_a_yaml_scenario_that_is_not_utf8_is_a_400_naming_the_byte(http, admin):
    content = b"series:\n  - {ticker: KXU\xff, title: t, category: c}\n"
    response = admin.post("/scenario", content=content, headers={"Content-Type": "application/yaml"})
    bad = content.index(b"\xff")
    refused(response, "not UTF-8", f"at byte {bad}")
    refused(http.get("/trade-api/v2/series/KXU"), status=404)
    alive(http)
