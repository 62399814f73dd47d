"""Read the service catalog from TOML files and validate every field.

The built-in files live in ``forms/katalog/*.toml``; an office may add its own folder(s). A file in
an extra folder with the same ``kode`` as a built-in service replaces it; any other file adds a
service. Files whose name starts with ``_`` or ``.`` are ignored (handy for drafts and templates).

Every problem is collected, not only the first, and reported in :class:`CatalogError` as strings
of the form ``file: field: what is wrong`` (in Indonesian, for the office administrator), e.g.::

    kube.toml: langkah[3].waktu.satuan: satuan 'hri' tidak dikenal (pilih: menit, jam, ...)

Array positions in field paths (``langkah[3]``) count from 1, as the administrator reads the file.

The TOML format (Indonesian keys) maps onto :mod:`forms.catalog` as follows:

=====================  ====================================================================
TOML                   dataclass
=====================  ====================================================================
kode, nama             Service.code, Service.name
nama_singkat, kantor   Service.short_name, Service.office
kabupaten, bidang      Service.kabupaten, Service.bidang
sumber                 Service.source
prefiks_antrian        Service.queue_prefix
jenis_pemohon          Service.applicant_kind
biaya, biaya_rupiah    Service.biaya, Service.biaya_rupiah
produk                 Service.produk
[jangka_waktu]         Service.jangka_waktu (nilai, satuan, teks) + jangka_waktu_sejak (sejak)
pengaduan, dasar_hukum Service.pengaduan, Service.dasar_hukum (lists of text)
[[persyaratan]]        ChecklistItem: id, teks, jenis, kondisi, jika, per_anggota, kelompok
[[kondisi]]            Condition: id, pertanyaan
[[kriteria]]           Criterion: id, jenis, teks, min, maks, nilai, nilai_daftar, kelompok
[[langkah]]            Step: no, uraian, pelaksana, kelengkapan, waktu={nilai,satuan},
                       output, keterangan, loket
[[keputusan]]          Decision: id, jenis, pertanyaan, setelah_langkah, ya, tidak,
                       jika_tidak, kembali_ke_langkah
[jumlah_sop]           Service.sop_total_stated (nilai, satuan, teks)
manfaat_rupiah         Service.benefit_rupiah
manfaat_periode        Service.benefit_period
manfaat_kali           Service.benefit_count
[surat]                Letter: templat, judul, hal, klasifikasi, sifat, kepada, isi,
                       penutup, tembusan
=====================  ====================================================================

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

import difflib
import re
import string
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from forms.catalog import (
    APPLICANT_KINDS,
    CRITERION_KINDS,
    DECISION_KINDS,
    ITEM_KINDS,
    LETTER_TEMPLATES,
    TIME_UNITS,
    Catalog,
    ChecklistItem,
    Condition,
    Criterion,
    Decision,
    Duration,
    Letter,
    Service,
    Step,
)

#: Folder of the built-in catalog.
BUILTIN_DIR: Path = Path(__file__).resolve().parent / "katalog"

#: Placeholders a letter may use (filled by the letter printer).
LETTER_PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "nama_pemohon",
        "alamat_pemohon",
        "tanggal_lengkap",
        "nomor_register",
        "nama_layanan",
        "kabupaten",
    }
)
#: A paragraph that is exactly this becomes the applicant's identity table.
IDENTITY_PARAGRAPH = "{identitas_pemohon}"

#: Periods a cash benefit may be paid per.
BENEFIT_PERIODS: tuple[str, ...] = ("hari", "minggu", "bulan", "tahun", "sekali")

_ID_RE = re.compile(r"^[A-Za-z0-9_\-]+$")
_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,19}$")
_PREFIX_RE = re.compile(r"^[A-Z]{1,3}$")
_KLASIFIKASI_RE = re.compile(r"^\d{3}(\.\d+)*$")


class CatalogError(Exception):
    """The catalog files are invalid.

    Attributes:
        errors: One line per problem, formatted ``file: field: what is wrong`` (Indonesian).
    """

    def __init__(self, errors: Sequence[str]):
        self.errors: list[str] = list(errors)
        count = len(self.errors)
        head = f"Katalog layanan tidak valid ({count} kesalahan)"
        super().__init__(head + ":\n" + "\n".join(self.errors))


# --------------------------------------------------------------------------------------------
# Small typed readers that collect errors
# --------------------------------------------------------------------------------------------

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


class _Reader:
    """Collects errors for one file while reading its tables."""

    def __init__(self, fname: str):
        self.fname = fname
        self.errors: list[str] = []

    def err(self, field: str, message: str) -> None:
        """Record one problem at ``field``."""
        self.errors.append(f"{self.fname}: {field}: {message}")

    # -- structure ---------------------------------------------------------------------------
    def keys(self, table: dict, where: str, allowed: Sequence[str], required: Sequence[str] = ()):
        """Report unknown and missing keys of ``table`` (at path ``where``)."""
        for key in table:
            if key not in allowed and where and "." not in where and "[" not in where \
                    and key in _TOP_KEYS:
                self.err(_join(where, key),
                         f"kunci '{key}' masuk ke tabel [{where}]: kunci tingkat atas harus "
                         f"ditulis sebelum baris [{where}]")
            elif key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                extra = f" (maksud Anda '{hint[0]}'?)" if hint else (
                    f" (kunci yang dikenal: {', '.join(allowed)})"
                )
                self.err(_join(where, key), f"kunci '{key}' tidak dikenal{extra}")
        for key in required:
            if key not in table:
                self.err(_join(where, key), "wajib diisi")

    # -- scalars -----------------------------------------------------------------------------
    def text(self, table: dict, key: str, where: str, *, required: bool = False) -> str:
        """Return a text value (trimmed); report a wrong type or an empty required value."""
        if key not in table:
            return ""
        value = table[key]
        path = _join(where, key)
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
        path = _join(where, key)
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
        path = _join(where, key)
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
            self.err(_join(where, key), f"harus berupa true/false, bukan {_type_name(value)}")
            return False
        return value

    def text_list(self, table: dict, key: str, where: str) -> tuple[str, ...]:
        """Return a list of non-empty texts; a single text is accepted as a one-item list."""
        if key not in table:
            return ()
        value = table[key]
        path = _join(where, key)
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
                _join(where, key),
                f"{label} '{value}' tidak dikenal (pilih: {', '.join(choices)})",
            )
            return default
        return value

    def ident(self, table: dict, key: str, where: str) -> str:
        """Return a required identifier (letters, digits, ``_`` and ``-``)."""
        value = self.text(table, key, where, required=True)
        if value and not _ID_RE.match(value):
            self.err(
                _join(where, key),
                f"id '{value}' hanya boleh berisi huruf, angka, '_' dan '-' (tanpa spasi)",
            )
        return value

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
            self.err(_join(where, key), f"harus berupa tabel, bukan {_type_name(value)}")
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
        path = _join(where, key)
        self.keys(table, path, ("nilai", "satuan", *extra_keys), ("nilai", "satuan"))
        value = self.number(table, "nilai", path)
        unit = self.choice(table, "satuan", path, TIME_UNITS, label="satuan")
        text = self.text(table, "teks", path) if "teks" in extra_keys else ""
        if value is None or not unit:
            return None, table
        if float(value).is_integer():
            value = int(value)
        elif unit in ("hari kerja", "bulan", "tahun"):
            self.err(_join(path, "nilai"),
                     f"{value} {unit}: pecahan tidak dapat dihitung; tulis dalam satuan lebih kecil "
                     "(mis. jam atau hari)")
            return None, table
        return Duration(value=value, unit=unit, text=text), table


def _join(where: str, key: str) -> str:
    """Join a field path and a key with a dot."""
    return f"{where}.{key}" if where else key


# --------------------------------------------------------------------------------------------
# One service
# --------------------------------------------------------------------------------------------

_TOP_KEYS = (
    "kode", "nama", "nama_singkat", "kantor", "kabupaten", "bidang", "sumber",
    "prefiks_antrian", "jenis_pemohon", "biaya", "biaya_rupiah", "produk", "jangka_waktu",
    "pengaduan", "dasar_hukum", "persyaratan", "kondisi", "kriteria", "langkah", "keputusan",
    "jumlah_sop", "manfaat_rupiah", "manfaat_periode", "manfaat_kali", "surat",
)
_TOP_REQUIRED = (
    "kode", "nama", "nama_singkat", "kantor", "kabupaten", "sumber",
    "prefiks_antrian", "jenis_pemohon", "persyaratan", "langkah",
)


def _unique(r: _Reader, seen: dict[str, str], value: str, path: str, what: str) -> None:
    """Report ``value`` when an earlier entry (recorded in ``seen``) already used it."""
    if not value:
        return
    if value in seen:
        r.err(path, f"{what} '{value}' sudah dipakai di {seen[value]}")
    else:
        seen[value] = path


def _read_items(r: _Reader, data: dict, condition_ids: set[str]) -> tuple[ChecklistItem, ...]:
    items = []
    seen: dict[str, str] = {}
    for path, t in r.table_list(data, "persyaratan"):
        r.keys(t, path, ("id", "teks", "jenis", "kondisi", "jika", "per_anggota", "kelompok"),
               ("id", "teks"))
        item_id = r.ident(t, "id", path)
        _unique(r, seen, item_id, _join(path, "id"), "id")
        kind = r.choice(t, "jenis", path, ITEM_KINDS, label="jenis", default="wajib")
        when = r.text(t, "jika", path)
        condition = r.text(t, "kondisi", path)
        if kind == "bersyarat":
            if "jika" not in t:
                r.err(_join(path, "jika"),
                      "wajib diisi untuk jenis 'bersyarat' (id salah satu [[kondisi]])")
            elif when and when.removeprefix("!") not in condition_ids:
                known = ", ".join(sorted(condition_ids)) or "belum ada [[kondisi]]"
                r.err(_join(path, "jika"),
                      f"kondisi '{when.removeprefix('!')}' tidak ada (yang ada: {known})")
        elif when or condition:
            key = "jika" if when else "kondisi"
            r.err(_join(path, key), f"hanya untuk jenis 'bersyarat' (jenis item ini '{kind}')")
        items.append(
            ChecklistItem(
                id=item_id,
                text=r.text(t, "teks", path, required=True),
                kind=kind,
                condition=condition,
                when=when,
                per_member=r.boolean(t, "per_anggota", path),
                group=r.text(t, "kelompok", path),
            )
        )
    return tuple(items)


def _read_conditions(r: _Reader, data: dict) -> tuple[Condition, ...]:
    out = []
    seen: dict[str, str] = {}
    for path, t in r.table_list(data, "kondisi"):
        r.keys(t, path, ("id", "pertanyaan"), ("id", "pertanyaan"))
        cid = r.ident(t, "id", path)
        _unique(r, seen, cid, _join(path, "id"), "id")
        out.append(Condition(id=cid, question=r.text(t, "pertanyaan", path, required=True)))
    return tuple(out)


def _read_criteria(r: _Reader, data: dict) -> tuple[Criterion, ...]:
    out = []
    seen: dict[str, str] = {}
    for path, t in r.table_list(data, "kriteria"):
        r.keys(t, path,
               ("id", "jenis", "teks", "min", "maks", "nilai", "nilai_daftar", "kelompok"),
               ("id", "jenis", "teks"))
        cid = r.ident(t, "id", path)
        _unique(r, seen, cid, _join(path, "id"), "id")
        kind = r.choice(t, "jenis", path, CRITERION_KINDS, label="jenis")
        low = r.integer(t, "min", path, minimum=0)
        high = r.integer(t, "maks", path, minimum=0)
        value = r.text(t, "nilai", path)
        values = r.text_list(t, "nilai_daftar", path)
        if low is not None and high is not None and low > high:
            r.err(_join(path, "min"), f"min {low} lebih besar dari maks {high}")
        if kind == "usia" and low is None and high is None and "min" not in t and "maks" not in t:
            r.err(path, "kriteria usia perlu 'min' dan/atau 'maks' (tahun)")
        if kind == "jumlah_anggota" and "min" not in t and "maks" not in t:
            r.err(path, "kriteria jumlah_anggota perlu 'min' dan/atau 'maks' (orang)")
        if kind == "jenis_kelamin" and value not in ("L", "P"):
            r.err(_join(path, "nilai"), "kriteria jenis_kelamin perlu nilai \"L\" atau \"P\"")
        if kind == "domisili" and not value:
            r.err(_join(path, "nilai"), "kriteria domisili perlu nilai (nama kabupaten)")
        if kind == "pengecualian" and not values and "nilai_daftar" not in t:
            r.err(_join(path, "nilai_daftar"),
                  "kriteria pengecualian perlu nilai_daftar (status yang dikecualikan)")
        out.append(
            Criterion(
                id=cid,
                kind=kind,
                text=r.text(t, "teks", path, required=True),
                min=low,
                max=high,
                value=value,
                values=values,
                group=r.text(t, "kelompok", path),
            )
        )
    return tuple(out)


def _read_steps(r: _Reader, data: dict) -> tuple[Step, ...]:
    out = []
    for pos, (path, t) in enumerate(r.table_list(data, "langkah"), start=1):
        r.keys(t, path,
               ("no", "uraian", "pelaksana", "kelengkapan", "waktu", "output", "keterangan",
                "loket"),
               ("no", "uraian"))
        no = r.integer(t, "no", path, minimum=1)
        if no is not None and no != pos:
            r.err(_join(path, "no"),
                  f"langkah harus bernomor urut 1, 2, 3, ... (diharapkan {pos}, tertulis {no})")
        waktu, _ = r.duration(t, "waktu", path)
        out.append(
            Step(
                no=no if no is not None else pos,
                uraian=r.text(t, "uraian", path, required=True),
                pelaksana=r.text_list(t, "pelaksana", path),
                kelengkapan=r.text(t, "kelengkapan", path),
                waktu=waktu,
                output=r.text(t, "output", path),
                keterangan=r.text(t, "keterangan", path),
                loket=r.boolean(t, "loket", path),
            )
        )
    return tuple(out)


def _read_decisions(r: _Reader, data: dict, step_nos: set[int]) -> tuple[Decision, ...]:
    out = []
    seen: dict[str, str] = {}
    for path, t in r.table_list(data, "keputusan"):
        r.keys(t, path,
               ("id", "jenis", "pertanyaan", "setelah_langkah", "ya", "tidak", "jika_tidak",
                "kembali_ke_langkah"),
               ("id", "jenis", "pertanyaan", "setelah_langkah", "ya", "tidak"))
        did = r.ident(t, "id", path)
        _unique(r, seen, did, _join(path, "id"), "id")
        after = r.integer(t, "setelah_langkah", path, minimum=1)
        back = r.integer(t, "kembali_ke_langkah", path, minimum=1)
        for key, no in (("setelah_langkah", after), ("kembali_ke_langkah", back)):
            if no is not None and step_nos and no not in step_nos:
                r.err(_join(path, key),
                      f"langkah {no} tidak ada (langkah 1-{max(step_nos)})")
        out.append(
            Decision(
                id=did,
                kind=r.choice(t, "jenis", path, DECISION_KINDS, label="jenis"),
                question=r.text(t, "pertanyaan", path, required=True),
                after_step=after or 0,
                yes=r.text(t, "ya", path, required=True),
                no=r.text(t, "tidak", path, required=True),
                on_no=r.text(t, "jika_tidak", path),
                back_to_step=back,
            )
        )
    return tuple(out)


def _check_placeholders(r: _Reader, text: str, path: str, *, paragraph: bool) -> None:
    """Report ``{placeholders}`` a letter cannot fill, and malformed braces."""
    if paragraph and text == IDENTITY_PARAGRAPH:
        return
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        r.err(path, f"kurung kurawal tidak seimbang ({exc}); tulis '{{{{' untuk '{{'")
        return
    for name in fields:
        if name == "identitas_pemohon":
            r.err(path, "{identitas_pemohon} harus berdiri sendiri sebagai satu paragraf")
        elif name not in LETTER_PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in sorted(LETTER_PLACEHOLDERS))
            r.err(path, f"isian '{{{name}}}' tidak dikenal (yang tersedia: {known})")


def _read_letter(r: _Reader, data: dict) -> Letter | None:
    t = r.sub_table(data, "surat")
    if t is None:
        return None
    path = "surat"
    r.keys(t, path,
           ("templat", "judul", "hal", "klasifikasi", "sifat", "kepada", "isi", "penutup",
            "tembusan"),
           ("templat", "judul", "hal", "klasifikasi", "isi"))
    template = r.choice(t, "templat", path, LETTER_TEMPLATES, label="templat")
    klasifikasi = r.text(t, "klasifikasi", path, required=True)
    if klasifikasi and not _KLASIFIKASI_RE.match(klasifikasi):
        r.err(_join(path, "klasifikasi"),
              f"kode klasifikasi '{klasifikasi}' tidak valid (contoh: 400.9.12)")
    body = r.text_list(t, "isi", path)
    if "isi" in t and not body:
        r.err(_join(path, "isi"), "minimal satu paragraf")
    for i, para in enumerate(body, start=1):
        _check_placeholders(r, para, f"surat.isi[{i}]", paragraph=True)
    addressee = r.text(t, "kepada", path)
    closing = r.text(t, "penutup", path)
    _check_placeholders(r, addressee, "surat.kepada", paragraph=False)
    _check_placeholders(r, closing, "surat.penutup", paragraph=False)
    return Letter(
        template=template,
        title=r.text(t, "judul", path, required=True),
        hal=r.text(t, "hal", path, required=True),
        klasifikasi=klasifikasi,
        body=body,
        sifat=r.text(t, "sifat", path) or "Biasa",
        addressee=addressee,
        closing=closing,
        tembusan=r.text_list(t, "tembusan", path),
    )


def _parse(path: Path) -> tuple[Service | None, list[str]]:
    """Read and validate one file.

    Returns:
        The service (None when the file has errors) and the list of errors.
    """
    r = _Reader(path.name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        r.err("berkas", f"tidak dapat dibaca ({exc.strerror or exc})")
        return None, r.errors
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        r.err("berkas", "bukan teks UTF-8")
        return None, r.errors
    except tomllib.TOMLDecodeError as exc:
        r.err("sintaks", f"TOML tidak valid: {exc}")
        return None, r.errors

    r.keys(data, "", _TOP_KEYS, _TOP_REQUIRED)
    texts = {
        key: r.text(data, key, "", required=key in _TOP_REQUIRED)
        for key in ("nama", "nama_singkat", "kantor", "kabupaten", "bidang", "sumber", "biaya",
                    "produk")
    }
    code = r.text(data, "kode", "", required=True)
    if code and not _CODE_RE.match(code):
        r.err("kode", f"kode '{code}' harus huruf kapital, angka dan '-' (maks. 20, contoh REK-PUB)")
    prefix = r.text(data, "prefiks_antrian", "", required=True)
    if prefix and not _PREFIX_RE.match(prefix):
        r.err("prefiks_antrian", f"prefiks '{prefix}' harus 1-3 huruf kapital A-Z (contoh: H)")
    applicant = r.choice(data, "jenis_pemohon", "", APPLICANT_KINDS, label="jenis pemohon")

    conditions = _read_conditions(r, data)
    condition_ids = {c.id for c in conditions}
    items = _read_items(r, data, condition_ids)
    if "persyaratan" in data and not items and isinstance(data["persyaratan"], list):
        r.err("persyaratan", "minimal satu [[persyaratan]]")
    criteria = _read_criteria(r, data)
    steps = _read_steps(r, data)
    if "langkah" in data and not steps and isinstance(data["langkah"], list):
        r.err("langkah", "minimal satu [[langkah]]")
    decisions = _read_decisions(r, data, {s.no for s in steps})

    jangka, jangka_raw = r.duration(data, "jangka_waktu", extra_keys=("teks", "sejak"))
    sejak = r.text(jangka_raw, "sejak", "jangka_waktu") if jangka_raw else ""
    sop_total, _ = r.duration(data, "jumlah_sop")

    biaya_rupiah = r.integer(data, "biaya_rupiah", "", minimum=0)
    benefit = r.integer(data, "manfaat_rupiah", "", minimum=1)
    period = r.choice(data, "manfaat_periode", "", BENEFIT_PERIODS, label="periode")
    count = r.integer(data, "manfaat_kali", "", minimum=1)
    if benefit is not None and not period and "manfaat_periode" not in data:
        r.err("manfaat_periode", "wajib diisi bila manfaat_rupiah diisi (mis. \"bulan\")")
    if benefit is None and "manfaat_rupiah" not in data and (period or count is not None):
        r.err("manfaat_rupiah", "wajib diisi bila manfaat_periode/manfaat_kali diisi")

    letter = _read_letter(r, data)

    if r.errors:
        return None, r.errors
    service = Service(
        code=code,
        name=texts["nama"],
        short_name=texts["nama_singkat"],
        office=texts["kantor"],
        kabupaten=texts["kabupaten"],
        bidang=texts["bidang"],
        source=texts["sumber"],
        queue_prefix=prefix,
        applicant_kind=applicant,
        persyaratan=items,
        steps=steps,
        conditions=conditions,
        kriteria=criteria,
        decisions=decisions,
        jangka_waktu=jangka,
        jangka_waktu_sejak=sejak,
        biaya=texts["biaya"],
        biaya_rupiah=biaya_rupiah or 0,
        produk=texts["produk"],
        benefit_rupiah=benefit,
        benefit_period=period,
        benefit_count=count,
        pengaduan=r.text_list(data, "pengaduan", ""),
        dasar_hukum=r.text_list(data, "dasar_hukum", ""),
        sop_total_stated=sop_total,
        letter=letter,
        path=str(path),
    )
    return service, []


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def load_service_file(path: Path | str) -> Service:
    """Read and validate one service file.

    Args:
        path: The ``.toml`` file.

    Returns:
        The service.

    Raises:
        CatalogError: with every problem found in the file.
    """
    service, errors = _parse(Path(path))
    if errors or service is None:
        raise CatalogError(errors)
    return service


def _service_files(folder: Path) -> list[Path]:
    """Return the ``*.toml`` files of ``folder`` in name order, skipping ``_``/``.`` files."""
    return sorted(
        p for p in folder.glob("*.toml")
        if p.is_file() and not p.name.startswith(("_", "."))
    )


def load_catalog(extra_dirs: Sequence[Path | str] = ()) -> Catalog:
    """Load the built-in catalog plus the services of the office's own folder(s).

    A file in an extra folder whose ``kode`` equals an earlier service's replaces that service
    (keeping its place in the order); other files add services at the end.

    Args:
        extra_dirs: Folders with more ``*.toml`` files, applied in order.

    Returns:
        The catalog, services in file order.

    Raises:
        CatalogError: listing every problem in every file (``file: field: what is wrong``),
            including duplicate ``kode`` within one folder and duplicate ``prefiks_antrian``
            across the final catalog.
    """
    errors: list[str] = []
    services: dict[str, Service] = {}
    folders: list[Path] = [BUILTIN_DIR]
    for extra in extra_dirs:
        folder = Path(extra).expanduser()
        if not folder.is_dir():
            errors.append(f"{folder}: katalog_dir: folder tidak ditemukan")
            continue
        folders.append(folder)

    for folder in folders:
        in_folder: dict[str, Path] = {}
        for path in _service_files(folder):
            service, file_errors = _parse(path)
            errors.extend(file_errors)
            if service is None:
                continue
            key = service.code.upper()
            if key in in_folder:
                errors.append(
                    f"{path.name}: kode: kode '{service.code}' sudah dipakai di "
                    f"{in_folder[key].name} (folder yang sama)"
                )
                continue
            in_folder[key] = path
            services[key] = service

    prefixes: dict[str, Service] = {}
    for service in services.values():
        other = prefixes.get(service.queue_prefix)
        if other is not None:
            errors.append(
                f"{Path(service.path).name}: prefiks_antrian: prefiks '{service.queue_prefix}' "
                f"sudah dipakai oleh {other.code} ({Path(other.path).name})"
            )
        else:
            prefixes[service.queue_prefix] = service

    if errors:
        raise CatalogError(errors)
    return Catalog(services={s.code: s for s in services.values()})
