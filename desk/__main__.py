"""Allow ``python -m desk``."""

from desk.cli import main

main()
