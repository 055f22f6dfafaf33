"""``python -m papersite``."""

from papersite.cli import run

run()
