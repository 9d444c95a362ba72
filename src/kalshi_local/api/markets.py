"""Handlers for the markets tag (to be filled)."""

routes: list = []
