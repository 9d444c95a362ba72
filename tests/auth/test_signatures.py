from __future__ import annotations

import base64
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from hypothesis import given, settings
from hypothesis import strategies as st

from kalshi_local.auth.keys import generate_key_pair, load_public_key
from kalshi_local.auth.signatures import SignatureError, SignedRequest, Verifier, read_signed_headers

NOW = 1_703_123_456_789
PATH = "/trade-api/v2/portfolio/balance"
KEY_ID = "a952bcbe-ec3b-4b5b-b8f9-11dae589608c"


class FakeClock:
    def __init__(self, now_ms: int = NOW) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


class Client:
    """Signs requests the way Kalshi's sample code does."""

    def __init__(self) -> None:
        private_pem, public_pem = generate_key_pair()
        self.private_key = serialization.load_pem_private_key(private_pem.encode(), password=None)
        self.public_key = load_public_key(public_pem)

    def headers(self, timestamp_ms: int, method: str = "GET", path: str = PATH, salt=padding.PSS.DIGEST_LENGTH):
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)
        signature = self.private_key.sign(f"{timestamp_ms}{method}{path}".encode(), pss, hashes.SHA256())
        return KEY_ID, str(timestamp_ms), base64.b64encode(signature).decode()

    def request(self, timestamp_ms: int = NOW, method: str = "GET", path: str = PATH, **kwargs) -> SignedRequest:
        return read_signed_headers(*self.headers(timestamp_ms, method, path, **kwargs))


@pytest.fixture(scope="module")
def client() -> Client:
    return Client()


@pytest.fixture(scope="module")
def other_client() -> Client:
    return Client()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def verifier(clock) -> Verifier:
    return Verifier(now_ms=clock)


def rejection(verifier: Verifier, request: SignedRequest, public_key, method: str = "GET", path: str = PATH) -> str:
    with pytest.raises(SignatureError) as caught:
        verifier.verify(request, method, path, public_key)
    return caught.value.message


def header_rejection(key, timestamp, signature) -> str:
    with pytest.raises(SignatureError) as caught:
        read_signed_headers(key, timestamp, signature)
    return caught.value.message


# read_signed_headers


def test_a_request_without_any_signature_header_is_unsigned():
    assert read_signed_headers(None, None, None) is None


def test_the_three_headers_are_parsed_into_a_signed_request():
    assert read_signed_headers(KEY_ID, "1703123456789", "AAEC") == SignedRequest(KEY_ID, 1703123456789, b"\x00\x01\x02")


@pytest.mark.parametrize(
    "headers, message",
    [
        ((None, "1", "AAEC"), "missing KALSHI-ACCESS-KEY header"),
        ((KEY_ID, None, "AAEC"), "missing KALSHI-ACCESS-TIMESTAMP header"),
        ((KEY_ID, "1", None), "missing KALSHI-ACCESS-SIGNATURE header"),
    ],
)
def test_a_missing_header_is_named(headers, message):
    assert header_rejection(*headers) == message


def test_when_several_headers_are_missing_the_first_in_key_timestamp_signature_order_is_named():
    assert header_rejection(None, None, "AAEC") == "missing KALSHI-ACCESS-KEY header"
    assert header_rejection(KEY_ID, None, None) == "missing KALSHI-ACCESS-TIMESTAMP header"


def test_a_missing_header_is_reported_before_a_malformed_one():
    assert header_rejection(KEY_ID, "abc", None) == "missing KALSHI-ACCESS-SIGNATURE header"


@pytest.mark.parametrize(
    "headers, message",
    [
        (("", "1", "AAEC"), "KALSHI-ACCESS-KEY header is empty"),
        ((KEY_ID, "", "AAEC"), "KALSHI-ACCESS-TIMESTAMP header is empty"),
        ((KEY_ID, "1", ""), "KALSHI-ACCESS-SIGNATURE header is empty"),
    ],
)
def test_an_empty_header_is_named(headers, message):
    assert header_rejection(*headers) == message


@pytest.mark.parametrize("timestamp", ["abc", "-1703123456789", "+1703123456789", "1703123456.789", " 17", "١٧٠٣"])
def test_a_timestamp_that_is_not_ascii_digits_is_rejected_with_its_value(timestamp):
    assert header_rejection(KEY_ID, timestamp, "AAEC") == (
        f"KALSHI-ACCESS-TIMESTAMP must be milliseconds since the epoch, got {timestamp!r}"
    )


