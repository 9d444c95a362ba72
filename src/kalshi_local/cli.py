"""The `kalshi-local` command."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import NoReturn, Optional

import typer

from .config import Settings
from .store import db

app = typer.Typer(add_completion=False, no_args_is_help=True, help="A local exchange that speaks the Kalshi Trade API v2.")

DbOption = typer.Option(None, "--db", help="SQLite file (default: ~/.local/share/kalshi-local/kalshi-local.db).")
UrlOption = typer.Option(None, "--database-url", help="A database URL, e.g. postgresql://user@host/db.")


def _url(db_path: Optional[Path], database_url: Optional[str]) -> str:
    if db_path and database_url:
        raise typer.BadParameter("give --db or --database-url, not both")
    return db.database_url(db_path, database_url)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    db_path: Optional[Path] = DbOption,
    database_url: Optional[str] = UrlOption,
    no_demo: bool = typer.Option(False, "--no-demo", help="Do not load the demo catalog into an empty store."),
    clock: str = typer.Option("real", help="real, or manual (time moves only through the admin API)."),
    admin_token: Optional[str] = typer.Option(
        None, envvar="KALSHI_LOCAL_ADMIN_TOKEN", help="Bearer token for /admin/v1 (default: random, printed)."
    ),
    access_log: bool = typer.Option(False, help="Log every request."),
) -> None:
    """Start the REST API under /trade-api/v2 and the admin API under /admin/v1."""
    import uvicorn

    from .app import build_app
    from .services import Services

    if clock not in ("real", "manual"):
        raise typer.BadParameter("--clock must be real or manual")
    settings = Settings(database_url=_url(db_path, database_url), clock=clock, load_demo=not no_demo)
    if admin_token:
        settings = Settings(settings.database_url, settings.clock, settings.load_demo, admin_token)
    services = Services.open(settings)
    if settings.load_demo and db.is_empty(services.engine):
        from . import demo

        demo.load(services.engine, services.clock.now_us())
        typer.echo("Loaded the demo catalog.")
    base = f"http://{host}:{port}"
    typer.echo(f"kalshi-local listening on {base}/trade-api/v2 (store: {_shown(settings.database_url)})")
    typer.echo(f"Admin API: {base}/admin/v1 (token: {settings.admin_token})")
    typer.echo(f"Try: curl {base}/trade-api/v2/markets?limit=2")
    sys.stdout.flush()
    uvicorn.run(build_app(services), host=host, port=port, log_level="warning", access_log=access_log)


@app.command()
def load(
    files: list[Path] = typer.Argument(..., help="Scenario files (YAML, or JSON for big ones).", show_default=False),
    db_path: Optional[Path] = DbOption,
    database_url: Optional[str] = UrlOption,
) -> None:
    """Load scenario files into the store, all in one transaction (the server may be running)."""
    from sqlalchemy.exc import SQLAlchemyError

    from .exchange.clock import RealClock
    from .scenario import loader

    started = time.perf_counter()
    try:
        engine = db.open_engine(_url(db_path, database_url))
    except ValueError as exc:
        _fail(str(exc))
    try:
        db.create_schema(engine)
        documents = [loader.open_file(path) for path in files]
        with _progress(sum(d.count() for d in documents)) as advance:
            counts = loader.apply_all(engine, documents, RealClock().now_us(), advance)
    except loader.ScenarioError as exc:
        _fail(f"{exc} (nothing was loaded)")
    except (SQLAlchemyError, RuntimeError) as exc:
        # The driver's own message: SQLAlchemy's would repeat a statement of thousands of placeholders.
        _fail(f"database error: {getattr(exc, 'orig', None) or exc}")
    finally:
        engine.dispose()
    for document, count in zip(documents, counts):
        shown = ", ".join(f"{n} {name}" for name, n in count.items() if n)
        typer.echo(f"{document.source}: loaded {sum(count.values())} items ({shown or 'empty'})")
    typer.echo(f"done in {time.perf_counter() - started:.1f} s")


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


def _shown(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def main() -> None:
    app()
