"""``python -m trajectory``: the command line."""

from trajectory.cli import main

main()
