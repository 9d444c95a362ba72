"""Connections whose API key was removed (DELETE /api_keys/{api_key}, an admin reset) lose their
private channels at once, not only at their next subscribe.

After such a commit (Services.keys_removed) the keys of the open connections are read again; each
connection whose key is gone, or now names another user, gets one error 9 (Authentication
required, no id) and an `unsubscribed` (no id) for each of its private subscriptions, and any later
private subscribe is refused with error 9. Its public subscriptions go on, as before the removal.
"""

from __future__ import annotations

import logging
from typing import Any

from ..store import accounts
from . import errors, render
from .connection import Connection, error_frame
from .fanout import Gateway
from .subscriptions import PRIVATE_CHANNELS

log = logging.getLogger("kalshi_local.ws")


class KeyWatch:
    def __init__(self, gateway: Gateway, services: Any) -> None:
        self.gateway = gateway
        self.services = services

    async def keys_removed(self) -> None:
        conns = [c for c in self.gateway.connections if not c.key_removed]
        if not conns:
            return
        owners = await self.services.run_read(self._owners, sorted({c.caller.key_id for c in conns}))
        for conn in conns:
            if owners.get(conn.caller.key_id) != conn.caller.user_seq:
                self.revoke(conn)

    def _owners(self, key_ids: list[str]) -> dict[str, int]:
        with self.services.reading() as conn:
            return accounts.key_users(conn, key_ids)

    def revoke(self, conn: Connection) -> None:
        conn.key_removed = True
        private = sorted((s for s in conn.subscriptions.values() if s.channel in PRIVATE_CHANNELS), key=lambda s: s.sid)
        if not private:
            return
        conn.push(error_frame(None, errors.AuthenticationRequired("the connection's API key was deleted")))
        for sub in private:
            self.gateway.drop(sub)
            conn.push(render.text({"sid": sub.sid, "seq": sub.next_seq(), "type": "unsubscribed"}))
        log.info("private subscriptions of %s ended: its API key was removed", conn.caller.key_id)
