"""The `kalshi-local` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

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
    files: list[Path] = typer.Argument(..., help="Scenario files (YAML or JSON)."),
    db_path: Optional[Path] = DbOption,
    database_url: Optional[str] = UrlOption,
) -> None:
    """Load scenario files into the store (the server may be running)."""
    from rich.progress import Progress

    from .exchange.clock import RealClock
    from .scenario import loader
    from .store.db import create_schema, open_engine

    engine = open_engine(_url(db_path, database_url))
    create_schema(engine)
    try:
        for path in files:
            scenario = loader.parse_file(path)
            total = loader.count_items(scenario)
            with Progress(transient=True, disable=total < 1000) as progress:
                task = progress.add_task(f"loading {path.name}", total=total)
                loader.apply(engine, scenario, RealClock().now_us(), str(path), lambda n: progress.advance(task, n))
            typer.echo(f"{path}: loaded {total} items")
    except loader.ScenarioError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()


def _shown(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def main() -> None:
    app()
