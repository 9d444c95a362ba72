"""Reading scenario files (YAML or JSON) and writing them to the store.

A scenario is written in one transaction: a bad file changes nothing. Every
error names the file, the path of the bad field and the reason, as in
`demo.yaml: $.events[3].markets[0].close_time: must be an RFC 3339 date-time`.

Large files: a `.json` file is split into raw items first and each chunk of
items is decoded straight into the shapes just before it is written (YAML
parsing is the slow part of a million-row file, and a million decoded
milestones held at once cost gigabytes). Series, events, milestones and
structured targets go to the store in bulk, many rows per statement; the other
sections item by item, in smaller chunks.
"""

from __future__ import annotations

import contextlib
import gc
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import yaml
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, DBAPIError

from ..errors import ApiError
from ..models.inputs import ExchangeIn, Scenario, describe, find_nul
from ..store import (
    db,
    events,
    exchange,
    incentive_programs,
    live_data,
    milestones,
    multivariate,
    series,
    structured_targets,
)
from ..store.bulk import RowError
from . import lifecycle, orders, users
from .errors import ScenarioError

__all__ = ["Document", "ScenarioConflict", "ScenarioError", "apply", "apply_all", "write", "write_between"]

Progress = Callable[[int], None]

CHUNK = 5_000  # items per bulk write; progress moves once per chunk
# Writers of one item at a time build SQLAlchemy statements that hold reference
# cycles (tens of KB per item); with the collector off during a load, those are
# only freed by the collection after each chunk, so their chunks are smaller.
ONE_BY_ONE_CHUNK = 500
# A YAML document is refused beyond these before it is built: the C composer
# recurses per level (a deep document crashes the process), and aliases can
# stand for exponentially many nodes ("billion laughs").
MAX_YAML_DEPTH = 100
MAX_ALIAS_NODES = 100_000  # nodes that aliases may add, over the whole document
_SQLITE_LOAD_CACHE_KIB = 1_048_576  # a big load keeps its indexes in memory (SQLite default: 2 MiB)
_SQLITE_DEFAULT_CACHE_KIB = 2_000


class ScenarioConflict(ScenarioError):
    """Another writer got in the way (a duplicate key, a lock, a deadlock); loading again may succeed."""


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's loader when the wheel has it: many times faster
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YamlLoader(_SafeLoader):
    """Safe YAML, except that unquoted dates stay strings: the shapes check them."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _one_by_one(write: Callable) -> Callable:
    """A bulk writer from a writer of one item, reporting the failing item's index."""

    def write_all(conn: Connection, items: list, now_us: int) -> None:
        for index, item in enumerate(items):
            try:
                write(conn, item, now_us)
            except RowError as exc:  # it names the part of the item at fault
                raise RowError(index, exc.message, exc.path, exc.conflict) from None
            except (ValueError, ApiError) as exc:
                raise RowError(index, getattr(exc, "message", None) or str(exc)) from None

    return write_all


