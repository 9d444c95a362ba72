"""Search filters derived from the catalog: tags by series category, filters by sport.

A sport is a tag of a series in the Sports category; its competitions and
scopes come from the `competition` and `competition_scope` of the events of
those series.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from .jsontext import loads
from .schema import events, series

SPORTS_CATEGORY = "Sports"


@dataclass(slots=True)
class Sport:
    name: str
    events: int = 0
    scopes: set[str] = field(default_factory=set)
    competitions: dict[str, set[str]] = field(default_factory=dict)


def tags_by_categories(conn: Connection) -> dict[str, list[str]]:
    """Every series category, with the sorted unique tags of its series."""
    found: dict[str, set[str]] = {}
    for category, tags in conn.execute(select(series.c.category, series.c.tags).distinct()):
        found.setdefault(category, set()).update(loads(tags) or ())
    return {category: sorted(found[category]) for category in sorted(found)}


def sports(conn: Connection) -> list[Sport]:
    """Sports by number of events (most first), then by name."""
    e = events.c
    query = (
        select(series.c.tags, e.competition, e.competition_scope, func.count(e.seq))
        .select_from(series.outerjoin(events, e.series_ticker == series.c.ticker))
        .where(series.c.category == SPORTS_CATEGORY)
        .group_by(series.c.tags, e.competition, e.competition_scope)
    )
    found: dict[str, Sport] = {}
    for tags, competition, scope, count in conn.execute(query):
        for name in dict.fromkeys(loads(tags) or ()):
            sport = found.setdefault(name, Sport(name))
            sport.events += count
            if scope is not None:
                sport.scopes.add(scope)
            if competition is not None:
                scopes = sport.competitions.setdefault(competition, set())
                if scope is not None:
                    scopes.add(scope)
    return sorted(found.values(), key=lambda s: (-s.events, s.name))