def test_a_long_bad_timestamp_is_cut_short_in_the_message():
    assert header_rejection(KEY_ID, "x" * 1000, "AAEC") == (
        "KALSHI-ACCESS-TIMESTAMP must be milliseconds since the epoch, got 'xxxxxxxxxxxxxxxxxxxxxxxx...'"
    )


def test_a_timestamp_of_more_than_sixteen_digits_is_rejected():
    assert header_rejection(KEY_ID, "1" * 17, "AAEC") == "KALSHI-ACCESS-TIMESTAMP must be at most 16 digits, got 17"


def test_a_timestamp_of_sixteen_digits_is_read():
    assert read_signed_headers(KEY_ID, "9" * 16, "AAEC").timestamp_ms == 9_999_999_999_999_999


def test_a_timestamp_with_a_leading_zero_is_rejected_because_its_signed_text_would_differ():
    assert header_rejection(KEY_ID, "01703123456789", "AAEC") == (
        "KALSHI-ACCESS-TIMESTAMP must not have leading zeros, got '01703123456789'"
    )


def test_a_zero_timestamp_is_read():
    assert read_signed_headers(KEY_ID, "0", "AAEC").timestamp_ms == 0


@pytest.mark.parametrize("signature", ["not base64!", "AAE", "AA EC", "AAEC\n", "AA-_", "=AAEC", "AAE=C", "AAé="])
def test_a_signature_that_is_not_strict_base64_is_rejected(signature):
    assert header_rejection(KEY_ID, "1", signature) == "KALSHI-ACCESS-SIGNATURE is not valid base64"


# Verifier: accepted requests


@pytest.mark.parametrize("salt", [padding.PSS.DIGEST_LENGTH, padding.PSS.MAX_LENGTH], ids=["digest", "max"])
def test_a_request_signed_with_either_salt_length_is_accepted(client, verifier, salt):
    verifier.verify(client.request(salt=salt), "GET", PATH, client.public_key)
    assert verifier.remembered() == 1


def test_a_post_with_its_own_path_is_accepted(client, verifier):
    path = "/trade-api/v2/portfolio/orders"
    verifier.verify(client.request(method="POST", path=path), "POST", path, client.public_key)
    assert verifier.remembered() == 1


def test_two_distinct_signatures_of_the_same_text_are_both_accepted(client, verifier):
    first, second = client.request(), client.request()  # PSS salts are random
    assert first.signature != second.signature
    verifier.verify(first, "GET", PATH, client.public_key)
    verifier.verify(second, "GET", PATH, client.public_key)
    assert verifier.remembered() == 2


# Verifier: freshness, boundaries exact


def test_a_timestamp_exactly_at_the_window_in_the_past_is_accepted(client, verifier):
    verifier.verify(client.request(NOW - 60_000), "GET", PATH, client.public_key)
    assert verifier.remembered() == 1


def test_a_timestamp_one_ms_past_the_window_is_stale(client, verifier):
    assert rejection(verifier, client.request(NOW - 60_001), client.public_key) == (
        "request timestamp is 60.001 s older than the server time; the window is 60 s"
    )


def test_a_stale_timestamp_gives_its_age_in_seconds(client, verifier):
    assert rejection(verifier, client.request(NOW - 75_200), client.public_key) == (
        "request timestamp is 75.2 s older than the server time; the window is 60 s"
    )


def test_a_timestamp_exactly_at_the_window_in_the_future_is_accepted(client, verifier):
    verifier.verify(client.request(NOW + 60_000), "GET", PATH, client.public_key)
    assert verifier.remembered() == 1


def test_a_timestamp_one_ms_beyond_the_window_in_the_future_is_rejected(client, verifier):
    assert rejection(verifier, client.request(NOW + 60_001), client.public_key) == (
        "request timestamp is 60.001 s in the future of the server time; the window is 60 s"
    )


