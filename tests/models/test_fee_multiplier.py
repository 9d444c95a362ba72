"""Fee multipliers are exact decimals from the wire to the store and back."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalshi_local.api.bodies import convert
from kalshi_local.errors import InvalidParameter
from kalshi_local.models.inputs import EventIn, FeeChangeIn, SeriesIn, decimal_text

SERIES = {"ticker": "KX", "title": "t", "category": "c"}


def _series(value) -> SeriesIn:
    """As the admin API decodes a body: untyped JSON first, then the shape."""
    return convert(msgspec.json.decode(msgspec.json.encode({**SERIES, "fee_multiplier": value})), SeriesIn)


@pytest.mark.parametrize(
    "value,text",
    [(0.0175, "0.0175"), ("0.0175", "0.0175"), (1, "1"), ("1.50", "1.5"), (0, "0"), ("0.000", "0"), ("1e2", "100"),
     (0.1, "0.1"), ("999999.99999999", "999999.99999999"), (0.12345678, "0.12345678")],
)  # fmt: skip
def test_a_fee_multiplier_is_kept_as_its_exact_decimal_text(value, text):
    found = _series(value).fee_multiplier
    assert isinstance(found, Decimal) and decimal_text(found) == text


@pytest.mark.parametrize(
    "value", ["-0.1", -1, "NaN", "Infinity", "1e-9", 0.000000001, "1000000", 2**64, "0.123456789", "abc", True]
)
def test_a_fee_multiplier_out_of_range_or_too_precise_is_a_400_naming_the_field(value):
    with pytest.raises(InvalidParameter, match=r"\$\.fee_multiplier"):
        _series(value)


def test_the_default_is_one():
    assert decimal_text(convert(SERIES, SeriesIn).fee_multiplier) == "1"


def test_fee_changes_and_event_overrides_are_exact_too():
    change = {"id": "f", "series_ticker": "KX", "fee_type": "flat", "fee_multiplier": "0.25",
              "scheduled_time": "2030-01-01T00:00:00Z"}  # fmt: skip
    assert decimal_text(convert(change, FeeChangeIn).fee_multiplier) == "0.25"
    event = {"event_ticker": "E", "series_ticker": "KX", "title": "t", "fee_multiplier_override": 0.5}
    assert decimal_text(convert(event, EventIn).fee_multiplier_override) == "0.5"
    with pytest.raises(InvalidParameter, match="fee_multiplier_override"):
        convert({**event, "fee_multiplier_override": "-0.5"}, EventIn)


@given(st.decimals(min_value=0, max_value=Decimal("999999.99999999"), places=8, allow_nan=False))
def test_any_allowed_multiplier_survives_a_json_number_exactly(value):
    text = decimal_text(value)
    body = b'{"ticker": "KX", "title": "t", "category": "c", "fee_multiplier": ' + text.encode() + b"}"
    decoded = convert(msgspec.json.decode(body), SeriesIn)  # the float an untyped decoder makes is harmless
    assert decimal_text(decoded.fee_multiplier) == text
    assert Decimal(text) == value
