"""Our own control plane under /admin/v1 (not part of Kalshi's API)."""
