"""The write path: one sequencer per process applies trading commands to the venue
(exchange/venue.py), a writer makes each batch durable in one transaction, and only
then do results resolve and events reach subscribers (DESIGN.md, "The write path").

The interface gateways use (REST now, WebSocket and FIX later):

    engine = Engine.start(db_engine, clock)        # rebuilds the venue from the store
    outcome = await engine.submit(command)         # exchange/orders.py Command; raises TradingError
    outcomes = await engine.submit_many(commands)  # one durable batch; each an Outcome or a TradingError
    engine.subscribe(callback)                     # callback(list[Event]) after each durable batch, in seq order
    engine.catalog_changed(ticker | None)          # market rules must be read again
    engine.reload()                                # after a reset: rebuild from the store
    engine.close()
"""

from .errors import EngineClosed, EngineFault, WriteFailed
from .sequencer import Engine

__all__ = ["Engine", "EngineClosed", "EngineFault", "WriteFailed"]
