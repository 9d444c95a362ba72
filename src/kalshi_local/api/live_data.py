"""Handlers for the live_data tag (to be filled)."""

routes: list = []
