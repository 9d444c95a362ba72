"""kalshi-local: a local exchange that speaks the Kalshi Trade API v2."""

__version__ = "0.1.0"
