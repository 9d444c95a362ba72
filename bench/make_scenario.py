"""Write a large, deterministic JSON scenario for load and read benchmarks.

    python bench/make_scenario.py --milestones 1000000 --targets 1000000 --events 100000 --out /tmp/big.json
    kalshi-local load /tmp/big.json --db /tmp/big.db

Targets are teams of two leagues (with conference and division, so the
`competition` filter has work to do) and players. Events belong to a few
series and carry `--markets-per-event` markets with numeric strikes. Milestone
i is a game between two targets and names event i % events as primary and the
next event as related. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Iterable, Iterator

import msgspec

SERIES = [
    ("BENCHFB", "Sports", "Bench football"),
    ("BENCHBB", "Sports", "Bench basketball"),
    ("BENCHCPI", "Economics", "Bench inflation"),
    ("BENCHTEMP", "Climate and Weather", "Bench temperature"),
]
LEAGUES = [("NFL", "football"), ("NBA", "basketball")]
BASE_DAY = 1_798_761_600  # 2027-01-01T00:00:00Z, seconds


def iso(seconds: int) -> str:
    # Plain arithmetic keeps the generator quick for a million rows.
    days, rest = divmod(seconds, 86_400)
    year, month, day = _civil(days)
    return f"{year:04d}-{month:02d}-{day:02d}T{rest // 3600:02d}:{rest % 3600 // 60:02d}:00Z"


def _civil(days: int) -> tuple[int, int, int]:
    # Days since 1970-01-01 to (year, month, day): Howard Hinnant's algorithm.
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def target_id(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def milestone_id(i: int) -> str:
    return f"10000000-0000-4000-8000-{i:012d}"


def event_ticker(i: int) -> str:
    return f"{SERIES[i % len(SERIES)][0]}-E{i:07d}"


def series() -> Iterator[dict]:
    for ticker, category, title in SERIES:
        yield {"ticker": ticker, "title": title, "category": category, "frequency": "daily", "tags": ["Bench"]}


def events(count: int, markets_per_event: int) -> Iterator[dict]:
    for i in range(count):
        ticker = event_ticker(i)
        open_s = BASE_DAY + (i % 365) * 86_400
        close = iso(open_s + 30 * 86_400)
        yield {
            "event_ticker": ticker,
            "series_ticker": SERIES[i % len(SERIES)][0],
            "title": f"Bench event {i}",
            "sub_title": f"Event {i}",
            "markets": [
                {
                    "ticker": f"{ticker}-T{k}",
                    "title": f"Above {50 + k * 5}?",
                    "yes_sub_title": f"Above {50 + k * 5}",
                    "no_sub_title": f"{50 + k * 5} or below",
                    "open_time": iso(open_s),
                    "close_time": close,
                    "strike_type": "greater",
                    "floor_strike": 50 + k * 5,
                    "yes_bid_dollars": f"0.{(i + k) % 90 + 5:02d}00",
                    "yes_ask_dollars": f"0.{(i + k) % 90 + 7:02d}00",
                }
                for k in range(markets_per_event)
            ],
        }


def targets(count: int) -> Iterator[dict]:
    for i in range(count):
        league, sport = LEAGUES[i % 2]
        kind = "team" if i % 10 < 4 else "player"
        details = {"league": league, "conference": f"{league} C{i % 4}", "division": f"{league} D{i % 8}"}
        if kind == "player":
            details = {"league": league, "team_id": target_id(i - i % 10), "position": "G" if i % 3 else "F"}
        yield {
            "id": target_id(i),
            "name": f"{sport.title()} {kind} {i}",
            "type": f"{sport}_{kind}",
            "details": details,
            "source_id": f"src-{i}",
        }


def milestones(count: int, target_count: int, event_count: int) -> Iterator[dict]:
    for i in range(count):
        _league, sport = LEAGUES[i % 2]
        item = {
            "id": milestone_id(i),
            "category": "Sports",
            "type": f"{sport}_game",
            "title": f"Bench game {i}",
            "start_date": iso(BASE_DAY + (i % 100_000) * 600),
            "source_id": f"game-{i}",
            "details": {"competition": "Pro Football" if sport == "football" else "Pro Basketball"},
        }
        if target_count >= 2:
            home, away = (2 * i) % target_count, (2 * i + 1) % target_count
            item["details"].update(home_team_id=target_id(home), away_team_id=target_id(away))
        if event_count:
            item["primary_event_tickers"] = [event_ticker(i % event_count)]
            item["related_event_tickers"] = [event_ticker(i % event_count), event_ticker((i + 1) % event_count)]
        yield item


def write_section(out, name: str, items: Iterable[dict], first: bool) -> None:
    encode = msgspec.json.encode
    out.write(("" if first else ",\n") + f'"{name}":[\n')
    for n, item in enumerate(items):
        if n:
            out.write(",\n")
        out.write(encode(item).decode())
    out.write("\n]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--milestones", type=int, default=1000)
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--markets-per-event", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        out.write("{")
        write_section(out, "series", series(), first=True)
        write_section(out, "events", events(args.events, args.markets_per_event), first=False)
        write_section(out, "structured_targets", targets(args.targets), first=False)
        write_section(out, "milestones", milestones(args.milestones, args.targets, args.events), first=False)
        out.write("}\n")
    print(f"wrote {args.out}: {args.milestones} milestones, {args.targets} targets, {args.events} events")


if __name__ == "__main__":
    main()
