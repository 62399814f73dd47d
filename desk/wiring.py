"""Wiring: build the domain service from the configuration (used by the CLI and the tests).

Nothing here imports the domain at module level: ``desk`` draws its login screen first and
builds the service (peewee, the models, the catalog) in the app's worker thread meanwhile,
through :class:`DeferredService`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from desk.config import Config

if TYPE_CHECKING:
    from models.desk import DeskService


def make_service(config: Config, **kwargs) -> DeskService:
    """Build (without opening) the DeskService for ``config``.

    Args:
        config: The resolved configuration.
        **kwargs: Passed to DeskService (e.g. ``clock`` in tests).
    """
    from forms.loader import load_catalog
    from models.desk import DeskService

    catalog = load_catalog(config.katalog_dirs)
    return DeskService(config.db_url, catalog=catalog, settings=config.office,
                       output_dir=config.output_dir, **kwargs)


class DeferredService:
    """The facade of a desk started from the command line, built when the app opens it.

    The app calls :meth:`open` in its worker thread once the login screen is drawn: the domain
    is imported, the catalog read and the database opened while the staff member types. Every
    other attribute is the built :class:`~models.desk.DeskService`'s (after :meth:`open`).

    Args:
        config: The resolved configuration.
    """

    def __init__(self, config: Config) -> None:
        self._config = config
        self._service: DeskService | None = None

    def open(self) -> list[str]:
        """Build the facade (a bad catalog or URL becomes an Indonesian DeskError the app shows
        before quitting) and open it.

        Returns:
            Names of the migrations applied now.
        """
        if self._service is None:
            from forms.loader import CatalogError
            from models.dto import DeskError

            try:
                self._service = make_service(self._config)
            except CatalogError as exc:
                raise DeskError("Katalog layanan tidak valid:\n" + "\n".join(exc.errors)) from None
            except ValueError as exc:
                raise DeskError(str(exc)) from None
        return self._service.open()

    def __getattr__(self, name: str) -> Any:
        service = self.__dict__.get("_service")
        if service is None:
            raise AttributeError(f"{name!r}: the desk is not open yet")
        return getattr(service, name)


def skip_postgres_driver(db_url: str) -> None:
    """Keep a process that only ever uses SQLite from loading the PostgreSQL driver.

    peewee imports psycopg2 at its own import when it is installed: libpq, OpenSSL and
    Kerberos, 4-5 MiB of memory and a fifth of peewee's import time, for nothing on SQLite.
    Called by the command line before the first import of peewee; without effect once peewee
    is imported (tests, a process that already used PostgreSQL) or for a PostgreSQL URL.

    Args:
        db_url: The one database URL this process uses.
    """
    if db_url.startswith("sqlite") and "peewee" not in sys.modules:
        sys.modules.setdefault("psycopg2", None)  # type: ignore[arg-type] - "import psycopg2" fails


def run_desk(config: Config) -> int:
    """Run the counter desk app for ``config`` (the plain ``desk`` command, desk/__main__.py):
    the login screen first, the domain built and opened by the app meanwhile.

    Returns:
        The app's exit code (1 when the desk could not be opened).
    """
    skip_postgres_driver(config.db_url)
    from desk.app import create_app

    app = create_app(DeferredService(config))
    app.run()
    return app.return_code or 0
