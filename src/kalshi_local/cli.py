"""The `kalshi-local` command."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import re
import signal
import socket
import sys
import time
from pathlib import Path
from typing import NoReturn

import typer

from .config import Settings
from .exchange.historical import MAX_WINDOW_S
from .store import db

HELP_WIDTH = 110  # columns of --help when stdout is not a terminal

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="A local exchange that speaks the Kalshi Trade API v2."
)

DbOption = typer.Option(
    None, "--db", help="SQLite file (default: $KALSHI_LOCAL_DB, else ~/.local/share/kalshi-local/kalshi-local.db)."
)
UrlOption = typer.Option(
    None,
    "--database-url",
    help="A database URL, e.g. postgresql://user:password@host/db (default: $KALSHI_LOCAL_DATABASE_URL).",
)


def _url(db_path: str | None, database_url: str | None) -> str:
    if db_path and database_url:
        raise typer.BadParameter("give --db or --database-url, not both")
    try:
        return db.database_url(db_path, database_url)
    except ValueError as exc:
        _fail(str(exc))
    except OSError as exc:  # the SQLite file's directory cannot be made
        _fail(f"cannot create the directory of {db_path or db.default_db_path()}: {exc.strerror or exc}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    db_path: str | None = DbOption,
    database_url: str | None = UrlOption,
    no_demo: bool = typer.Option(False, "--no-demo", help="Do not load the demo catalog into an empty store."),
    clock: str = typer.Option("real", help="real, or manual (time moves only through the admin API)."),
    admin_token: str | None = typer.Option(
        None, envvar="KALSHI_LOCAL_ADMIN_TOKEN", help="Bearer token for /admin/v1 (default: random, printed)."
    ),
    access_log: bool = typer.Option(False, help="Log every request."),
    rate_limits: str = typer.Option("on", help="on, or off to serve every signed request without token buckets."),
    signature_window: int = typer.Option(
        60, min=1, help="Seconds a signed request's timestamp may be away from the server's time, either way."
    ),
    historical_window: int | None = typer.Option(
        None,
        min=0,
        max=MAX_WINDOW_S,
        help="Seconds the historical cutoffs trail the exchange clock (kept in the store; default 7776000, 90 days).",
    ),
) -> None:
    """Start the REST API under /trade-api/v2 and the admin API under /admin/v1."""
    import uvicorn

    from . import ws
    from .app import build_app
    from .engine import gc_tuning
    from .services import Services

    if clock not in ("real", "manual"):
        raise typer.BadParameter("--clock must be real or manual")
    if rate_limits not in ("on", "off"):
        raise typer.BadParameter("--rate-limits must be on or off")
    settings = Settings(
        database_url=_url(db_path, database_url),
        clock=clock,
        load_demo=not no_demo,
        rate_limits=rate_limits == "on",
        signature_window_s=signature_window,
        historical_window_s=historical_window,
    )
    if admin_token:
        settings = dataclasses.replace(settings, admin_token=admin_token)
    # Bound before anything is printed: a taken port fails with one line, not after a banner.
    listener = _listen(host, port)
    with _store_errors(settings.database_url, listener.close):
        services = Services.open(settings)
        if settings.load_demo and db.is_empty(services.engine):
            _load_demo(services, listener)
    base = f"http://{_host_in_url(host)}:{listener.getsockname()[1]}"
    typer.echo(f"kalshi-local listening on {base}/trade-api/v2 (store: {shown_url(settings.database_url)})")
    typer.echo(f"Admin API: {base}/admin/v1 (token: {settings.admin_token})")
    typer.echo(f"Try: curl '{base}/trade-api/v2/markets?limit=2'")
    if settings.load_demo:
        from . import demo

        typer.echo(f"Demo user's API key: {demo.KEY_ID} (its private key: {_this_command()} demo-key --out demo.pem)")
    sys.stdout.flush()
    app = build_app(services)
    # What start-up built lives as long as the process; frozen, the garbage collector stops
    # walking it over and over (signed requests ran 15-20% faster, bench/auth_http.py).
    gc.freeze()
    gc_tuning.tune()  # resting orders are long-lived objects: collect the young generation less often
    # No X-Forwarded-For rewriting: nothing here reads the client address.
    config = uvicorn.Config(
        app, log_level="warning", access_log=access_log, proxy_headers=False, **ws.server_options(settings)
    )
    server = uvicorn.Server(config)
    # After its graceful shutdown uvicorn raises again the signal that stopped it: here that is a clean exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:
        pass
    if not server.started:
        _fail("the server did not start (see the log above)")


def _load_demo(services, listener: socket.socket) -> None:
    """The demo catalog and its market maker's orders, placed by an engine of this process
    before the server's own starts; exits 1 with one line if that cannot be done."""
    from .engine import placing
    from .scenario.errors import ScenarioError
    from .store.accounts import BalancesOwned

    try:
        placing.load_demo(services.engine, services.clock.now_us())
    except (ScenarioError, BalancesOwned) as exc:
        listener.close()
        services.close()
        _fail(f"the demo catalog could not be loaded: {getattr(exc, 'message', exc)}")
    typer.echo("Loaded the demo catalog.")


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port; exits 1 with one line when it cannot be had."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        listener = socket.socket(family, kind, proto)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {_lower(exc.strerror or str(exc))}")
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: restart at once
        listener.bind(address)
        listener.listen(2048)
    except OSError as exc:
        listener.close()
        _fail(f"cannot listen on {host}:{port}: {_lower(exc.strerror or str(exc))}")
    return listener


