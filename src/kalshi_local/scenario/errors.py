"""The error of a scenario that cannot be loaded."""

from __future__ import annotations


class ScenarioError(ValueError):
    """Names the file, the path of the bad field and the reason."""


class PlacingError(ScenarioError):
    """An order of the file could not be placed; the rest of the file was written."""
