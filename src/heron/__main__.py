"""``python -m heron`` runs the CLI."""

from heron.cli import main

main()
