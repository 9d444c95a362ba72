"""Who is calling: API keys, request signatures and rate-limit token buckets."""
