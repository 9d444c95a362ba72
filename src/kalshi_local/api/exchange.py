"""Handlers for the exchange tag (to be filled)."""

routes: list = []
