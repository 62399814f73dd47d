"""Configuration: where the data lives, which database, which office.

Order of precedence: command-line options, environment variables (``DESK_DB``, ``DESK_CONFIG``,
``DESK_DATA_DIR``), the configuration file (``desk.toml`` in the user's config dir, or
``--config``), built-in defaults (the demo office). Nothing here runs at import.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from models.db import sqlite_url
from models.settings import OfficeSettings

APP_NAME = "desk"


class ConfigError(Exception):
    """The configuration file is unreadable or has wrong values (message in Indonesian)."""


@dataclass(frozen=True)
class Config:
    """Resolved configuration.

    Attributes:
        data_dir: Folder for the SQLite database and documents.
        db_url: Database URL.
        office: Office settings (kop, time zone, numbering).
        katalog_dirs: Extra folders with service files (*.toml).
        output_dir: Folder for PDFs.
        config_file: The file read, if any.
    """

    data_dir: Path
    db_url: str
    office: OfficeSettings
    output_dir: Path
    katalog_dirs: tuple[Path, ...] = ()
    config_file: Path | None = None
    extra: dict = field(default_factory=dict)


def default_data_dir() -> Path:
    """The platform's user data dir for desk (e.g. ~/.local/share/desk)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    """The platform's config file path (e.g. ~/.config/desk/desk.toml)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "desk.toml"


_OFFICE_FIELDS = {f.name: f for f in dataclasses.fields(OfficeSettings)}


def _office_from(table: dict, source: str) -> OfficeSettings:
    values = {}
    for key, value in table.items():
        if key not in _OFFICE_FIELDS:
            raise ConfigError(f"{source}: [kantor].{key}: kunci tidak dikenal")
        default = _OFFICE_FIELDS[key].default
        if isinstance(default, tuple):
            if not isinstance(value, list):
                raise ConfigError(f"{source}: [kantor].{key}: harus berupa daftar")
            value = tuple(str(v) for v in value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: [kantor].{key}: harus true atau false")
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{source}: [kantor].{key}: harus bilangan bulat")
        elif not isinstance(value, str):
            raise ConfigError(f"{source}: [kantor].{key}: harus teks")
        values[key] = value
    office = OfficeSettings(**values)
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(office.timezone)
    except Exception:
        raise ConfigError(f"{source}: [kantor].timezone: zona waktu '{office.timezone}' tidak dikenal "
                          "(contoh: Asia/Jakarta, Asia/Makassar, Asia/Jayapura)") from None
    return office


def load_config(*, db: str | None = None, config_file: str | Path | None = None,
                data_dir: str | Path | None = None) -> Config:
    """Resolve the configuration.

    Args:
        db: Database URL or SQLite file path from the command line (or DESK_DB).
        config_file: Configuration file (or DESK_CONFIG); a missing default file is fine.
        data_dir: Data folder (or DESK_DATA_DIR).

    Raises:
        ConfigError: for an unreadable or invalid configuration file.
    """
    explicit = config_file or os.environ.get("DESK_CONFIG")
    path = Path(explicit).expanduser() if explicit else default_config_file()
    raw: dict = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: tidak dapat dibaca: {exc}") from None
    elif explicit:
        raise ConfigError(f"Berkas konfigurasi {path} tidak ditemukan.")
    else:
        path = None

    unknown = set(raw) - {"kantor", "basis_data", "data_dir", "katalog_dirs", "dokumen_dir"}
    if unknown:
        raise ConfigError(f"{path}: kunci tidak dikenal: {', '.join(sorted(unknown))}")
    office = _office_from(raw.get("kantor", {}), str(path))
    ddir = Path(data_dir or os.environ.get("DESK_DATA_DIR") or raw.get("data_dir") or default_data_dir()).expanduser()
    url = db or os.environ.get("DESK_DB") or raw.get("basis_data") or ""
    if not url:
        url = sqlite_url(ddir / "desk.db")
    elif "://" not in url:
        url = sqlite_url(Path(url).expanduser())
    out = raw.get("dokumen_dir") or office.output_dir
    output_dir = Path(out).expanduser() if out else ddir / "dokumen"
    kdirs = tuple(Path(p).expanduser() for p in raw.get("katalog_dirs", []))
    return Config(data_dir=ddir, db_url=url, office=office, output_dir=output_dir, katalog_dirs=kdirs,
                  config_file=path)


EXAMPLE_CONFIG = '''# Konfigurasi desk (TOML). Semua kunci opsional.
# basis_data = "postgresql://desk@10.0.0.5:5432/desk"   # server pusat; kosong = SQLite lokal
# data_dir = "/srv/desk"                                # folder data (SQLite dan dokumen)
# dokumen_dir = "/srv/desk/dokumen"                     # folder PDF
# katalog_dirs = ["/etc/desk/katalog"]                  # jenis layanan tambahan milik kantor

[kantor]
code = "DINSOS-KKR"
name = "Dinas Sosial Kabupaten Kutai Kartanegara"
pemerintah = "PEMERINTAH KABUPATEN KUTAI KARTANEGARA"
dinas = "DINAS SOSIAL"
alamat = "Jalan Cut Nyak Dhien Nomor 01 Kelurahan Melayu, Tenggarong"
email = "dinsos@kukarkab.go.id"
website = "https://dinsos.kukarkab.go.id"
kode_pos = "75512"
kota = "Tenggarong"
kabupaten = "Kutai Kartanegara"
timezone = "Asia/Makassar"          # WIB: Asia/Jakarta, WITA: Asia/Makassar, WIT: Asia/Jayapura
counters = 3
kepala_nama = "NAMA KEPALA DINAS"
kepala_pangkat = "Pembina Utama Muda"
kepala_nip = "19700101 199003 1 001"
letter_number_pattern = "{klasifikasi}/{nomor:04d}/{unit}/{tahun}"
register_pattern = "{kode}/{tahun}/{nomor:05d}"
cuti_bersama_libur = true
# services = ["REK-LKS", "REK-PUB"]  # kosong = semua layanan di katalog
# print_command = "lp -d loket1"       # cetak otomatis; {file} = path PDF (kosong = hanya disimpan)
'''
