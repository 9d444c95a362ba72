"""Errors of the engine itself (not of the venue's rules): the write path is down."""

from __future__ import annotations

from ..errors import ApiError


class WriteFailed(ApiError):
    """The batch holding the command could not be made durable: nothing of it was
    applied, and the command may be sent again."""

    status = 503
    code = "service_unavailable"


class EngineClosed(ApiError):
    """The engine was closed (the server is shutting down)."""

    status = 503
    code = "service_unavailable"


class EngineFault(ApiError):
    """The venue failed on a command for a reason that is not a trading rule (a bug):
    the command was not applied and the venue is rebuilt from the store."""

    status = 500
    code = "internal_server_error"
