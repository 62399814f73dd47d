"""The whole Standar Pelayanan of a service: the components of PermenPANRB 15/2014 that the rest
of the catalog does not hold, read from a service file's ``[standar]`` table.

:class:`forms.catalog.Service` already holds dasar hukum, persyaratan, the procedure (SOP), jangka
waktu, biaya and produk. :class:`Standard` adds the rest: the decree that set the standard, the
manufacturing components (sarana prasarana, kompetensi pelaksana, pengawasan internal, jumlah
pelaksana, jaminan pelayanan, jaminan keamanan dan keselamatan, evaluasi kinerja), the complaint
channels and the bidang that follows complaints up, per-category jangka waktu and amounts (Kukar
Idaman), and notes on the document's own inconsistencies (``catatan``), which ``desk katalog
periksa`` reports.

TOML (Indonesian keys), all optional::

    [standar]
    keputusan_nomor = "823/DINSOS/SET.1/05/2024"
    keputusan_tanggal = "22 Mei 2024"          # text as written, or a TOML date 2024-05-22
    sarana_prasarana = ["Meja dan kursi kerja", "..."]
    kompetensi_pelaksana = ["..."]
    jumlah_pelaksana = ["Minimal 1 (satu) orang ..."]
    pengawasan_internal = ["Pengawasan internal dilaksanakan oleh atasan langsung."]
    jaminan_pelayanan = ["..."]
    jaminan_keamanan = ["..."]
    evaluasi_kinerja = ["..."]
    pengaduan_kanal = ["SP4N-LAPOR dengan link www.lapor.go.id", "..."]
    pengaduan_bidang = "Bidang Perlindungan dan Jaminan Sosial"
    catatan = ["Dokumen menulis ...", "..."]

    [[standar.kategori]]
    nama = "Lanjut Usia Telantar"
    jangka_waktu = { nilai = 12, satuan = "bulan", teks = "selama 12 (dua belas) bulan" }
    rupiah = 200000
    periode = "bulan"
    kali = 12
    teks = "Rp. 200.000 / bulan"

Every list also accepts a single text. Problems are collected in the caller's
:class:`forms.fields.FieldReader` (``file: standar.field: what is wrong``).

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from forms.catalog import Duration
from forms.fields import FieldReader, join_path

#: Periods an amount may be paid per (as forms.loader's manfaat_periode).
AMOUNT_PERIODS: tuple[str, ...] = ("hari", "minggu", "bulan", "tahun", "sekali")

#: Indonesian month names (and common short forms) -> month number.
MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nopember": 11, "nov": 11,
    "desember": 12, "des": 12,
}

_TEXT_DATE_RE = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})\s*$")
_ISO_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")

#: Keys of ``[standar]``.
STANDARD_KEYS: tuple[str, ...] = (
    "keputusan_nomor", "keputusan_tanggal", "sarana_prasarana", "kompetensi_pelaksana",
    "jumlah_pelaksana", "pengawasan_internal", "jaminan_pelayanan", "jaminan_keamanan",
    "evaluasi_kinerja", "pengaduan_kanal", "pengaduan_bidang", "kategori", "catatan",
)
_CATEGORY_KEYS = ("nama", "jangka_waktu", "rupiah", "periode", "kali", "teks")

_MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                "September", "Oktober", "November", "Desember")


@dataclass(frozen=True)
class Category:
    """One category of a service with its own jangka waktu and amount (e.g. Kukar Idaman).

    Attributes:
        name: The category as the document names it ("Lanjut Usia Telantar").
        jangka_waktu: How long the category is served or paid, if stated.
        amount_rupiah: Amount per ``period`` (e.g. 200000), if stated.
        period: "bulan", "tahun" ... (one of :data:`AMOUNT_PERIODS`) for ``amount_rupiah``.
        count: How many periods it is paid for (12 bulan), if stated.
        text: The document's own words for this category.
    """

    name: str
    jangka_waktu: Duration | None = None
    amount_rupiah: int | None = None
    period: str = ""
    count: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Standard:
    """The components of a Standar Pelayanan that :class:`forms.catalog.Service` does not hold.

    Attributes:
        decree_number: Number of the decree (keputusan) that set the standard.
        decree_date_text: The decree's date as written ("22 Mei 2024").
        decree_date: The same date parsed, or None when it cannot be read.
        sarana_prasarana: Sarana, prasarana dan/atau fasilitas.
        kompetensi_pelaksana: Kompetensi pelaksana.
        jumlah_pelaksana: Jumlah pelaksana.
        pengawasan_internal: Pengawasan internal.
        jaminan_pelayanan: Jaminan pelayanan.
        jaminan_keamanan: Jaminan keamanan dan keselamatan pelayanan.
        evaluasi_kinerja: Evaluasi kinerja pelaksana.
        complaint_channels: Channels for complaints, suggestions and input.
        complaint_unit: The bidang that follows complaints up.
        categories: Per-category jangka waktu and amounts, where the document has them.
        notes: The document's own inconsistencies (reported by ``desk katalog periksa``).
    """

    decree_number: str = ""
    decree_date_text: str = ""
    decree_date: _dt.date | None = None
    sarana_prasarana: tuple[str, ...] = ()
    kompetensi_pelaksana: tuple[str, ...] = ()
    jumlah_pelaksana: tuple[str, ...] = ()
    pengawasan_internal: tuple[str, ...] = ()
    jaminan_pelayanan: tuple[str, ...] = ()
    jaminan_keamanan: tuple[str, ...] = ()
    evaluasi_kinerja: tuple[str, ...] = ()
    complaint_channels: tuple[str, ...] = ()
    complaint_unit: str = ""
    categories: tuple[Category, ...] = ()
    notes: tuple[str, ...] = ()

    def decree_label(self) -> str:
        """Return "Nomor X tanggal Y" (the parts that are known), or ""."""
        parts = []
        if self.decree_number:
            parts.append(f"Nomor {self.decree_number}")
        date_text = self.decree_date_text or (
            format_date(self.decree_date) if self.decree_date else ""
        )
        if date_text:
            parts.append(f"tanggal {date_text}")
        return " ".join(parts)


def format_date(value: _dt.date) -> str:
    """Return ``value`` as "5 Juni 2023"."""
    return f"{value.day} {_MONTH_NAMES[value.month - 1]} {value.year}"


def parse_date(text: str) -> _dt.date | None:
    """Parse an Indonesian date such as "05 Juni 2023" or "2023-06-05"; None when unreadable."""
    m = _TEXT_DATE_RE.match(text)
    try:
        if m:
            month = MONTHS.get(m.group(2).lower())
            if month is None:
                return None
            return _dt.date(int(m.group(3)), month, int(m.group(1)))
        m = _ISO_DATE_RE.match(text)
        if m:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def _read_date(r: FieldReader, table: dict, where: str) -> tuple[str, _dt.date | None]:
    key = "keputusan_tanggal"
    if key not in table:
        return "", None
    value = table[key]
    path = join_path(where, key)
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return format_date(value), value
    text = r.text(table, key, where)
    if not text:
        return "", None
    parsed = parse_date(text)
    if parsed is None and (_TEXT_DATE_RE.match(text) or _ISO_DATE_RE.match(text)):
        r.err(path, f"tanggal '{text}' tidak valid (contoh: \"22 Mei 2024\" atau 2024-05-22)")
    return text, parsed


def _read_categories(r: FieldReader, table: dict, where: str) -> tuple[Category, ...]:
    key = "kategori"
    if key not in table:
        return ()
    value = table[key]
    base = join_path(where, key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        r.err(base, f"harus berupa daftar tabel ([[{base}]])")
        return ()
    out = []
    seen: dict[str, str] = {}
    for i, t in enumerate(value, start=1):
        path = f"{base}[{i}]"
        r.keys(t, path, _CATEGORY_KEYS, ("nama",))
        name = r.text(t, "nama", path, required="nama" in t)
        if name:
            if name.lower() in seen:
                r.err(join_path(path, "nama"), f"kategori '{name}' sudah ada di {seen[name.lower()]}")
            else:
                seen[name.lower()] = path
        duration, _ = r.duration(t, "jangka_waktu", path)
        amount = r.integer(t, "rupiah", path, minimum=0)
        period = r.choice(t, "periode", path, AMOUNT_PERIODS, label="periode")
        count = r.integer(t, "kali", path, minimum=1)
        if amount is not None and not period and "periode" not in t:
            r.err(join_path(path, "periode"), "wajib diisi bila rupiah diisi (mis. \"bulan\")")
        if "rupiah" not in t and ("periode" in t or "kali" in t):
            r.err(join_path(path, "rupiah"), "wajib diisi bila periode/kali diisi")
        out.append(Category(name=name, jangka_waktu=duration, amount_rupiah=amount,
                            period=period, count=count, text=r.text(t, "teks", path)))
    return tuple(out)


def read_standard(r: FieldReader, data: dict, key: str = "standar") -> Standard | None:
    """Read the ``[standar]`` table of a service file.

    Args:
        r: The file's reader; every problem is recorded in it (nothing is raised).
        data: The parsed file.
        key: The table's key.

    Returns:
        The standard, or None when the file has no ``[standar]`` table (or it is not a table).
    """
    table = r.sub_table(data, key)
    if table is None:
        return None
    where = key
    r.keys(table, where, STANDARD_KEYS)
    lists = {
        name: r.text_list(table, name, where)
        for name in ("sarana_prasarana", "kompetensi_pelaksana", "jumlah_pelaksana",
                     "pengawasan_internal", "jaminan_pelayanan", "jaminan_keamanan",
                     "evaluasi_kinerja", "pengaduan_kanal", "catatan")
    }
    date_text, date = _read_date(r, table, where)
    return Standard(
        decree_number=r.text(table, "keputusan_nomor", where),
        decree_date_text=date_text,
        decree_date=date,
        sarana_prasarana=lists["sarana_prasarana"],
        kompetensi_pelaksana=lists["kompetensi_pelaksana"],
        jumlah_pelaksana=lists["jumlah_pelaksana"],
        pengawasan_internal=lists["pengawasan_internal"],
        jaminan_pelayanan=lists["jaminan_pelayanan"],
        jaminan_keamanan=lists["jaminan_keamanan"],
        evaluasi_kinerja=lists["evaluasi_kinerja"],
        complaint_channels=lists["pengaduan_kanal"],
        complaint_unit=r.text(table, "pengaduan_bidang", where),
        categories=_read_categories(r, table, where),
        notes=lists["catatan"],
    )
