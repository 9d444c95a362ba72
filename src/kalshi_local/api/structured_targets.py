"""Handlers for the structured_targets tag (to be filled)."""

routes: list = []
