"""Beneficiary lists (daftar penerima) read from CSV or XLSX, and every row checked.

Services that start from data (santunan Kukar Idaman, permakanan, veteran, sembako) receive their
beneficiaries as a list from DTKS, a desa or a kecamatan. The list is read here and each row is
checked with the same rules as the counter's applicant form (:func:`forms.validators.validate_applicant`);
the domain (``models.imports``) adds what needs the database (a NIK with an open case) and imports
the rows only when none is bad.

Every value is read as TEXT. A NIK or NKK that a spreadsheet stored as a number (Excel keeps 15
significant digits, so the 16th is lost) is reported for its row and never converted. Row numbers
are the ones the spreadsheet shows (the header row is row 1 when it is the first row).

This module never imports textual, rich or peewee; openpyxl is imported when an XLSX is read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms.catalog import Service
from forms.validators import validate_applicant

#: Field -> (label in messages, header names it is recognised by, normalised: lower case, words only).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nik": ("NIK", ("nik", "no nik", "nomor nik", "nomor induk kependudukan", "nik ktp")),
    "nkk": ("NKK", ("nkk", "no kk", "nomor kk", "kk", "no kartu keluarga", "nomor kartu keluarga")),
    "name": ("Nama", ("nama", "nama lengkap", "nama penerima", "nama penerima manfaat")),
    "sex": ("Jenis kelamin", ("jenis kelamin", "jk", "jk l p", "l p", "jenis kelamin l p", "kelamin")),
    "birth_date": ("Tanggal lahir", ("tanggal lahir", "tgl lahir", "tgl lhr", "tanggal lhr")),
    "address": ("Alamat", ("alamat", "alamat lengkap")),
    "desa": ("Desa/Kelurahan", ("desa", "kelurahan", "desa kelurahan", "kelurahan desa", "kel desa",
                                "desa kel")),
    "kecamatan": ("Kecamatan", ("kecamatan", "kec")),
    "kabupaten": ("Kabupaten/Kota", ("kabupaten", "kabupaten kota", "kab kota", "kota", "kab")),
    "phone": ("No HP", ("no hp", "nomor hp", "hp", "no telp", "no telepon", "nomor telepon", "telepon",
                        "no hp wa", "no wa")),
}

#: Columns a list must have (the applicant form requires them).
REQUIRED = ("nik", "name", "address", "desa", "kecamatan")

#: Rows a list may have (a kabupaten's whole DTKS component fits many times over).
MAX_ROWS = 50_000

#: The header row is looked for in this many first rows (a title may stand above it).
HEADER_SEARCH = 10

_ALIASES = {alias: name for name, (_label, aliases) in FIELDS.items() for alias in aliases}
_NUMBER_STORED = ("{label} tersimpan sebagai angka di Excel; digit terakhir bisa hilang. "
                  "Format kolom sebagai Teks lalu ketik ulang.")
_SCIENTIFIC = re.compile(r"^\d([.,]\d+)?[eE]\+?\d+$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?\s*$")


class TableError(ValueError):
    """The file cannot be read as a list (format, encoding, header); ``str(exc)`` is Indonesian."""


@dataclass
class SourceRow:
    """One data row as read: text per field, and what was wrong already while reading."""

    number: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    #: Fields whose reading problem is reported already (not validated again).
    unreadable: set[str] = field(default_factory=set)


@dataclass
class Table:
    """A list as read from its file."""

    name: str
    #: Fields found in the header, in column order.
    fields: tuple[str, ...]
    #: Headers that name no known field (ignored).
    ignored: tuple[str, ...]
    rows: list[SourceRow]


@dataclass(frozen=True)
class Beneficiary:
    """A row that passed every check: the applicant fields as the counter's form cleans them."""

    number: int
    nik: str
    nkk: str
    #: name, sex, birth_date (date), address, desa, kecamatan, kabupaten, phone, org_name
    person: dict[str, Any]


def starts_from_data(svc: Service) -> bool:
    """Whether a service starts from a list of beneficiaries rather than from an application at
    the counter: its first SOP step is not at the loket, is not done by the applicant, and
    produces data ("Data calon penerima", "Data Veteran" ...). In the catalog these are Kukar
    Idaman (DTKS), Permakanan (usulan desa), Veteran (pendataan kecamatan) and Sembako (DTKS)."""
    if not svc.steps:
        return False
    first = svc.steps[0]
    if first.loket or any(p.strip().lower() == "pemohon" for p in first.pelaksana):
        return False
    return re.match(r"data\b", first.output.strip(), re.IGNORECASE) is not None


