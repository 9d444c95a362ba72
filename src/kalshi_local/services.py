"""What every request handler needs: the store, the clock and the settings.

Built once per process from Settings (and rebuilt by nothing: a reset
rewrites the store, and the handlers keep no other state).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from .config import Settings
from .exchange.clock import Clock, make_clock
from .models.json_cache import JsonCache
from .store import db


@dataclass
class Services:
    settings: Settings
    engine: Engine
    clock: Clock
    json_cache: JsonCache = field(default_factory=JsonCache)

    @classmethod
    def open(cls, settings: Settings) -> "Services":
        engine = db.open_engine(settings.database_url)
        db.create_schema(engine)
        return cls(settings=settings, engine=engine, clock=make_clock(settings.clock))

    def close(self) -> None:
        self.engine.dispose()
