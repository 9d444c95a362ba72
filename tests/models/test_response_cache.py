"""ResponseCache: bodies live as long as their marker."""

from __future__ import annotations

from kalshi_local.models.response_cache import ResponseCache


def test_a_body_is_served_again_under_the_same_marker():
    cache = ResponseCache()
    assert cache.get("m1", "key") is None
    cache.put("m1", "key", b"body")
    assert cache.get("m1", "key") == b"body"
    assert cache.get("m1", "other") is None


def test_a_new_marker_forgets_every_body():
    cache = ResponseCache()
    cache.get("m1", "key")
    cache.put("m1", "key", b"body")
    assert cache.get("m2", "key") is None
    assert cache.get("m1", "key") is None  # back to the old marker: still forgotten


def test_a_body_made_under_an_older_marker_is_not_kept():
    cache = ResponseCache()
    cache.get("m2", "key")
    cache.put("m1", "key", b"stale")
    assert cache.get("m2", "key") is None


def test_the_byte_budget_bounds_the_cache():
    cache = ResponseCache(max_bytes=10)
    cache.get("m", "a")
    cache.put("m", "a", b"123456")
    cache.put("m", "b", b"123456")
    assert cache.get("m", "a") is None
    assert cache.get("m", "b") == b"123456"