def _this_command() -> str:
    """How to run this command again from the current shell: plain `kalshi-local` only when it is on PATH."""
    import shutil

    me = Path(sys.argv[0]).resolve()
    on_path = shutil.which("kalshi-local")
    if on_path and Path(on_path).resolve() == me:
        return "kalshi-local"
    with contextlib.suppress(ValueError):
        return str(Path(sys.argv[0]).absolute().relative_to(Path.cwd()))
    return str(me)


def _host_in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _lower(reason: str) -> str:
    return reason[:1].lower() + reason[1:]


@app.command()
def load(
    files: list[Path] = typer.Argument(..., help="Scenario files (YAML, or JSON for big ones).", show_default=False),
    db_path: str | None = DbOption,
    database_url: str | None = UrlOption,
) -> None:
    """Load scenario files into the store, all in one transaction (the server may be running)."""
    from sqlalchemy.exc import SQLAlchemyError

    from .exchange.clock import RealClock
    from .scenario import loader
    from .scenario.errors import PlacingError

    started = time.perf_counter()
    url = _url(db_path, database_url)
    engine = _open_store(url)
    try:
        documents = [loader.open_file(path) for path in files]
        with_faults = next((d for d in documents if d.sections["websocket_faults"]), None)
        if with_faults is not None:
            _fail(
                f"{with_faults.source} has websocket_faults, which apply to a running server's connections:"
                " upload it with POST /admin/v1/scenario (nothing was loaded)"
            )
        with_orders = [d for d in documents if d.has_orders]
        if with_orders:
            _check_no_server(engine, with_orders[0].source)
        now = _store_now(engine, RealClock().now_us())
        with _progress(sum(d.count() for d in documents)) as advance:
            counts = loader.apply_all(engine, documents, now, advance)
        for document in with_orders:  # an engine of this process places them, as a server's would
            _place_orders(engine, document, now)
    except typer.Exit:  # a RuntimeError too: `_fail` above
        raise
    except PlacingError as exc:
        _fail(f"{exc} (the rest was loaded)")
    except loader.ScenarioError as exc:
        _fail(f"{exc} (nothing was loaded)")
    except (SQLAlchemyError, RuntimeError) as exc:
        # The driver's own message: SQLAlchemy's would repeat a statement of thousands of placeholders.
        _fail(f"database error: {_reason(exc, url)}")
    finally:
        engine.dispose()
    for document, count in zip(documents, counts, strict=True):
        shown = ", ".join(f"{n} {name}" for name, n in count.items() if n)
        typer.echo(f"{document.source}: loaded {sum(count.values())} items ({shown or 'empty'})")
    typer.echo(f"done in {time.perf_counter() - started:.1f} s (store: {shown_url(url)})")


def _check_no_server(engine, source: str) -> None:
    """Orders need the store's balances: refused (before anything is written) while a server owns them."""
    from .engine import placing
    from .store.accounts import BalancesOwned

    try:
        placing.check_free(engine)
    except BalancesOwned as exc:
        _fail(
            f"{source} has orders, and {exc.owner}: load it through that server's admin API"
            " (POST /admin/v1/scenario) or stop the server (nothing was loaded)"
        )


