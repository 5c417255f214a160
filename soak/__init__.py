"""Bounded soak test of the assistant; run with ``make soak`` or ``python -m soak --help``."""
