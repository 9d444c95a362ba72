"""Handlers for the series tag (to be filled)."""

routes: list = []
