"""Every field kalshi-typescript declares required is in every response we serve.

The SDK (3.30.0) follows a newer API than openapi.yaml and checks nothing at run
time, so a required field we leave out becomes `undefined` in user code. This test
reads the SDK's own declarations: the api `.js` files give each method's HTTP method
and path, the api `.d.ts` files its response interface, and the model `.d.ts` files
the fields of each interface. It then fetches every served operation from a real
server and checks each required field at every level, through arrays and maps.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import pytest

from kalshi_local import api as served_api
from kalshi_local.scenario import loader

from ..client import AdminClient, ApiClient
from ..servers import ADMIN_TOKEN
from ..signing import DEMO, new_private_key
from .test_typescript_sdk import TS_DIR

SDK = TS_DIR / "node_modules" / "kalshi-typescript" / "dist"


def _sdk_or_skip() -> Path:
    if (SDK / "models").is_dir():
        return SDK
    reason = "tests/ts/node_modules is missing: run `npm ci` in tests/ts"
    if os.environ.get("KALSHI_LOCAL_REQUIRE_TS") == "1":
        pytest.fail(f"KALSHI_LOCAL_REQUIRE_TS=1 but {reason}")
    pytest.skip(reason)


# --- reading the .d.ts declarations -----------------------------------------------------------------


@dataclass(frozen=True)
class TsType:
    kind: str  # "leaf", "ref", "array" or "map"
    name: str = ""  # a primitive or interface name
    item: TsType | None = None  # of an array or map
    nullable: bool = False


@dataclass(frozen=True)
class Prop:
    name: str
    required: bool
    type: TsType


@dataclass
class Declarations:
    interfaces: dict[str, list[Prop]] = field(default_factory=dict)


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL))


def _split_top(text: str, separator: str) -> list[str]:
    """`text` split on `separator` where no {}, <> or () is open."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "{<(":
            depth += 1
        elif ch in "}>)":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_type(text: str) -> TsType:
    alternatives = _split_top(text.strip(), "|")
    nullable = "null" in alternatives
    rest = [a for a in alternatives if a not in ("null", "undefined")]
    if len(rest) != 1:
        return TsType("leaf", " | ".join(rest), nullable=nullable)
    core = rest[0]
    if core.startswith("Array<") and core.endswith(">"):
        return TsType("array", item=parse_type(core[len("Array<") : -1]), nullable=nullable)
    indexed = re.fullmatch(r"\{\s*\[\w+:\s*string\]:\s*(.*?);?\s*\}", core, flags=re.DOTALL)
    if indexed:
        return TsType("map", item=parse_type(indexed.group(1)), nullable=nullable)
    if re.fullmatch(r"[A-Z]\w*", core):
        return TsType("ref", core, nullable=nullable)
    return TsType("leaf", core, nullable=nullable)


def parse_interfaces(text: str) -> dict[str, list[Prop]]:
    """The `export interface X { 'a': T; 'b'?: U; }` declarations of one .d.ts file."""
    text = _strip_comments(text)
    found = {}
    for match in re.finditer(r"export interface (\w+)\s*\{", text):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        props = []
        for member in _split_top(text[match.end() : i - 1], ";"):
            prop = re.fullmatch(r"'?([\w$]+)'?(\??):\s*(.*)", member, flags=re.DOTALL)
            assert prop, f"cannot read member {member!r} of {match.group(1)}"
            props.append(Prop(prop.group(1), prop.group(2) != "?", parse_type(prop.group(3))))
        found[match.group(1)] = props
    return found


@cache
def interfaces() -> dict[str, list[Prop]]:
    found: dict[str, list[Prop]] = {}
    for path in sorted((_sdk_or_skip() / "models").glob("*.d.ts")):
        found.update(parse_interfaces(path.read_text(encoding="utf-8")))
    return found


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


@cache
def response_interfaces() -> dict[tuple[str, str], str]:
    """(METHOD, path template with `{}` for each parameter) -> the SDK's response interface."""
    sdk = _sdk_or_skip()
    found = {}
    for js in sorted((sdk / "api").glob("*-api.js")):
        source = js.read_text(encoding="utf-8")
        start = source.index("AxiosParamCreator = function")
        creator = source[start : source.index("\n};", start)]  # the request builders, one per method
        declared = js.with_name(js.name.replace(".js", ".d.ts")).read_text(encoding="utf-8")
        for op in re.finditer(r"\n        (\w+): \(.*?localVarPath = `([^`]+)`.*?method: '(\w+)'", creator, flags=re.DOTALL):
            name, path, method = op.groups()
            returns = re.search(rf"\b{name}\([^)]*\): AxiosPromise<(\w+)>", declared)
            assert returns, f"no response type for {name} in {js.name}"
            found[(method, _template(path))] = returns.group(1)
    return found


# --- checking a response --------------------------------------------------------------------------


_PRIMITIVES = {"string": (str,), "number": (int, float), "boolean": (bool,)}


def missing_fields(value, ts: TsType, where: str) -> list[str]:
    """Where `value` lacks a required field of `ts`, is null where `ts` is not nullable,
    or is not the primitive type (string, number, boolean) that `ts` declares."""
    if value is None:
        return [] if ts.nullable else [f"{where} is null"]
    if ts.kind == "leaf" and ts.name in _PRIMITIVES:
        wrong = not isinstance(value, _PRIMITIVES[ts.name]) or (ts.name == "number" and isinstance(value, bool))
        return [f"{where} is {value!r}, not a {ts.name}"] if wrong else []
    if ts.kind in ("array", "map") and not isinstance(value, list if ts.kind == "array" else dict):
        return [f"{where} is not an {'array' if ts.kind == 'array' else 'object'}"]
    if ts.kind == "array" and isinstance(value, list):
        return [m for i, item in enumerate(value) for m in missing_fields(item, ts.item, f"{where}[{i}]")]
    if ts.kind == "map" and isinstance(value, dict):
        return [m for key, item in value.items() for m in missing_fields(item, ts.item, f"{where}.{key}")]
    if ts.kind == "ref" and ts.name in interfaces():
        if not isinstance(value, dict):
            return [f"{where} is not an object"]
        problems = []
        for prop in interfaces()[ts.name]:
            if prop.name not in value:
                if prop.required:
                    problems.append(f"{where}.{prop.name} ({ts.name}) is missing")
                continue
            problems.extend(missing_fields(value[prop.name], prop.type, f"{where}.{prop.name}"))
        return problems
    return []


# --- the served operations ------------------------------------------------------------------------


def _demo():
    text = resources.files("kalshi_local.demo").joinpath("catalog.yaml").read_text(encoding="utf-8")
    return loader.parse_text(text, "demo/catalog.yaml")


DEMO_CATALOG = _demo()
EVENT = next(e for e in DEMO_CATALOG.events if e.markets)
MILESTONE = DEMO_CATALOG.milestones[0]
LIVE = DEMO_CATALOG.live_data[0]
TARGET = DEMO_CATALOG.structured_targets[0]
_, PUBLIC_PEM = new_private_key()

# (METHOD, spec path template, concrete path, query, JSON body): one or more requests per served
# operation, with the options that nest more objects (markets in events, volumes in series).
REQUESTS = [
    ("GET", "/exchange/status", "/exchange/status", None, None),
    ("GET", "/exchange/schedule", "/exchange/schedule", None, None),
    ("GET", "/exchange/announcements", "/exchange/announcements", None, None),
    ("GET", "/exchange/user_data_timestamp", "/exchange/user_data_timestamp", None, None),
    ("GET", "/series/fee_changes", "/series/fee_changes", {"show_historical": "true"}, None),
    ("GET", "/series", "/series", None, None),
    ("GET", "/series", "/series", {"include_volume": "true", "include_product_metadata": "true"}, None),
    ("GET", "/series/{series_ticker}", f"/series/{EVENT.series_ticker}", {"include_volume": "true"}, None),
    ("GET", "/events", "/events", None, None),
    ("GET", "/events", "/events", {"with_nested_markets": "true", "with_milestones": "true"}, None),
    ("GET", "/events/{event_ticker}", f"/events/{EVENT.event_ticker}", None, None),
    ("GET", "/events/{event_ticker}", f"/events/{EVENT.event_ticker}", {"with_nested_markets": "true"}, None),
    ("GET", "/events/{event_ticker}/metadata", f"/events/{EVENT.event_ticker}/metadata", None, None),
    ("GET", "/events/multivariate", "/events/multivariate", None, None),
    ("GET", "/events/multivariate", "/events/multivariate", {"with_nested_markets": "true"}, None),
    ("GET", "/markets", "/markets", None, None),
    ("GET", "/markets/{ticker}", f"/markets/{EVENT.markets[0].ticker}", None, None),
    ("GET", "/milestones", "/milestones", {"limit": "100"}, None),
    ("GET", "/milestones/{milestone_id}", f"/milestones/{MILESTONE.id}", None, None),
    ("GET", "/structured_targets", "/structured_targets", None, None),
    ("GET", "/structured_targets/{structured_target_id}", f"/structured_targets/{TARGET.id}", None, None),
    ("GET", "/live_data/milestone/{milestone_id}", f"/live_data/milestone/{LIVE.milestone_id}", None, None),
    ("GET", "/live_data/{type}/milestone/{milestone_id}", f"/live_data/{LIVE.type}/milestone/{LIVE.milestone_id}", None, None),
    ("GET", "/live_data/batch", "/live_data/batch", {"milestone_ids": [d.milestone_id for d in DEMO_CATALOG.live_data[:5]]}, None),
    ("GET", "/live_data/milestone/{milestone_id}/game_stats", f"/live_data/milestone/{LIVE.milestone_id}/game_stats", None, None),
    ("GET", "/search/tags_by_categories", "/search/tags_by_categories", None, None),
    ("GET", "/search/filters_by_sport", "/search/filters_by_sport", None, None),
    ("GET", "/incentive_programs", "/incentive_programs", None, None),
    ("GET", "/account/limits", "/account/limits", None, None),
    ("GET", "/account/endpoint_costs", "/account/endpoint_costs", None, None),
    ("GET", "/api_keys", "/api_keys", None, None),
    ("POST", "/api_keys", "/api_keys", None, {"name": "ts-fields", "public_key": PUBLIC_PEM}),
    ("POST", "/api_keys/generate", "/api_keys/generate", None, {"name": "ts-fields-generated"}),
    ("GET", "/portfolio/balance", "/portfolio/balance", None, None),
    ("GET", "/portfolio/deposits", "/portfolio/deposits", None, None),
    ("GET", "/portfolio/withdrawals", "/portfolio/withdrawals", None, None),
    ("GET", "/portfolio/orders", "/portfolio/orders", None, None),
    ("GET", "/portfolio/orders/queue_positions", "/portfolio/orders/queue_positions", None, None),
    ("GET", "/portfolio/fills", "/portfolio/fills", None, None),
    ("GET", "/portfolio/positions", "/portfolio/positions", None, None),
    ("GET", "/portfolio/settlements", "/portfolio/settlements", None, None),
    ("GET", "/portfolio/summary/total_resting_order_value", "/portfolio/summary/total_resting_order_value", None, None),
    ("GET", "/markets/{ticker}/orderbook", f"/markets/{EVENT.markets[0].ticker}/orderbook", None, None),
    ("GET", "/markets/orderbooks", "/markets/orderbooks", {"tickers": EVENT.markets[0].ticker}, None),
    ("GET", "/markets/trades", "/markets/trades", None, None),
]
# Order operations run on orders the fixture places first: "{A}".."{H}" become their ids.
ORDER_TICKER = "KXTSFIELDS-1-A"  # made open for trading by the fixture
_V2, _V1 = "/portfolio/events/orders", "/portfolio/orders"
_BID = {"ticker": ORDER_TICKER, "side": "bid", "count": "2", "price": "0.02", "client_order_id": "ts-fields"}
_V1_BUY = {"ticker": ORDER_TICKER, "action": "buy", "side": "yes", "count": 2, "yes_price": 2}
PLACED = "ABCDEFGH"
REQUESTS += [
    ("POST", _V2, _V2, None, {**_BID, "client_order_id": ""}),
    ("GET", _V1 + "/{order_id}", _V1 + "/{A}", None, None),
    ("GET", _V1 + "/{order_id}/queue_position", _V1 + "/{A}/queue_position", None, None),
    ("POST", _V2 + "/{order_id}/amend", _V2 + "/{B}/amend", None, {**_BID, "count": "1", "client_order_id": None}),
    ("POST", _V2 + "/{order_id}/decrease", _V2 + "/{C}/decrease", None, {"reduce_by": "1"}),
    ("DELETE", _V2 + "/{order_id}", _V2 + "/{D}", None, None),
    ("POST", _V2 + "/batched", _V2 + "/batched", None, {"orders": [{**_BID, "client_order_id": ""}]}),
    ("DELETE", _V2 + "/batched", _V2 + "/batched", None, {"orders": [{"order_id": "{E}"}]}),
    ("POST", _V1, _V1, None, _V1_BUY),
    ("POST", _V1 + "/{order_id}/amend", _V1 + "/{F}/amend", None, {**_V1_BUY, "count": 1}),
    ("POST", _V1 + "/{order_id}/decrease", _V1 + "/{G}/decrease", None, {"reduce_by": 1}),
    ("DELETE", _V1 + "/{order_id}", _V1 + "/{H}", None, None),
    ("POST", _V1 + "/batched", _V1 + "/batched", None, {"orders": [_V1_BUY]}),
    ("DELETE", _V1 + "/batched", _V1 + "/batched", None, {"ids": ["{A}"]}),
]
# Subaccounts: the demo member opens number 1, moves a cent there and back, turns its netting off.
_SUBS = "/portfolio/subaccounts"
_MOVE = {"from_subaccount": 0, "to_subaccount": 1, "amount_cents": 1}
REQUESTS += [
    ("POST", _SUBS, _SUBS, None, {}),
    ("POST", _SUBS + "/transfer", _SUBS + "/transfer", None, {**_MOVE, "client_transfer_id": str(uuid.uuid4())}),
    ("POST", _SUBS + "/transfer", _SUBS + "/transfer", None,
     {"from_subaccount": 1, "to_subaccount": 0, "amount_cents": 1, "client_transfer_id": str(uuid.uuid4())}),
    ("PUT", _SUBS + "/netting", _SUBS + "/netting", None, {"subaccount_number": 1, "enabled": False}),
    ("GET", _SUBS + "/balances", _SUBS + "/balances", None, None),
    ("GET", _SUBS + "/netting", _SUBS + "/netting", None, None),
    ("GET", _SUBS + "/transfers", _SUBS + "/transfers", None, None),
]  # fmt: skip
# Candlesticks of the fixture's market, whose orders above gave it buckets (daily, 2023 to 2036).
_DAYS = {"start_ts": "1700000000", "end_ts": str(1_700_000_000 + 4_999 * 86_400), "period_interval": "1440"}
REQUESTS += [
    ("GET", "/series/{series_ticker}/markets/{ticker}/candlesticks",
     f"/series/KXTSFIELDS/markets/{ORDER_TICKER}/candlesticks", {**_DAYS, "include_latest_before_start": "true"}, None),
    ("GET", "/markets/candlesticks", "/markets/candlesticks", {**_DAYS, "market_tickers": ORDER_TICKER}, None),
    ("GET", "/series/{series_ticker}/events/{ticker}/candlesticks",
     "/series/KXTSFIELDS/events/KXTSFIELDS-1/candlesticks", _DAYS, None),
    ("GET", "/series/{series_ticker}/events/{ticker}/forecast_percentile_history",
     "/series/KXTSFIELDS/events/KXTSFIELDS-1/forecast_percentile_history", {**_DAYS, "percentiles": ["5000"]}, None),
]  # fmt: skip
# The historical tier: the fixture's market B settled in 2020, long before the cutoff.
SETTLED_TICKER = "KXTSFIELDS-1-B"
REQUESTS += [
    ("GET", "/historical/cutoff", "/historical/cutoff", None, None),
    ("GET", "/historical/markets", "/historical/markets", None, None),
    ("GET", "/historical/markets/{ticker}", f"/historical/markets/{SETTLED_TICKER}", None, None),
    ("GET", "/historical/markets/{ticker}/candlesticks",
     f"/historical/markets/{SETTLED_TICKER}/candlesticks", _DAYS, None),
    ("GET", "/historical/trades", "/historical/trades", None, None),
    ("GET", "/historical/fills", "/historical/fills", None, None),
    ("GET", "/historical/orders", "/historical/orders", None, None),
]  # fmt: skip
# Order groups and FCM views (issue 11): the fixture creates "{OG}" and makes the demo user the
# FCM member of sub-trader "{SUB}".
_OG = "/portfolio/order_groups"
REQUESTS += [
    ("POST", _OG + "/create", _OG + "/create", None, {"contracts_limit": 10}),
    ("GET", _OG, _OG, None, None),
    ("GET", _OG + "/{order_group_id}", _OG + "/{OG}", None, None),
    ("GET", "/fcm/orders", "/fcm/orders", {"subtrader_id": "{SUB}"}, None),
    ("GET", "/fcm/positions", "/fcm/positions", {"subtrader_id": "{SUB}"}, None),
]
# Combos: the demo's collection, one market of each of its events (created, then looked up).
COLLECTION = DEMO_CATALOG.multivariate_event_collections[0]
_PICKS = {
    "selected_markets": [
        {"event_ticker": e.ticker, "market_ticker": next(ev for ev in DEMO_CATALOG.events
                                                          if ev.event_ticker == e.ticker).markets[0].ticker,
         "side": "yes"}
        for e in COLLECTION.associated_events
    ]
}
_MVE = "/multivariate_event_collections"
REQUESTS += [
    ("GET", _MVE, _MVE, None, None),
    ("GET", _MVE + "/{collection_ticker}", f"{_MVE}/{COLLECTION.collection_ticker}", None, None),
    ("POST", _MVE + "/{collection_ticker}", f"{_MVE}/{COLLECTION.collection_ticker}", None,
     {**_PICKS, "with_market_payload": True}),
    ("PUT", _MVE + "/{collection_ticker}/lookup", f"{_MVE}/{COLLECTION.collection_ticker}/lookup", None, _PICKS),
    ("GET", _MVE + "/{collection_ticker}/lookup", f"{_MVE}/{COLLECTION.collection_ticker}/lookup",
     {"lookback_seconds": "60"}, None),
]  # fmt: skip
# RFQs: the fixture's user asks for one on its market; the lists then hold it.
REQUESTS += [
    ("GET", "/communications/id", "/communications/id", None, None),
    ("POST", "/communications/rfqs", "/communications/rfqs", None,
     {"market_ticker": ORDER_TICKER, "contracts_fp": "1.00", "rest_remainder": False}),
    ("GET", "/communications/rfqs", "/communications/rfqs", None, None),
    ("GET", "/communications/quotes", "/communications/quotes", None, None),
]  # fmt: skip
# Served operations whose bodies need a second party (a maker): tests/api/test_rfqs.py drives them
# through kalshi-typescript's CommunicationsApi and checks them against the spec.
WITH_TWO_PARTIES = {
    ("GET", "/communications/rfqs/{rfq_id}"),
    ("POST", "/communications/quotes"),
    ("GET", "/communications/quotes/{quote_id}"),
}
# Served operations whose response has no body to check.
# Operations whose answer kalshi-typescript declares void: it reads no field of it.
NO_BODY = {("DELETE", "/api_keys/{api_key}"), ("DELETE", "/portfolio/events/orders")} | {
    ("DELETE", "/communications/rfqs/{rfq_id}"),
    ("DELETE", "/communications/quotes/{quote_id}"),
    ("PUT", "/communications/quotes/{quote_id}/accept"),
    ("PUT", "/communications/quotes/{quote_id}/confirm"),
}
NO_BODY |= {("DELETE", _OG + "/{order_group_id}")}
NO_BODY |= {("PUT", f"{_OG}/{{order_group_id}}/{action}") for action in ("limit", "reset", "trigger")}
# Served operations that kalshi-typescript 3.30.0 has no method for.
NOT_IN_SDK = {
    ("GET", "/exchange/announcements"),
    # V1 order entry: 3.30.0 places orders through the V2 paths only.
    ("POST", "/portfolio/orders"),
    ("DELETE", "/portfolio/orders/{order_id}"),
    ("POST", "/portfolio/orders/{order_id}/amend"),
    ("POST", "/portfolio/orders/{order_id}/decrease"),
    ("POST", "/portfolio/orders/batched"),
    ("DELETE", "/portfolio/orders/batched"),
    # The deprecated combo lookups.
    ("GET", "/multivariate_event_collections/{collection_ticker}/lookup"),
    ("PUT", "/multivariate_event_collections/{collection_ticker}/lookup"),
}
CHECKED = [r for r in REQUESTS if (r[0], r[1]) not in NOT_IN_SDK]


def served_operations() -> set[tuple[str, str]]:
    spec_files = {"/openapi.yaml", "/asyncapi.yaml"}  # files, not operations of the SDK
    return {
        (method, route.path)
        for route in served_api.served_routes()
        if route.path not in spec_files
        for method in route.methods
        if method != "HEAD"
    }


def test_the_table_covers_every_served_operation():
    assert served_operations() == {(method, template) for method, template, *_ in REQUESTS} | NO_BODY | WITH_TWO_PARTIES


def test_every_served_operation_has_a_response_interface_in_the_sdk():
    sdk = response_interfaces()
    unknown = {op for op in served_operations() - NO_BODY - WITH_TWO_PARTIES if (op[0], _template(op[1])) not in sdk}
    assert unknown == NOT_IN_SDK


def test_the_parser_reads_required_optional_nullable_and_nested_fields():
    props = {p.name: p for p in parse_interfaces(
        "export interface A {\n    /** doc; with a semicolon */\n    'a': string;\n    'b'?: Array<B> | null;\n"
        "    'c': {\n        [key: string]: Array<string>;\n    };\n}\nexport interface B { 'x': number; }"
    )["A"]}
    assert props["a"] == Prop("a", True, TsType("leaf", "string"))
    assert props["b"] == Prop("b", False, TsType("array", item=TsType("ref", "B"), nullable=True))
    assert props["c"].type == TsType("map", item=TsType("array", item=TsType("leaf", "string")))


def test_the_check_finds_a_missing_field_at_depth():
    _sdk_or_skip()
    body = {"series": [{"ticker": "S"}]}
    problems = missing_fields(body, TsType("ref", "GetSeriesListResponse"), "$")
    assert "$.series[0].categories (Series) is missing" in problems


@pytest.fixture(scope="module")
def responses(demo_server) -> dict[int, dict]:
    _sdk_or_skip()
    admin = AdminClient(demo_server.url, ADMIN_TOKEN)
    try:
        # A withdrawal, so the withdrawals list has an item to check (funding already is a deposit).
        admin.request("POST", "/users/demo/withdrawals", {"amount": "1.00"})
        admin.request("PUT", "/series/KXTSFIELDS", {"title": "TS fields", "category": "Economics"})
        market = {"ticker": ORDER_TICKER, "open_time": "2020-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z",
                  "strike_type": "greater", "floor_strike": 3.5}
        settled = {"ticker": SETTLED_TICKER, "open_time": "2020-01-01T00:00:00Z", "close_time": "2020-05-01T00:00:00Z",
                   "status": "finalized", "result": "yes", "settlement_ts": "2020-06-01T00:00:00Z"}
        event = {"series_ticker": "KXTSFIELDS", "title": "TS", "markets": [market, settled]}
        admin.request("PUT", "/events/KXTSFIELDS-1", event)
        subtrader = admin.request("PUT", "/users/ts-fields-sub", {})["user"]["user_id"]
        admin.request("PUT", "/users/demo", {"fcm_subtraders": ["ts-fields-sub"]})
    finally:
        admin.close()
    with ApiClient(demo_server.api, DEMO) as client:  # validates every response against openapi.yaml
        placed = {
            name: client.request("POST", _V2, json={**_BID, "client_order_id": f"ts-{name}"}, expect=201)
            for name in PLACED
        }
        # An ask too, so the book is two-sided and the forecast has a price to read.
        ask = {**_BID, "side": "ask", "price": "0.90", "client_order_id": "ts-ask"}
        client.request("POST", _V2, json=ask, expect=201)
        ids = {f"{{{name}}}": response.json()["order_id"] for name, response in placed.items()}
        ids["{OG}"] = client.request("POST", _OG + "/create", json={"contracts_limit": 5}).json()["order_group_id"]
        ids["{SUB}"] = subtrader
        return {
            i: client.request(
                method, _with_ids(path, ids), params=_with_ids(params, ids), json=_with_ids(body, ids)
            ).json()
            for i, (method, _, path, params, body) in enumerate(CHECKED)
        }


def _with_ids(value, ids: dict[str, str]):
    """`value` with each "{A}" placeholder replaced by the id of the order placed for it."""
    if isinstance(value, str):
        for placeholder, order_id in ids.items():
            value = value.replace(placeholder, order_id)
        return value
    if isinstance(value, list):
        return [_with_ids(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _with_ids(item, ids) for key, item in value.items() if item is not None}
    return value


@pytest.mark.parametrize(
    "index", range(len(CHECKED)), ids=[f"{m} {p}{'?' + '&'.join(q) if q else ''}" for m, _, p, q, _ in CHECKED]
)
def test_every_required_sdk_field_is_sent(responses, index):
    method, template, _, _, _ = CHECKED[index]
    interface = response_interfaces()[(method, _template(template))]
    body = responses[index]
    assert "error" not in body, body
    assert missing_fields(body, TsType("ref", interface), "$") == []


# --- what the added fields mean -------------------------------------------------------------------


def _index(method: str, path: str) -> int:
    return next(i for i, r in enumerate(CHECKED) if (r[0], r[2]) == (method, path))


def test_balance_dollars_is_the_cents_balance_in_dollars(responses):
    body = responses[_index("GET", "/portfolio/balance")]
    assert body["balance_dollars"] == f"{body['balance'] // 100}.{body['balance'] % 100:02d}"


def test_a_series_lists_its_category_among_its_categories(responses):
    for series in responses[_index("GET", "/series")]["series"]:
        assert series["categories"] == ([series["category"]] if series["category"] else []), series


def test_an_event_carries_the_settlement_sources_of_its_metadata(responses):
    event = responses[_index("GET", f"/events/{EVENT.event_ticker}")]["event"]
    metadata = responses[_index("GET", f"/events/{EVENT.event_ticker}/metadata")]
    assert event["settlement_sources"] == metadata["settlement_sources"]


def test_account_limits_list_no_usage_grants(responses):
    assert responses[_index("GET", "/account/limits")]["grants"] == []


def test_the_candlestick_checks_see_candles(responses):
    # Otherwise the required fields of MarketCandlestick would not be checked at all.
    path = f"/series/KXTSFIELDS/markets/{ORDER_TICKER}/candlesticks"
    assert responses[_index("GET", path)]["candlesticks"]
    assert responses[_index("GET", "/markets/candlesticks")]["markets"][0]["candlesticks"]


def test_the_forecast_and_historical_checks_see_items(responses):
    path = "/series/KXTSFIELDS/events/KXTSFIELDS-1/forecast_percentile_history"
    assert responses[_index("GET", path)]["forecast_history"]
    assert SETTLED_TICKER in [m["ticker"] for m in responses[_index("GET", "/historical/markets")]["markets"]]