def test_a_timestamp_in_seconds_instead_of_milliseconds_is_stale(client, verifier):
    assert rejection(verifier, client.request(NOW // 1000), client.public_key).startswith(
        "request timestamp is 1701420333.333 s older than the server time"
    )


def test_freshness_is_checked_before_the_signature(client, verifier):
    stale = client.request(NOW - 60_001)
    assert "older than the server time" in rejection(verifier, stale, client.public_key, path="/elsewhere")


def test_a_five_second_window_is_honoured_at_both_edges(client, clock):
    verifier = Verifier(window_ms=5_000, now_ms=clock)
    verifier.verify(client.request(NOW - 5_000), "GET", PATH, client.public_key)
    verifier.verify(client.request(NOW + 5_000), "GET", PATH, client.public_key)
    assert rejection(verifier, client.request(NOW - 5_001), client.public_key) == (
        "request timestamp is 5.001 s older than the server time; the window is 5 s"
    )
    assert rejection(verifier, client.request(NOW + 5_001), client.public_key) == (
        "request timestamp is 5.001 s in the future of the server time; the window is 5 s"
    )


def test_a_window_of_less_than_one_ms_is_refused():
    with pytest.raises(ValueError, match="window_ms must be at least 1, got 0"):
        Verifier(window_ms=0)


def test_the_default_clock_is_the_wall_clock(client):
    verifier = Verifier()
    verifier.verify(client.request(time.time_ns() // 1_000_000), "GET", PATH, client.public_key)
    assert verifier.remembered() == 1


# Verifier: the signature must cover this key, method and path

MISMATCH = "signature does not match the request (key, method or path)"


def test_a_signature_from_another_key_is_rejected(client, other_client, verifier):
    assert rejection(verifier, other_client.request(), client.public_key) == MISMATCH


def test_a_signature_over_another_method_is_rejected(client, verifier):
    assert rejection(verifier, client.request(method="GET"), client.public_key, method="DELETE") == MISMATCH


def test_a_signature_over_another_path_is_rejected(client, verifier):
    request = client.request(path="/trade-api/v2/portfolio/positions")
    assert rejection(verifier, request, client.public_key) == MISMATCH


def test_a_signature_over_the_path_without_the_api_prefix_is_rejected(client, verifier):
    assert rejection(verifier, client.request(path="/portfolio/balance"), client.public_key) == MISMATCH


def test_a_signature_over_the_path_with_its_query_string_is_rejected(client, verifier):
    request = client.request(path=PATH + "?limit=5")
    assert rejection(verifier, request, client.public_key) == MISMATCH


def test_a_signature_over_another_timestamp_is_rejected(client, verifier):
    key, _, signature = client.headers(NOW)
    request = read_signed_headers(key, str(NOW + 1), signature)
    assert rejection(verifier, request, client.public_key) == MISMATCH


def test_a_signature_of_the_wrong_length_is_rejected(client, verifier):
    request = read_signed_headers(KEY_ID, str(NOW), "AAEC")
    assert rejection(verifier, request, client.public_key) == MISMATCH


# Verifier: replays and the bounded memory

REPLAY = "signature was already used (replay)"


def test_a_signature_used_twice_is_a_replay(client, verifier):
    request = client.request()
    verifier.verify(request, "GET", PATH, client.public_key)
    assert rejection(verifier, request, client.public_key) == REPLAY


def test_a_replay_with_the_base64_spelled_differently_is_still_a_replay(client, verifier):
    key, timestamp, signature = client.headers(NOW)
    verifier.verify(read_signed_headers(key, timestamp, signature), "GET", PATH, client.public_key)
    # Flipping unused trailing bits of the last base64 digit leaves the decoded bytes as they are.
    last = signature.rstrip("=")[-1]
    respelled_last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    index = respelled_last.index(last)
    respelled = signature.rstrip("=")[:-1] + respelled_last[index ^ 1] + signature[len(signature.rstrip("=")) :]
    assert respelled != signature
    assert rejection(verifier, read_signed_headers(key, timestamp, respelled), client.public_key) == REPLAY


def test_a_replay_with_the_leading_zero_byte_stripped_is_still_a_replay(client, verifier):
    # OpenSSL accepts a signature shorter than the modulus; about one in 200 starts with 0x00.
    request = next(r for r in (client.request() for _ in range(5_000)) if r.signature[0] == 0)
    stripped = SignedRequest(request.key_id, request.timestamp_ms, request.signature[1:])
    verifier.verify(request, "GET", PATH, client.public_key)
    assert rejection(verifier, stripped, client.public_key) == REPLAY


def test_a_replay_after_the_signature_is_forgotten_is_rejected_as_stale(client, verifier, clock):
    request = client.request()
    verifier.verify(request, "GET", PATH, client.public_key)
    clock.now_ms = NOW + 62_000
    verifier.verify(client.request(clock.now_ms), "GET", PATH, client.public_key)
    assert verifier.remembered() == 1
    assert rejection(verifier, request, client.public_key) == (
        "request timestamp is 62 s older than the server time; the window is 60 s"
    )


def test_of_threads_verifying_the_same_request_exactly_one_succeeds(client, verifier):
    request = client.request()

    def attempt(_) -> str:
        try:
            verifier.verify(request, "GET", PATH, client.public_key)
        except SignatureError as error:
            return error.message
        return "accepted"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = sorted(pool.map(attempt, range(32)))
    assert outcomes == ["accepted"] + [REPLAY] * 31


def test_an_invalid_request_does_not_poison_the_replay_memory(client, verifier):
    request = client.request()
    assert rejection(verifier, request, client.public_key, path="/trade-api/v2/other") == MISMATCH
    verifier.verify(request, "GET", PATH, client.public_key)
    assert verifier.remembered() == 1


def test_a_stale_request_does_not_poison_the_replay_memory(client, verifier, clock):
    request = client.request()
    clock.now_ms = NOW + 60_001
    rejection(verifier, request, client.public_key)
    clock.now_ms = NOW
    verifier.verify(request, "GET", PATH, client.public_key)
    assert verifier.remembered() == 1


def test_signatures_are_forgotten_once_their_timestamps_leave_the_window(client, verifier, clock):
    for offset in range(0, 10_000, 1_000):
        verifier.verify(client.request(NOW + offset), "GET", PATH, client.public_key)
    assert verifier.remembered() == 10
    clock.now_ms = NOW + 60_000 + 10_000
    verifier.verify(client.request(clock.now_ms), "GET", PATH, client.public_key)
    assert verifier.remembered() == 1


def test_a_signature_still_inside_the_window_is_remembered(client, verifier, clock):
    verifier.verify(client.request(NOW), "GET", PATH, client.public_key)
    clock.now_ms = NOW + 60_000
    verifier.verify(client.request(clock.now_ms), "GET", PATH, client.public_key)
    assert verifier.remembered() == 2


def test_a_wall_clock_stepping_back_cannot_revive_a_forgotten_signature(client, verifier, clock):
    request = client.request()
    verifier.verify(request, "GET", PATH, client.public_key)
    clock.now_ms = NOW + 61_000
    verifier.verify(client.request(clock.now_ms), "GET", PATH, client.public_key)
    clock.now_ms = NOW  # the first request looks fresh again, but it has been forgotten
    assert rejection(verifier, request, client.public_key) == (
        "request timestamp is 61 s older than the server time; the window is 60 s"
    )


# Invariant: with a clock that only moves forward, a request is accepted exactly when it is
# fresh and its signature was never accepted before, and memory holds only recent signatures.

WINDOW_MS = 5_000
POOL_OFFSETS_MS = range(0, 30_000, 700)


@pytest.fixture(scope="module")
def pool(client) -> list[SignedRequest]:
    return [client.request(NOW + offset) for offset in POOL_OFFSETS_MS]


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, 3_000), st.integers(0, len(POOL_OFFSETS_MS) - 1)), max_size=40))
def test_acceptance_matches_a_model_and_memory_stays_bounded(client, pool, steps):
    clock = FakeClock()
    verifier = Verifier(window_ms=WINDOW_MS, now_ms=clock)
    accepted: set[int] = set()
    for advance, index in steps:
        clock.now_ms += advance
        request = pool[index]
        expected = abs(clock.now_ms - request.timestamp_ms) <= WINDOW_MS and index not in accepted
        try:
            verifier.verify(request, "GET", PATH, client.public_key)
            outcome = True
        except SignatureError:
            outcome = False
        assert outcome == expected
        if outcome:
            accepted.add(index)
            # Forgetting works in whole seconds of timestamps, hence the 999 ms of slack.
            recent = {i for i in accepted if pool[i].timestamp_ms >= clock.now_ms - WINDOW_MS - 999}
            assert verifier.remembered() <= len(recent)


def test_a_timestamp_in_seconds_is_rejected_with_a_hint(client, verifier):
    message = rejection(verifier, client.request(timestamp_ms=NOW // 1000), client.public_key)
    assert message.endswith("; KALSHI-ACCESS-TIMESTAMP is in milliseconds, and this one looks like seconds")
    assert "looks like seconds" not in rejection(verifier, client.request(timestamp_ms=NOW - 3_600_000), client.public_key)
