"""Backing up and restoring the desk database.

SQLite is copied with the online backup API (``sqlite3.Connection.backup``) in one step: the
database runs in WAL mode, so the copy reads one consistent snapshot while desks keep writing
(copying in several steps would start over at every commit of another desk, and under steady
load never finish). PostgreSQL is dumped with ``pg_dump --format=custom`` and restored
with ``pg_restore --clean --if-exists --no-owner``. A restore overwrites the database: the desks
must be stopped first.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlparse, urlunparse


class BackupError(Exception):
    """A backup or restore could not be done (the message is for the user)."""


def is_sqlite(db_url: str) -> bool:
    """Return True when ``db_url`` names an SQLite database."""
    return urlparse(db_url).scheme.startswith("sqlite")


def default_backup_path(data_dir: Path, db_url: str, now: dt.datetime) -> Path:
    """Return the default backup file: ``cadangan/desk-YYYYMMDD-HHMMSS.db`` (``.dump`` for
    PostgreSQL) in the data folder.

    Args:
        data_dir: The desk's data folder.
        db_url: The database URL (its kind decides the suffix).
        now: The time stamped into the name.

    Returns:
        The path (its folder is not created here).
    """
    suffix = ".db" if is_sqlite(db_url) else ".dump"
    return Path(data_dir) / "cadangan" / f"desk-{now:%Y%m%d-%H%M%S}{suffix}"


def _sqlite_path(db_url: str) -> Path:
    from playhouse.db_url import parseresult_to_dict

    path = parseresult_to_dict(urlparse(db_url))["database"]
    if not path or path == ":memory:":
        raise BackupError("Basis data SQLite di memori tidak dapat dicadangkan.")
    return Path(path)


def _check_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise BackupError(f"Pemeriksaan keutuhan {path} gagal: {result}")


def _pg_parts(db_url: str) -> tuple[str, str | None, str | None]:
    """Split a PostgreSQL URL into a libpq connection URI (without the ``options`` parameter and
    the password), the schema its search_path names and the password (None when not given); the
    password goes to pg_dump through PGPASSWORD, not its command line (which others can read)."""
    parsed = urlparse(db_url)
    query = parse_qs(parsed.query)
    schema = None
    for option in query.pop("options", []):
        for word in option.split():
            if word.startswith("-csearch_path="):
                schema = word.split("=", 1)[1].split(",")[0].strip().strip('"') or None
    # keep only what libpq understands (peewee's own pool options are dropped)
    keep = {k: v for k, v in query.items() if k in {"sslmode", "connect_timeout", "application_name"}}
    netloc, password = parsed.netloc, None
    if parsed.password is not None:
        password = unquote(parsed.password)
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}@{host}"
    uri = urlunparse(("postgresql", netloc, parsed.path, "", urlencode(keep, doseq=True), ""))
    return uri, schema, password


def _run(tool: str, args: list[str], password: str | None) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"Program {tool} tidak ditemukan. Pasang klien PostgreSQL (paket postgresql-client).")
    env = dict(os.environ, PGPASSWORD=password) if password is not None else None
    proc = subprocess.run([exe, *args], check=False, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise BackupError(f"{tool} gagal: {proc.stderr.strip()[-1000:]}")


def backup(db_url: str, target_path: Path) -> Path:
    """Back up the database while desks keep working.

    Args:
        db_url: The database URL (SQLite or PostgreSQL).
        target_path: The backup file to write (its folder is created; an existing file is
            replaced).

    Returns:
        The path of the written backup.

    Raises:
        BackupError: The database cannot be read, or pg_dump is missing or fails.
    """
    target = Path(target_path)
    # a backup holds every applicant's name and NIK: only the account running desk reads it
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if is_sqlite(db_url):
        source_path = _sqlite_path(db_url)
        if not source_path.exists():
            raise BackupError(f"Berkas basis data {source_path} tidak ada.")
        partial = target.with_name(target.name + ".sebagian")
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        source = sqlite3.connect(source_path, timeout=30)
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)  # one snapshot; WAL writers are not blocked
        finally:
            dest.close()
            source.close()
        _check_sqlite(partial)
        partial.replace(target)
        return target
    uri, schema, password = _pg_parts(db_url)
    target.unlink(missing_ok=True)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # pg_dump keeps the mode
    args = ["--format=custom", f"--file={target}", f"--dbname={uri}"]
    if schema:
        args.append(f"--schema={schema}")
    _run("pg_dump", args, password)
    return target


def restore(db_url: str, source_path: Path) -> None:
    """Restore a backup over the database (the desks must be stopped).

    Args:
        db_url: The database URL to restore into.
        source_path: A backup written by :func:`backup` for the same kind of database.

    Raises:
        BackupError: The backup is missing or damaged, or pg_restore is missing or fails.
    """
    source = Path(source_path)
    if not source.is_file():
        raise BackupError(f"Berkas cadangan {source} tidak ada.")
    if is_sqlite(db_url):
        _check_sqlite_backup(source)
        target_path = _sqlite_path(db_url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source)
        dest = sqlite3.connect(target_path, timeout=30)
        try:
            src.backup(dest)
        finally:
            src.close()
            dest.close()
        _check_sqlite(target_path)
        return
    uri, _schema, password = _pg_parts(db_url)
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={uri}",
                        str(source)], password)


def _check_sqlite_backup(path: Path) -> None:
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} bukan cadangan SQLite.")
    _check_sqlite(path)
