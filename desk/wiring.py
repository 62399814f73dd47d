"""Wiring: build the domain service from the configuration (used by the CLI and the tests)."""

from __future__ import annotations

from forms.loader import load_catalog
from models.desk import DeskService

from desk.config import Config


def make_service(config: Config, **kwargs) -> DeskService:
    """Build (without opening) the DeskService for ``config``.

    Args:
        config: The resolved configuration.
        **kwargs: Passed to DeskService (e.g. ``clock`` in tests).
    """
    catalog = load_catalog(config.katalog_dirs)
    return DeskService(config.db_url, catalog=catalog, settings=config.office,
                       output_dir=config.output_dir, **kwargs)
