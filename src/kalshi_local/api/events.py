"""Handlers for the events tag (to be filled)."""

routes: list = []