def header_key(text: str) -> str:
    """A header as matched: lower case, punctuation removed (``"No. KK"`` -> ``"no kk"``)."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).lower()).split())


# -- reading ---------------------------------------------------------------------------------------

def read_table(path: str | Path) -> Table:
    """Read a beneficiary list from a CSV (``,`` ``;`` or tab; UTF-8 with or without BOM, UTF-16,
    or Windows-1252) or an XLSX file (its first sheet).

    Raises:
        TableError: unreadable file, no header with a NIK column, a required column missing,
            or too many rows.
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except FileNotFoundError:
        raise TableError(f"Berkas {path} tidak ditemukan.") from None
    except OSError as exc:
        raise TableError(f"Berkas {path} tidak dapat dibuka: {exc.strerror or exc}.") from None
    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods"):
        raise TableError(f"Format {suffix} tidak didukung; simpan daftar sebagai .xlsx atau .csv.")
    if head.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
        records = _xlsx_records(path)
    else:
        records = _csv_records(path)
    return _table(path.name, records)


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise TableError("Berkas tidak dapat dibaca sebagai teks UTF-16.") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise TableError("Berkas tidak dapat dibaca sebagai teks (UTF-8 atau Windows-1252); "
                         "simpan sebagai CSV UTF-8 atau .xlsx.") from None


def _csv_records(path: Path) -> list[tuple[int, list[Any]]]:
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise TableError(f"Berkas {path} tidak dapat dibaca: {exc.strerror or exc}.") from None
    if "\x00" in text:
        raise TableError("Berkas ini bukan CSV atau XLSX yang dapat dibaca.")
    best: list[tuple[int, list[Any]]] | None = None
    best_width = -1
    for delimiter in (",", ";", "\t"):
        try:
            records = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text, newline=""),
                                                                  delimiter=delimiter), start=1)]
        except csv.Error as exc:
            raise TableError(f"Berkas CSV rusak: {exc}.") from None
        header = _find_header(records)
        if header is not None:
            width = sum(1 for cell in records[header][1] if header_key(cell) in _ALIASES)
            if width > best_width:
                best, best_width = records, width
    if best is None:  # no delimiter gives a NIK column: _table reports it
        best = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    return best


def _xlsx_records(path: Path) -> list[tuple[int, list[Any]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(f"Berkas {path.name} bukan XLSX yang dapat dibaca ({exc}).") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a wrong <dimension> in the file must not cut rows off
        records: list[tuple[int, list[Any]]] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + HEADER_SEARCH + 1 and any(v not in (None, "") for v in row):
                raise TableError(f"Berkas terlalu besar: paling banyak {MAX_ROWS} baris data sekali impor.")
            records.append((number, list(row)))
        return records
    finally:
        workbook.close()


def _find_header(records: list[tuple[int, list[Any]]]) -> int | None:
    """Index of the first row (among the first few) with a NIK column."""
    for index, (_number, row) in enumerate(records[:HEADER_SEARCH]):
        if any(isinstance(cell, str) and _ALIASES.get(header_key(cell)) == "nik" for cell in row):
            return index
    return None


def _table(name: str, records: list[tuple[int, list[Any]]]) -> Table:
    header_at = _find_header(records)
    if header_at is None:
        raise TableError("Baris judul kolom dengan kolom NIK tidak ditemukan (dicari di 10 baris pertama). "
                         "Judul kolom yang dikenal: NIK, NKK, Nama, Jenis Kelamin, Tanggal Lahir, Alamat, "
                         "Desa/Kelurahan, Kecamatan, Kabupaten, No HP.")
    header_number, header = records[header_at]
    columns: dict[int, str] = {}
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for index, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        name_ = _ALIASES.get(header_key(text))
        if name_ is None:
            ignored.append(text)
            continue
        if name_ in seen:
            raise TableError(f"Kolom {FIELDS[name_][0]} muncul dua kali pada baris judul "
                             f"('{seen[name_]}' dan '{text}'); sisakan satu.")
        seen[name_] = text
        columns[index] = name_
    missing = [FIELDS[f][0] for f in REQUIRED if f not in seen]
    if missing:
        raise TableError(f"Kolom wajib tidak ada pada baris judul (baris {header_number}): "
                         + ", ".join(missing) + ".")
    rows: list[SourceRow] = []
    for number, record in records[header_at + 1:]:
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in record):
            continue  # empty rows (often at the end of a sheet) are no data
        if len(rows) >= MAX_ROWS:
            raise TableError(f"Berkas terlalu besar: paling banyak {MAX_ROWS} baris data sekali impor.")
        row = SourceRow(number=number, values={})
        for index, name_ in columns.items():
            cell = record[index] if index < len(record) else None
            row.values[name_] = _text(row, name_, cell)
        rows.append(row)
    return Table(name=name, fields=tuple(columns.values()), ignored=tuple(ignored), rows=rows)


def _text(row: SourceRow, name: str, cell: Any) -> str:
    """A cell as text; numbers where text is needed are reported, never converted."""
    label = FIELDS[name][0]
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, (int, float)):
        if name in ("nik", "nkk"):
            row.problems.append(_NUMBER_STORED.format(label=label))
            row.unreadable.add(name)
            return ""
        if name == "phone":
            row.problems.append("No HP tersimpan sebagai angka di Excel; angka 0 di depan hilang. "
                                "Format kolom sebagai Teks lalu ketik ulang.")
            row.unreadable.add(name)
            return ""
        if name == "birth_date":
            row.problems.append("Tanggal lahir tersimpan sebagai angka, bukan tanggal; tulis hh-bb-tttt, "
                                "mis. 17-08-1975, atau format sel sebagai tanggal.")
            row.unreadable.add(name)
            return ""
        return str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
    if isinstance(cell, (dt.datetime, dt.date)):  # an Excel date cell
        return cell.strftime("%d-%m-%Y")
    text = str(cell).strip()
    if name in ("nik", "nkk", "phone"):
        text = text.lstrip("'")  # typed as '6403... to keep it text
        if name != "phone" and _SCIENTIFIC.match(text):
            row.problems.append(f"{label} tertulis sebagai angka ilmiah ({text}): spreadsheet sudah mengubahnya "
                                "menjadi angka dan digit terakhir hilang. Format kolom sebagai Teks lalu ketik ulang.")
            row.unreadable.add(name)
            return ""
    if name == "birth_date":
        iso = _ISO_DATE.match(text)
        if iso:
            year, month, day = iso.groups()
            text = f"{int(day):02d}-{int(month):02d}-{year}"
    return text


