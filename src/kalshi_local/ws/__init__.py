"""The WebSocket gateway: `/trade-api/ws/v2` on the REST server's port (docs/websocket.md).

- endpoint.py: the signed handshake and a connection's command loop;
- protocol.py: the transport's heartbeat (Ping `heartbeat` every 10 s);
- commands.py, errors.py: commands in, the contract's error codes out;
- session.py: subscribe, unsubscribe, list_subscriptions, update_subscription;
- subscriptions.py: subscriptions and their index; books.py: streamed order books;
- fanout.py: the engine subscriber; render.py: the channel messages;
- lifecycle.py: market_lifecycle_v2, event_lifecycle and multivariate_market_lifecycle;
- order_groups.py: order_group_updates;
- multivariate.py: the `multivariate` channel's lookups;
- communications.py: the communications channel (RFQs and quotes);
- connection.py: bounded send queues;
- keys.py: connections whose API key was removed lose their private channels.
"""

from __future__ import annotations

import functools
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from ..errors import UpgradeRequired
from . import multivariate, order_groups
from .communications import Communications
from .endpoint import PATH, endpoint
from .fanout import Gateway
from .keys import KeyWatch
from .lifecycle import LifecycleWatcher
from .protocol import server_options


def start(services: Any) -> None:
    """Makes the server's gateway and subscribes it to the engine's events and catalog writes.
    Called by the app's lifespan after the engine started (engine/wiring.py)."""
    gateway = services.gateway = Gateway(services.clock.now_us)
    if services.trading is not None:
        services.trading.subscribe(gateway.publish)
    order_groups.attach(gateway)  # order_group_updates
    watcher = LifecycleWatcher(gateway, services)
    Communications(gateway)  # the communications channel: RFQs and quotes (ws/communications.py)
    services.catalog_listeners.append(watcher.catalog_changed)
    services.lookup_listeners.append(functools.partial(multivariate.publish_lookup, gateway))
    services.key_listeners.append(KeyWatch(gateway, services).keys_removed)


def routes() -> list[BaseRoute]:
    """The WebSocket endpoint, and a 426 for a plain GET there (a proxy that drops the Upgrade
    header would otherwise see a 404 for a path that exists)."""
    return [WebSocketRoute(PATH, endpoint), Route(PATH, _not_upgraded, methods=["GET"])]


async def _not_upgraded(request: Request) -> Response:
    raise UpgradeRequired(f"{PATH} takes WebSocket connections: a GET with Upgrade: websocket and the signed headers")


__all__ = ["PATH", "routes", "server_options", "start"]
