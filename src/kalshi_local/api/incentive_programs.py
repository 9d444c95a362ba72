"""Handlers for the incentive_programs tag (to be filled)."""

routes: list = []