# -- checking --------------------------------------------------------------------------------------

def check_nkk(value: str) -> str | None:
    """The message for a bad NKK (Nomor Kartu Keluarga), or None; empty is allowed."""
    raw = re.sub(r"[\s.]", "", value or "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        return "NKK hanya boleh berisi angka."
    if len(raw) != 16:
        return f"NKK harus 16 digit (tertulis {len(raw)})."
    if raw.startswith("00"):
        return "Kode provinsi pada NKK (2 digit pertama) tidak boleh 00."
    return None


#: The order messages of a row are listed in.
_ORDER = ("nik", "nkk", "name", "sex", "birth_date", "address", "desa", "kecamatan", "kabupaten", "phone",
          "org_name", "member_count")


def check_rows(table: Table, *, kind: str, today: dt.date) -> tuple[list[Beneficiary], dict[int, list[str]]]:
    """Check every row of a list with the applicant form's rules, and NIKs that appear twice.

    Args:
        table: The list as read.
        kind: The service's applicant kind.
        today: The office's current date.

    Returns:
        ``(good, problems)``: the rows that passed (with cleaned values) and, per spreadsheet row
        number, the Indonesian messages of a bad row. A NIK on several rows makes every one of
        them bad.
    """
    good: dict[int, Beneficiary] = {}
    problems: dict[int, list[str]] = {}
    by_nik: dict[str, list[int]] = {}
    for row in table.rows:
        messages = list(row.problems)
        data = {k: v for k, v in row.values.items() if k not in row.unreadable}
        cleaned, errors = validate_applicant(data, kind=kind, today=today)
        if "sex" in errors and not data.get("sex", "").strip() and ("nik" in errors or "nik" in row.unreadable):
            del errors["sex"]  # only "the NIK is wrong": the sex would come from it
        for name_ in _ORDER:
            if name_ in errors and name_ not in row.unreadable:
                messages.append(errors[name_])
        if "nkk" not in row.unreadable:
            nkk_error = check_nkk(row.values.get("nkk", ""))
            if nkk_error:
                messages.append(nkk_error)
        nik = re.sub(r"[\s.]", "", row.values.get("nik", "")) if "nik" not in row.unreadable else ""
        if nik:
            by_nik.setdefault(nik, []).append(row.number)
        if messages:
            problems[row.number] = messages
        else:
            person = {k: cleaned.get(k, "") for k in ("name", "sex", "address", "desa", "kecamatan",
                                                        "kabupaten", "phone", "org_name")}
            person["birth_date"] = cleaned.get("birth_date")
            good[row.number] = Beneficiary(number=row.number, nik=cleaned["nik"],
                                           nkk=re.sub(r"[\s.]", "", row.values.get("nkk", "")), person=person)
    for numbers in by_nik.values():
        if len(numbers) < 2:
            continue
        for number in numbers:
            others = ", ".join(str(n) for n in numbers if n != number)
            problems.setdefault(number, []).append(f"NIK ganda: NIK yang sama ada juga di baris {others}.")
            good.pop(number, None)
    return list(good.values()), dict(sorted(problems.items()))