# Section -> (bulk writer, items per call). Order matters: events need their
# series, live data its milestone, incentive programs their market.
_WRITERS: dict[str, tuple[Callable, int]] = {
    "series": (series.upsert_many, CHUNK),
    "events": (events.upsert_many, CHUNK // 5),
    "structured_targets": (structured_targets.upsert_many, CHUNK),
    "milestones": (milestones.upsert_many, CHUNK),
    "live_data": (_one_by_one(live_data.upsert), ONE_BY_ONE_CHUNK),
    "announcements": (
        _one_by_one(lambda conn, spec, _now: exchange.add_announcement(conn, spec)),
        ONE_BY_ONE_CHUNK,
    ),
    "fee_changes": (_one_by_one(exchange.upsert_fee_change), ONE_BY_ONE_CHUNK),  # applied at once when due
    "incentive_programs": (
        _one_by_one(lambda conn, spec, _now: incentive_programs.upsert(conn, spec)),
        ONE_BY_ONE_CHUNK,
    ),
    "users": (_one_by_one(users.write), ONE_BY_ONE_CHUNK),
    "multivariate_event_collections": (_one_by_one(multivariate.upsert_collection), ONE_BY_ONE_CHUNK),
}

# Resting orders, then lifecycle moves, go through the engine after the write (scenario/orders.py,
# scenario/lifecycle.py): the last sections.
# WebSocket faults are not stored: a server's admin upload hands them to its gateway.
_SECTIONS = [*_WRITERS, "orders", "lifecycle", "websocket_faults"]

# Sections as reported after a load: markets come inside events.
_COUNTED = ["series", "events", "markets", *_SECTIONS[2:]]

# The item shape of every list section, read off the Scenario Struct.
_SHAPES = {
    field.name: typing.get_args(field.type)[0] for field in msgspec.structs.fields(Scenario) if field.name in _SECTIONS
}
_DECODERS = {name: msgspec.json.Decoder(shape) for name, shape in _SHAPES.items()}


class _UserFlags(msgspec.Struct):
    """What Document.clears_accounts and cleared_users read of a raw user item."""

    name: str = ""
    reset: bool = False
    remove_subaccounts: bool = False


_USER_FLAGS = msgspec.json.Decoder(_UserFlags)

# A scenario whose items are left as raw JSON.
_RawScenario = msgspec.defstruct(
    "_RawScenario",
    [("exchange", msgspec.Raw, msgspec.Raw(b"null"))] + [(name, list[msgspec.Raw], []) for name in _SHAPES],
    forbid_unknown_fields=True,
    kw_only=True,
)


class Document:
    """A scenario ready to write. Items of a JSON file stay raw until `chunks` decodes them.
    After `write`, `placements` holds its orders, for the engine (scenario/orders.py)."""

    def __init__(self, source: str, exchange: ExchangeIn | None, sections: dict[str, list], raw: bool) -> None:
        self.source = source
        self.exchange = exchange
        self.sections = sections
        self._raw = raw
        self.placements: list[orders.Placement] = []
        self.moves: list[lifecycle.Move] = []
        self.faults: list = []  # WsFaultIn, for the server's WebSocket gateway

    @classmethod
    def of(cls, scenario: Scenario, source: str) -> Document:
        return cls(source, scenario.exchange, {name: getattr(scenario, name) for name in _SECTIONS}, raw=False)

    @property
    def has_orders(self) -> bool:
        """Orders or lifecycle moves: what only an engine applies."""
        return bool(self.sections["orders"] or self.sections["lifecycle"])

    @property
    def writes_rows(self) -> bool:
        """Whether writing it changes stored rows (catalog, users, exchange settings), beyond
        the orders and lifecycle moves the engine applies afterwards."""
        return self.exchange is not None or any(self.sections[name] for name in _WRITERS)

    @property
    def clears_accounts(self) -> bool:
        """Whether a user item asks for `reset` or `remove_subaccounts`: a server writes such a
        document between two engine batches (write_between), lest a batch bring removed rows back."""
        for item in self.sections["users"]:
            if self._raw:
                try:
                    item = _USER_FLAGS.decode(item)
                except _JSON_ERRORS:
                    continue  # refused when the section is decoded
            if item.reset or item.remove_subaccounts:
                return True
        return False

    def cleared_users(self) -> list[tuple[str, bool]]:
        """(name, whether the primary's records stay) of each user item that asks for `reset` or
        `remove_subaccounts`."""
        found: list[tuple[str, bool]] = []
        for item in self.sections["users"]:
            if self._raw:
                try:
                    item = _USER_FLAGS.decode(item)
                except _JSON_ERRORS:
                    continue
            if item.reset or item.remove_subaccounts:
                found.append((item.name, not item.reset))
        return found

    def count(self) -> int:
        return sum(len(items) for items in self.sections.values()) + (self.exchange is not None)

    def chunks(self, name: str, size: int) -> Iterator[tuple[int, list]]:
        items = self.sections[name]
        for start in range(0, len(items), size):
            batch = items[start : start + size]
            yield start, (self._decode(name, start, batch) if self._raw else batch)

    def _decode(self, name: str, start: int, batch: list[msgspec.Raw]) -> list:
        decode, items = _DECODERS[name].decode, []
        for offset, raw in enumerate(batch):
            try:
                items.append(decode(raw))
            except msgspec.ValidationError as exc:
                raise _invalid(self.source, exc, f"$.{name}[{start + offset}]") from None
            except _JSON_ERRORS as exc:
                raise _json_error(f"{self.source}: $.{name}[{start + offset}]", exc) from None
        return items


def parse_text(text: str, source: str) -> Scenario:
    """A YAML (or JSON, which YAML reads too) scenario document. Raises ScenarioError,
    also for nesting deeper than MAX_YAML_DEPTH or aliases expanding past MAX_ALIAS_NODES."""
    with _no_gc():
        try:
            _check_yaml_shape(text, source)
            data = yaml.load(text, Loader=_YamlLoader)
        except yaml.YAMLError as exc:
            raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ScenarioError(f"{source}: $: a scenario must be a mapping, got {type(data).__name__}")
        return parse_data(data, source)


def _check_yaml_shape(text: str, source: str) -> None:
    """Walks the parser's events (iterative, unlike composing) to bound depth and alias expansion."""
    sizes: dict[str, int] = {}  # anchor -> nodes its value stands for
    open_nodes: list[list] = []  # [nodes so far, anchor] per open collection
    added = 0
    for event in yaml.parse(text, Loader=_YamlLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_nodes) >= MAX_YAML_DEPTH:
                raise ScenarioError(f"{source}: the document is nested too deeply (more than {MAX_YAML_DEPTH} levels)")
            open_nodes.append([1, event.anchor])
            continue
        if isinstance(event, yaml.ScalarEvent):
            size, anchor = 1, event.anchor
        elif isinstance(event, yaml.AliasEvent):
            size, anchor = sizes.get(event.anchor or "", 1), None
            added += size
            if added > MAX_ALIAS_NODES:
                raise ScenarioError(f"{source}: aliases expand to more than {MAX_ALIAS_NODES} nodes")
        elif isinstance(event, yaml.CollectionEndEvent):
            size, anchor = open_nodes.pop()
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if open_nodes:
            open_nodes[-1][0] += size


def _json_error(source: str, exc: Exception) -> ScenarioError:
    if isinstance(exc, msgspec.ValidationError):
        return _invalid(source, exc)
    if isinstance(exc, UnicodeDecodeError):
        return ScenarioError(f"{source}: not UTF-8 text: {exc.reason} at byte {exc.start}")
    if isinstance(exc, RecursionError):
        return ScenarioError(f"{source}: the document is nested too deeply")
    return ScenarioError(f"{source}: not valid JSON: {exc}")


_JSON_ERRORS = (msgspec.DecodeError, UnicodeDecodeError, RecursionError)


def parse_json(data: bytes, source: str) -> Scenario:
    with _no_gc():
        try:
            _refuse_nul_json(data, source)
            return msgspec.json.decode(data, type=Scenario)
        except _JSON_ERRORS as exc:  # ValidationError is a DecodeError
            raise _json_error(source, exc) from None


def parse_data(data: dict, source: str) -> Scenario:
    _refuse_nul(data, source)
    try:
        return msgspec.convert(data, Scenario, strict=False)
    except msgspec.ValidationError as exc:
        raise _invalid(source, exc) from None
    except RecursionError:
        raise ScenarioError(f"{source}: the document is nested too deeply") from None


def parse_file(path: str | Path) -> Scenario:
    """A whole scenario file, decoded (for large JSON files `open_file` is faster)."""
    path = Path(path)
    raw = _read(path)
    if path.suffix.lower() == ".json":
        return parse_json(raw, str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    return parse_text(text, str(path))


def open_file(path: str | Path) -> Document:
    """A scenario file ready to write: a JSON file is only split into raw items here."""
    path = Path(path)
    if path.suffix.lower() != ".json":
        return Document.of(parse_file(path), str(path))
    return open_json(_read(path), str(path))


def open_json(data: bytes, source: str) -> Document:
    """A JSON scenario ready to write, split into raw items: each chunk is decoded
    (and checked) just before it is written. Raises ScenarioError."""
    with _no_gc():
        try:
            _refuse_nul_json(data, source)
            top: Any = msgspec.json.decode(data, type=_RawScenario)  # a Struct made at run time
        except _JSON_ERRORS as exc:
            raise _json_error(source, exc) from None
    document = Document(source, None, {name: getattr(top, name) for name in _SECTIONS}, raw=True)
    try:
        document.exchange = msgspec.json.decode(top.exchange, type=ExchangeIn | None)
    except msgspec.ValidationError as exc:
        raise _invalid(source, exc, "$.exchange") from None
    except _JSON_ERRORS as exc:
        raise _json_error(source, exc) from None
    return document


def _refuse_nul_json(data: bytes, source: str) -> None:
    if b"\\u0000" in data:  # JSON writes NUL only as this escape (raw control bytes are invalid)
        _refuse_nul(msgspec.json.decode(data), source)


def _refuse_nul(data: Any, source: str) -> None:
    found = find_nul(data)
    if found:
        raise ScenarioError(f"{source}: {found}")


def count_items(scenario: Scenario | Document) -> int:
    return _document(scenario, "").count()


def apply(
    engine: Engine, scenario: Scenario | Document, now_us: int, source: str, progress: Progress | None = None
) -> dict[str, int]:
    """Write a scenario in one transaction; on any failure nothing is written. Returns counts per section.
    Its orders are only checked: the caller places them (scenario/orders.py, `place` or `place_here`)."""
    return apply_all(engine, [_document(scenario, source)], now_us, progress)[0]


def apply_all(
    engine: Engine, documents: Sequence[Document], now_us: int, progress: Progress | None = None
) -> list[dict[str, int]]:
    """Several documents, in order, in one transaction (a later one may use an earlier one's series)."""
    large = sum(d.count() for d in documents) > CHUNK
    try:
        with _no_gc(), db.writing(engine) as conn, _big_cache(conn, large):
            return [write(conn, document, now_us, progress) for document in documents]
    except DBAPIError as exc:
        reason = db.write_conflict(exc)
        if reason is None:
            raise
        raise ScenarioConflict(f"another write got in the way: {reason}; try again") from None


def write_between(conn: Connection, document: Document, now_us: int) -> dict[str, int]:
    """`write` as `apply` does it, inside the caller's transaction: for Engine.reload, which
    rebuilds the venue before its next batch."""
    with _no_gc(), _big_cache(conn, document.count() > CHUNK):
        return write(conn, document, now_us)


def write(conn: Connection, document: Document, now_us: int, progress: Progress | None = None) -> dict[str, int]:
    """Write a document inside the caller's transaction. Returns how many items each
    section had (and how many markets the events held)."""
    if document.exchange is not None:
        exchange.set_state(conn, document.exchange)
    counts = {"exchange": int(document.exchange is not None), **dict.fromkeys(_COUNTED, 0)}
    for name, (writer, size) in _WRITERS.items():
        for start, batch in document.chunks(name, size):
            try:
                writer(conn, batch, now_us)
            except RowError as exc:
                where = f"$.{name}[{start + exc.index}]{exc.path}"
                raise ScenarioError(f"{document.source}: {where}: {exc.message}") from None
            except DataError as exc:  # a value the database refuses, e.g. a NUL character on PostgreSQL
                where = f"$.{name}[{start}:{start + len(batch)}]"
                raise ScenarioError(f"{document.source}: {where}: a value cannot be stored: {exc.orig}") from None
            # The collector is off for the load: free what this chunk left in cycles. Only the
            # youngest generation, so each pass costs about the objects made since the last one.
            gc.collect(0)
            if progress:
                progress(len(batch))
            if name == "events":
                counts["markets"] += sum(len(event.markets) for event in batch)
        counts[name] = len(document.sections[name])
    items = [item for _, batch in document.chunks("orders", ONE_BY_ONE_CHUNK) for item in batch]
    document.placements = orders.resolve(conn, items, document.source, now_us)
    if progress and items:
        progress(len(items))
    counts["orders"] = len(document.placements)
    moves = [item for _, batch in document.chunks("lifecycle", ONE_BY_ONE_CHUNK) for item in batch]
    document.moves = lifecycle.resolve(conn, moves, document.source)
    counts["lifecycle"] = len(document.moves)
    document.faults = [item for _, batch in document.chunks("websocket_faults", ONE_BY_ONE_CHUNK) for item in batch]
    counts["websocket_faults"] = len(document.faults)
    return counts


def _invalid(source: str, exc: msgspec.ValidationError, prefix: str = "$") -> ScenarioError:
    path, reason = describe(exc, prefix)
    return ScenarioError(f"{source}: {path}: {reason}")


def _document(scenario: Scenario | Document, source: str) -> Document:
    return scenario if isinstance(scenario, Document) else Document.of(scenario, source)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    # Millions of new objects would set off full collections over and over. Parsing
    # makes no cycles; writing makes some, which `write` collects after each chunk.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _big_cache(conn: Connection, large: bool) -> Iterator[None]:
    if not large or conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_DEFAULT_CACHE_KIB}")
