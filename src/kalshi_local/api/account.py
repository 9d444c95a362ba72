"""GET /account/limits and GET /account/endpoint_costs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from ..auth import ratelimit
from ..authenticator import Caller
from ..models.accounts import AccountLimits, BucketLimit, EndpointCosts, EndpointTokenCost
from .authenticated import signed_route
from .responses import json_response


async def get_account_api_limits(_request: Request, caller: Caller):
    read, write = ratelimit.limits_of(caller.tier)
    limits = AccountLimits(
        usage_tier=caller.tier,
        read=BucketLimit(read.refill_rate, read.bucket_capacity),
        write=BucketLimit(write.refill_rate, write.bucket_capacity),
        grants=[],
    )
    return json_response(limits)


async def get_account_endpoint_costs(_request: Request):
    # The spec declares no security here: the costs are the same for everyone.
    costs = [
        EndpointTokenCost(c.method, c.path, c.cost)
        for c in ratelimit.non_default_costs()
        if c.cost != ratelimit.DEFAULT_COST
    ]
    return json_response(EndpointCosts(ratelimit.DEFAULT_COST, costs))


routes = [
    signed_route("/account/limits", get_account_api_limits, "GET"),
    Route("/account/endpoint_costs", get_account_endpoint_costs, methods=["GET"]),
]
