"""The ``desk`` command (and ``python -m desk``).

The plain command, what a branch operator's SSH session runs (``desk``, with at most the global
options ``--db``, ``--config`` and ``--data-dir``), opens the counter desk straight away: the
command line (click and the definitions of every subcommand, 2 MiB and 50 ms) is loaded only
for anything else, by :func:`desk.cli.main`. Both read the same configuration the same way.
"""

from __future__ import annotations

import sys

#: The global options of the plain command and the load_config() arguments they set.
_GLOBAL_OPTIONS = {"--db": "db", "--config": "config_file", "--data-dir": "data_dir"}


def plain_options(argv: list[str]) -> dict[str, str] | None:
    """The global options of a plain ``desk`` (no subcommand, no help or version), or None
    when the arguments ask for more: then the command line reads them.

    Args:
        argv: The arguments after the program name.

    Returns:
        load_config() keyword arguments, e.g. ``{"db": "sqlite:////srv/desk.db"}``.
    """
    options: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        name, equals, value = arg.partition("=")
        key = _GLOBAL_OPTIONS.get(name)
        if key is None:
            return None
        if not equals:
            value = next(args, None)
            if value is None or value.startswith("-"):
                return None
        options[key] = value
    return options


def main() -> None:
    """Open the counter desk, or hand the arguments to the command line."""
    from desk.memory import one_malloc_arena

    one_malloc_arena()
    options = plain_options(sys.argv[1:])
    if options is None:
        from desk.cli import main as cli_main

        cli_main()
        return
    from desk.config import ConfigError, load_config

    try:
        config = load_config(**options)
    except ConfigError as exc:  # as the command line says it
        print(f"Galat: {exc}", file=sys.stderr)
        sys.exit(1)
    from desk.wiring import run_desk

    sys.exit(run_desk(config))


if __name__ == "__main__":
    main()
