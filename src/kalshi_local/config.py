"""Settings for one server process, from flags or the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field


def _default_admin_token() -> str:
    return os.environ.get("KALSHI_LOCAL_ADMIN_TOKEN") or secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Settings:
    database_url: str
    clock: str = "real"  # or "manual"
    load_demo: bool = True
    admin_token: str = field(default_factory=_default_admin_token)
    rate_limits: bool = True
    signature_window_s: int = 60  # how far a request's timestamp may be from the server's time, either way
    request_read_timeout_s: float = 30.0  # from an HTTP request's first byte to its last (408 past it)
    ws_ping_interval_s: float = 10.0  # WebSocket heartbeat Ping every this often (connection-keep-alive.md)
    ws_ping_timeout_s: float = 20.0  # a connection whose Pong is this late is closed
    ws_queue_limit: int = 10_000  # messages waiting for one slow WebSocket reader before it is dropped
    ws_command_timeout_s: float = 10.0  # a command's store reads (error 18 past it)
    combo_creations_per_week: int = 5000  # new combo markets per user and 7 days (exchange/combos.py)
    historical_window_s: int | None = None  # how far the historical cutoffs trail the clock; None: as stored
