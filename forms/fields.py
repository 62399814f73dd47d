"""Typed readers for the catalog's TOML tables that collect errors instead of stopping.

Each problem becomes one line ``file: field: what is wrong`` (Indonesian, for the office
administrator); :mod:`forms.loader` reads the sections of a service file with these.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from forms.catalog import TIME_UNITS, Duration

#: An id of an item, condition, criterion or decision.
ID_RE = re.compile(r"^[A-Za-z0-9_\-]+$")

_TYPE_NAMES = {
    str: "teks",
    int: "bilangan bulat",
    float: "angka",
    bool: "true/false",
    list: "daftar",
    dict: "tabel",
}


def _type_name(value: Any) -> str:
    """Return the Indonesian name of a TOML value's type."""
    if isinstance(value, bool):
        return "true/false"
    for typ, name in _TYPE_NAMES.items():
        if isinstance(value, typ):
            return name
    return type(value).__name__


class FieldReader:
    """Reads the typed values of one catalog file's tables and collects every problem.

    Args:
        fname: The file name errors start with.
        top_keys: The file's top-level keys: one of them found inside a table was written
            after that table's header (a classic TOML slip), which the message says.
    """

    def __init__(self, fname: str, top_keys: Sequence[str] = ()):
        self.fname = fname
        self.top_keys = tuple(top_keys)
        self.errors: list[str] = []

    def err(self, field: str, message: str) -> None:
        """Record one problem at ``field``."""
        self.errors.append(f"{self.fname}: {field}: {message}")

    # -- structure ---------------------------------------------------------------------------
    def keys(self, table: dict, where: str, allowed: Sequence[str], required: Sequence[str] = ()):
        """Report unknown and missing keys of ``table`` (at path ``where``)."""
        for key in table:
            if key not in allowed and where and "." not in where and "[" not in where \
                    and key in self.top_keys:
                self.err(join_path(where, key),
                         f"kunci '{key}' masuk ke tabel [{where}]: kunci tingkat atas harus "
                         f"ditulis sebelum baris [{where}]")
            elif key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                extra = f" (maksud Anda '{hint[0]}'?)" if hint else (
                    f" (kunci yang dikenal: {', '.join(allowed)})"
                )
                self.err(join_path(where, key), f"kunci '{key}' tidak dikenal{extra}")
        for key in required:
            if key not in table:
                self.err(join_path(where, key), "wajib diisi")

    # -- scalars -----------------------------------------------------------------------------
    def text(self, table: dict, key: str, where: str, *, required: bool = False) -> str:
        """Return a text value (trimmed); report a wrong type or an empty required value."""
        if key not in table:
            return ""
        value = table[key]
        path = join_path(where, key)
        if not isinstance(value, str):
            self.err(path, f"harus berupa teks, bukan {_type_name(value)}")
            return ""
        value = value.strip()
        if required and not value:
            self.err(path, "tidak boleh kosong")
        return value

    def integer(
        self, table: dict, key: str, where: str, *, minimum: int | None = None
    ) -> int | None:
        """Return an integer value or None; report a wrong type or a value below ``minimum``."""
        if key not in table:
            return None
        value = table[key]
        path = join_path(where, key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(path, f"harus berupa bilangan bulat, bukan {_type_name(value)}")
            return None
        if minimum is not None and value < minimum:
            self.err(path, f"tidak boleh kurang dari {minimum} (tertulis {value})")
            return None
        return value

    def number(self, table: dict, key: str, where: str) -> float | None:
        """Return a positive number or None; report a wrong type or a value <= 0."""
        if key not in table:
            return None
        value = table[key]
        path = join_path(where, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err(path, f"harus berupa angka, bukan {_type_name(value)}")
            return None
        if value <= 0:
            self.err(path, f"harus lebih dari 0 (tertulis {value})")
            return None
        return value

    def boolean(self, table: dict, key: str, where: str) -> bool:
        """Return a boolean value (default False); report a wrong type."""
        if key not in table:
            return False
        value = table[key]
        if not isinstance(value, bool):
            self.err(join_path(where, key), f"harus berupa true/false, bukan {_type_name(value)}")
            return False
        return value

    def text_list(self, table: dict, key: str, where: str) -> tuple[str, ...]:
        """Return a list of non-empty texts; a single text is accepted as a one-item list."""
        if key not in table:
            return ()
        value = table[key]
        path = join_path(where, key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.err(path, f"harus berupa daftar teks, bukan {_type_name(value)}")
            return ()
        out = []
        for i, item in enumerate(value, start=1):
            if not isinstance(item, str):
                self.err(f"{path}[{i}]", f"harus berupa teks, bukan {_type_name(item)}")
            elif not item.strip():
                self.err(f"{path}[{i}]", "tidak boleh kosong")
            else:
                out.append(item.strip())
        return tuple(out)

    def choice(
        self, table: dict, key: str, where: str, choices: Sequence[str], *, label: str,
        default: str = "", required: bool = False,
    ) -> str:
        """Return a text that must be one of ``choices``."""
        if key not in table:
            return default
        value = self.text(table, key, where, required=required)
        if value and value not in choices:
            self.err(
                join_path(where, key),
                f"{label} '{value}' tidak dikenal (pilih: {', '.join(choices)})",
            )
            return default
        return value

    def ident(self, table: dict, key: str, where: str) -> str:
        """Return a required identifier (letters, digits, ``_`` and ``-``)."""
        value = self.text(table, key, where, required=True)
        if value and not ID_RE.match(value):
            self.err(
                join_path(where, key),
                f"id '{value}' hanya boleh berisi huruf, angka, '_' dan '-' (tanpa spasi)",
            )
        return value

    def unique(self, seen: dict[str, str], value: str, path: str, what: str) -> None:
        """Report ``value`` when an earlier entry (recorded in ``seen``) already used it."""
        if not value:
            return
        if value in seen:
            self.err(path, f"{what} '{value}' sudah dipakai di {seen[value]}")
        else:
            seen[value] = path

    def table_list(self, data: dict, key: str) -> list[tuple[str, dict]]:
        """Return ``[(path, table), ...]`` for an array of tables such as ``[[langkah]]``."""
        if key not in data:
            return []
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.err(key, f"harus berupa daftar tabel ([[{key}]]), bukan {_type_name(value)}")
            return []
        return [(f"{key}[{i}]", table) for i, table in enumerate(value, start=1)]

    def sub_table(self, data: dict, key: str, where: str = "") -> dict | None:
        """Return the table at ``key`` or None; report a wrong type."""
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, dict):
            self.err(join_path(where, key), f"harus berupa tabel, bukan {_type_name(value)}")
            return None
        return value

    def duration(
        self, data: dict, key: str, where: str = "", *, extra_keys: Sequence[str] = ("teks",)
    ) -> tuple[Duration | None, dict]:
        """Read a ``{nilai, satuan, teks}`` table into a :class:`Duration`.

        Returns:
            The duration (None when absent or invalid) and the raw table (for extra keys).
        """
        table = self.sub_table(data, key, where)
        if table is None:
            return None, {}
        path = join_path(where, key)
        self.keys(table, path, ("nilai", "satuan", *extra_keys), ("nilai", "satuan"))
        value = self.number(table, "nilai", path)
        unit = self.choice(table, "satuan", path, TIME_UNITS, label="satuan")
        text = self.text(table, "teks", path) if "teks" in extra_keys else ""
        if value is None or not unit:
            return None, table
        if float(value).is_integer():
            value = int(value)
        elif unit in ("hari kerja", "bulan", "tahun"):
            self.err(join_path(path, "nilai"),
                     f"{value} {unit}: pecahan tidak dapat dihitung; tulis dalam satuan lebih kecil "
                     "(mis. jam atau hari)")
            return None, table
        return Duration(value=value, unit=unit, text=text), table


def join_path(where: str, key: str) -> str:
    """Join a field path and a key with a dot."""
    return f"{where}.{key}" if where else key


