"""Handlers for the search tag (to be filled)."""

routes: list = []