def _place_orders(engine, document, now: int) -> None:
    from .engine import placing
    from .scenario.errors import PlacingError
    from .store.accounts import BalancesOwned

    try:
        placing.place_here(engine, document.placements, document.source, now, document.moves)
    except BalancesOwned as exc:  # a server started between the check and now
        raise PlacingError(f"{document.source}: $.orders: not placed: {exc.message}") from None


@contextlib.contextmanager
def _progress(total: int):
    """A progress bar on a terminal for big loads; advance(n) moves it."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=total < 10_000 or not console.is_terminal) as progress:
        task = progress.add_task("loading", total=total)
        yield lambda n: progress.advance(task, n)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def shown_url(url: str) -> str:
    """The store as a user reads it: a SQLite file's path, or the URL without its driver and
    password (e.g. postgresql://kalshi@localhost/kalshi)."""
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return "(not a database URL)"
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    query = {key: value for key, value in parsed.query.items() if key != "password"}
    backend = parsed.get_backend_name()
    shown = URL.create(backend, parsed.username, None, parsed.host, parsed.port, parsed.database, query)
    return shown.render_as_string(hide_password=False)


def _reason(exc: BaseException, url: str) -> str:
    """The driver's reason on one line, never with the password in it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    # Only where a password stands (a URL's user:password@, a password=... setting): masking
    # every occurrence of a short password would garble the driver's words.
    reason = re.sub(r"(password=)\S+", r"\1***", reason)
    return reason.replace(f":{password}@", ":***@") if password else reason


@contextlib.contextmanager
def _store_errors(url: str, cleanup=lambda: None):
    """Any failure to reach or set up the store exits 1 with one line naming it (no traceback)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except (SQLAlchemyError, OSError, RuntimeError, ImportError, ValueError) as exc:
        cleanup()
        _fail(f"cannot open the store {shown_url(url)}: {_reason(exc, url)}")


def _open_store(url: str):
    """The store's engine, its schema created if needed; exits 1 with one line if it cannot be."""
    engine = None
    with _store_errors(url, lambda: engine and engine.dispose()):
        engine = db.open_engine(url)
        db.create_schema(engine)
    return engine


users_app = typer.Typer(no_args_is_help=True, help="Create users and move money in and out of their accounts.")
keys_app = typer.Typer(no_args_is_help=True, help="Register API keys that sign requests.")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")


@users_app.command("create")
def users_create(
    name: str = typer.Argument(..., help="A unique name, e.g. alice."),
    balance: str = typer.Option("0", help="Opening balance in dollars, e.g. 1000 or 250.50."),
    tier: str = typer.Option("basic", help="Rate-limit tier: basic, advanced, premier, paragon or prime."),
    db_path: str | None = DbOption,
    database_url: str | None = UrlOption,
) -> None:
    """Create a user; the last line printed is the user id."""
    from .store import accounts

    cents = _cents(balance, "--balance", allow_zero=True)
    url = _url(db_path, database_url)
    with _transaction(url) as conn:
        user = accounts.create_user(conn, name, now_us=_now_us(), tier=tier, balance_cents=cents)
        shown = _balance_of(conn, user.seq)
    typer.echo(f"Created user {user.name} (tier {user.tier}, balance {shown}) in {shown_url(url)}.")
    typer.echo(user.user_id)


@users_app.command("fund")
def users_fund(
    name: str = typer.Argument(..., help="The user's name."),
    dollars: str = typer.Argument(..., help="Amount to deposit, e.g. 100 or 12.34."),
    db_path: str | None = DbOption,
    database_url: str | None = UrlOption,
) -> None:
    """Record a deposit."""
    _move_cash(name, dollars, "deposit", db_path, database_url)


@users_app.command("withdraw")
def users_withdraw(
    name: str = typer.Argument(..., help="The user's name."),
    dollars: str = typer.Argument(..., help="Amount to withdraw, e.g. 100 or 12.34."),
    db_path: str | None = DbOption,
    database_url: str | None = UrlOption,
) -> None:
    """Record a withdrawal (refused if the balance is short)."""
    _move_cash(name, dollars, "withdrawal", db_path, database_url)


def _move_cash(name: str, dollars: str, kind: str, db_path: str | None, database_url: str | None) -> None:
    from .store import accounts

    cents = _cents(dollars, "DOLLARS")
    move = accounts.deposit if kind == "deposit" else accounts.withdraw
    url = _url(db_path, database_url)
    with _transaction(url) as conn:
        user = _user_named(conn, name)
        accounts.check_balances_free(conn)  # a running server's engine owns balances (docs/architecture.md)
        move(conn, user.seq, cents, now_us=_now_us())
        shown = _balance_of(conn, user.seq)
    verb = "Deposited" if kind == "deposit" else "Withdrew"
    typer.echo(f"{verb} ${_money(cents)} for {name}: balance {shown} (store: {shown_url(url)}).")


@keys_app.command("create")
def keys_create(
    user: str = typer.Option(..., "--user", help="The name of the user who owns the key."),
    public_key: Path | None = typer.Option(None, "--public-key", help="Register this PEM public key."),
    private_key_out: Path | None = typer.Option(
        None, "--private-key-out", help="Generate a key pair and write the private key here (mode 0600)."
    ),
    name: str = typer.Option("cli", "--name", help="A label for the key."),
    scopes: str | None = typer.Option(None, "--scopes", help="read, or read,write (the default)."),
    db_path: str | None = DbOption,
    database_url: str | None = UrlOption,
) -> None:
    """Register an API key; the last line printed is the key id."""
    from .auth.keys import generate_key_pair
    from .store import accounts

    private_pem: str | None = None
    if private_key_out is not None and public_key is None:
        if private_key_out.exists():
            _fail(f"{private_key_out} already exists (it is never overwritten)")
        private_pem, public_pem = generate_key_pair()
    elif public_key is not None and private_key_out is None:
        public_pem = _read_text(public_key)
    else:
        _fail("give exactly one of --public-key or --private-key-out")
    scope_list = [scope.strip() for scope in scopes.split(",")] if scopes is not None else None
    url = _url(db_path, database_url)
    with _transaction(url) as conn:
        owner = _user_named(conn, user)
        key = accounts.add_key(conn, owner.seq, name=name, public_key=public_pem, scopes=scope_list, now_us=_now_us())
        if private_key_out is not None and private_pem is not None:
            # Last step before the commit: if the file cannot be written the key is not registered.
            _write_private(private_key_out, private_pem)
    written = f"; private key written to {private_key_out} (mode 0600)" if private_key_out else ""
    typer.echo(f"Created API key {key.name!r} ({','.join(key.scopes)}) for {owner.name} in {shown_url(url)}{written}.")
    typer.echo(key.key_id)


@app.command("demo-key")
def demo_key(
    out: Path = typer.Option(..., "--out", help="Write the demo user's private key here (mode 0600)."),
) -> None:
    """Write the demo user's private key (it ships with the package); the last line printed is its key id."""
    from . import demo

    if out.exists():
        _fail(f"{out} already exists (it is never overwritten)")
    _write_private(out, demo.private_key_pem())
    typer.echo(f"Wrote the private key of the demo user {demo.USER_NAME!r} to {out}.")
    typer.echo(demo.KEY_ID)


@contextlib.contextmanager
def _transaction(url: str):
    """One transaction on the store, schema created if needed: an error exits 1 with nothing written."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from .store.accounts import AccountError

    engine = _open_store(url)
    try:
        with db.writing(engine) as conn:
            yield conn
    except typer.Exit:
        raise
    except AccountError as exc:
        _fail(str(exc))
    except DBAPIError as exc:
        conflict = db.write_conflict(exc)
        if conflict is None:
            _fail(f"database error: {_reason(exc, url)}")
        _fail(f"another write got in the way: {conflict}; nothing was written, try again")
    except (SQLAlchemyError, RuntimeError) as exc:
        _fail(f"database error: {_reason(exc, url)}")
    finally:
        engine.dispose()


def _user_named(conn, name: str):
    from .store import accounts

    user = accounts.user_by_name(conn, name)
    if user is None:
        _fail(f"no user named {name!r}")
    return user


def _cents(text: str, option: str, allow_zero: bool = False) -> int:
    """Dollars as whole cents, e.g. "250.50" -> 25050; exact, no floats."""
    from .exchange.money import Amount

    try:
        raw = Amount.from_dollars(text).raw
    except ValueError:
        raw = None
    cents_unit = Amount.from_cents(1).raw
    if raw is None or raw % cents_unit:
        _fail(f"{option} must be dollars in whole cents, e.g. 250.50, got {text!r}")
    if raw < 0 or (raw == 0 and not allow_zero):
        _fail(f"{option} must be {'at least 0' if allow_zero else 'more than 0'}, got {text!r}")
    return raw // cents_unit


def _money(cents: int) -> str:
    from .exchange.money import Amount

    return Amount.from_cents(cents).to_dollars(2)


def _balance_of(conn, user_seq: int) -> str:
    from .exchange.money import Amount
    from .store import accounts

    cash = accounts.balance(conn, user_seq)
    return f"${Amount(cash.balance if cash else 0).to_dollars_exact()}"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")


def _write_private(path: Path, pem: str) -> None:
    try:
        # O_EXCL: never replace a file; 0o600 from the start, so it is never readable by others.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror}")
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(pem)


def _store_now(engine, wall_us: int) -> int:
    """The store's manual clock time when it has one (a server on `--clock manual` left it), else `wall_us`."""
    from .store import clock as clock_store

    with engine.connect() as conn:
        found = clock_store.manual_time(conn)
    return wall_us if found is None else found


clock_app = typer.Typer(no_args_is_help=True, help="Show or move the store's manual exchange clock.")
app.add_typer(clock_app, name="clock")


@clock_app.command("show")
def clock_show(db_path: str | None = DbOption, database_url: str | None = UrlOption) -> None:
    """Print the store's clock: manual and its time, or real; the last line is the time (RFC 3339)."""
    from .exchange.clock import RealClock, to_rfc3339
    from .store import clock as clock_store

    url = _url(db_path, database_url)
    engine = _open_store(url)
    try:
        with engine.connect() as conn:
            found = clock_store.stored(conn)
    finally:
        engine.dispose()
    kind = found[0] if found is not None else "real"
    now = found[1] if found is not None and kind == "manual" else RealClock().now_us()
    typer.echo(f"{kind} clock (store: {shown_url(url)})")
    typer.echo(to_rfc3339(now))


@clock_app.command("set")
def clock_set(
    time_text: str = typer.Argument(..., metavar="TIME", help="RFC 3339 time to move to, e.g. 2030-01-04T12:00:00Z."),
    db_path: str | None = DbOption,
    database_url: str | None = UrlOption,
) -> None:
    """Move the manual clock forward to TIME, firing every timer due on the way."""
    from .exchange.clock import parse_datetime

    try:
        target = parse_datetime(time_text)
    except ValueError:
        raise typer.BadParameter(f"TIME must be an RFC 3339 date-time, got {time_text[:60]!r}") from None
    _move_clock(db_path, database_url, target_us=target)


@clock_app.command("advance")
def clock_advance(
    seconds: int = typer.Argument(..., min=0, help="Seconds to move forward."),
    db_path: str | None = DbOption,
    database_url: str | None = UrlOption,
) -> None:
    """Move the manual clock forward by SECONDS, firing every timer due on the way."""
    _move_clock(db_path, database_url, seconds=seconds)


def _move_clock(db_path: str | None, database_url: str | None, target_us: int | None = None, seconds: int = 0) -> None:
    """With an engine of this process, as `load` places orders; refused while a server owns the store."""
    from .engine import timers
    from .exchange.clock import OutOfRange, to_rfc3339
    from .store.accounts import BalancesOwned

    url = _url(db_path, database_url)
    engine = _open_store(url)
    try:
        reached = timers.advance_here(engine, target_us, seconds)
    except BalancesOwned as exc:
        _fail(f"{exc.owner} and owns its clock: move it through its admin API (POST /admin/v1/clock), or stop it")
    except OutOfRange as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(f"{exc}")
    finally:
        engine.dispose()
    typer.echo(f"manual clock moved (store: {shown_url(url)})")
    typer.echo(to_rfc3339(reached))


def _now_us() -> int:
    from .exchange.clock import RealClock

    return RealClock().now_us()


def main() -> None:
    # Off a terminal (a pipe, a CI log) rich would cut help at 80 columns; COLUMNS still wins.
    if not sys.stdout.isatty() and not os.environ.get("COLUMNS"):
        os.environ["COLUMNS"] = str(HELP_WIDTH)
    app()
