"""Validate what the operator types at the counter: NIK, names, phone numbers, applicant data.

Messages are in Indonesian, for the operator. Names and addresses are free text: they are only
trimmed and limited in length; characters such as ``[`` ``]`` ``/`` are legal data and are never
stripped or rejected (a name like ``[b]Siti[/]`` is stored exactly so). Control characters are
rejected.

NIK: 16 digits ``PP KK CC DDMMYY SSSS``: province, kabupaten/kota and kecamatan of registration,
birth date (day + 40 for women), serial number (>= 0001). There is no check digit. The two-digit
year is taken in the current century unless that year lies in the future.

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


class FieldError(ValueError):
    """A typed value is invalid; ``str(exc)`` is the Indonesian message for the operator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NikInfo:
    """What a NIK says.

    Attributes:
        nik: The 16 digits.
        province_code: Digits 1-2 (e.g. ``"32"``).
        kabupaten_code: Digits 3-4, the kabupaten/kota within the province (e.g. ``"73"``).
        kecamatan_code: Digits 5-6, the kecamatan within the kabupaten.
        birth_date: The birth date (day - 40 for women).
        sex: ``"L"`` or ``"P"``.
        serial: Digits 13-16 (e.g. ``"0002"``).
    """

    nik: str
    province_code: str
    kabupaten_code: str
    kecamatan_code: str
    birth_date: date
    sex: str
    serial: str

    @property
    def region_code(self) -> str:
        """The kecamatan code in the Kemendagri style, e.g. ``"32.73.05"``."""
        return f"{self.province_code}.{self.kabupaten_code}.{self.kecamatan_code}"


SEX_LABELS = {"L": "laki-laki", "P": "perempuan"}

_SEX_WORDS = {
    "l": "L", "lk": "L", "laki": "L", "laki-laki": "L", "laki laki": "L", "pria": "L",
    "p": "P", "pr": "P", "perempuan": "P", "wanita": "P",
}

_DATE_RE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")


def _fmt(d: date) -> str:
    """``date(1990, 1, 2) -> "02-01-1990"``."""
    return d.strftime("%d-%m-%Y")


def _has_control(value: str) -> bool:
    """True when ``value`` contains a control or format character (tab, newline, ESC, ...)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value)


#: A terminal escape sequence (CSI ... final byte, OSC ... BEL/ST, or ESC + one character); the
#: terminal desk turns an ESC inside a paste into SUB (desk.paste), so SUB starts one too.
_ESCAPE_RE = re.compile(
    r"[\x1b\x1a]\[[0-?]*[ -/]*[@-~]|[\x1b\x1a]\][^\x07\x1b\x1a]*(?:\x07|[\x1b\x1a]\\)"
    r"|[\x1b\x1a][@-_]|\x9b[0-?]*[ -/]*[@-~]")


def clean_pasted(text: str) -> tuple[str, bool]:
    """Pasted text as one line for a field, in its order: line breaks and tabs become spaces,
    terminal escape sequences and other control characters are dropped.

    Returns:
        The cleaned text and whether anything was dropped (the field says so).
    """
    without = _ESCAPE_RE.sub("", text or "")
    dropped = without != (text or "")
    out = []
    for ch in without.replace("\r\n", "\n"):
        if ch in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d":
            dropped = True
        else:
            out.append(ch)
    return "".join(out), dropped


def parse_nik(value: str, today: date) -> NikInfo:
    """Parse and check a NIK.

    Args:
        value: The NIK as typed; spaces and dots are removed.
        today: The office's current date (for the century and the future-date check).

    Returns:
        What the NIK says.

    Raises:
        FieldError: with a message saying what is wrong.
    """
    raw = re.sub(r"[\s.]", "", value or "")
    if not raw:
        raise FieldError("NIK wajib diisi.")
    if not raw.isascii() or not raw.isdigit():
        raise FieldError("NIK hanya boleh berisi angka.")
    if len(raw) != 16:
        raise FieldError(f"NIK harus 16 digit (tertulis {len(raw)}).")
    province, kabupaten, kecamatan = raw[0:2], raw[2:4], raw[4:6]
    dd, mm, yy = int(raw[6:8]), int(raw[8:10]), int(raw[10:12])
    serial = raw[12:16]
    if province == "00":
        raise FieldError("Kode provinsi pada NIK (2 digit pertama) tidak boleh 00.")
    sex = "L"
    day = dd
    if dd > 40:
        sex, day = "P", dd - 40
    date_digits = raw[6:12]
    if not 1 <= day <= 31:
        raise FieldError(
            f"Tanggal lahir pada NIK tidak mungkin (digit 7-12: {date_digits}): tanggal {dd:02d} "
            "tidak ada (laki-laki 01-31, perempuan 41-71)."
        )
    if not 1 <= mm <= 12:
        raise FieldError(
            f"Tanggal lahir pada NIK tidak mungkin (digit 7-12: {date_digits}): bulan {mm:02d} "
            "tidak ada."
        )
    century = today.year - today.year % 100
    year = century + yy
    if year > today.year:
        year -= 100
    try:
        birth = date(year, mm, day)
    except ValueError:
        raise FieldError(
            f"Tanggal lahir pada NIK tidak mungkin (digit 7-12: {date_digits}): "
            f"tanggal {day:02d}-{mm:02d}-{year} tidak ada."
        ) from None
    if birth > today:
        raise FieldError(
            f"Tanggal lahir pada NIK ({_fmt(birth)}) ada di masa depan."
        )
    if serial == "0000":
        raise FieldError("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000.")
    return NikInfo(
        nik=raw,
        province_code=province,
        kabupaten_code=kabupaten,
        kecamatan_code=kecamatan,
        birth_date=birth,
        sex=sex,
        serial=serial,
    )


def mask_nik(nik: str) -> str:
    """Mask a NIK for display: ``"3273014101900002" -> "3273********0002"``.

    Args:
        nik: The NIK (spaces and dots are ignored).

    Returns:
        The first 4 and last 4 digits with ``*`` between; a value of another length shows only
        its last 4 characters.
    """
    raw = re.sub(r"[\s.]", "", nik or "")
    if len(raw) == 16:
        return raw[:4] + "*" * 8 + raw[-4:]
    if len(raw) <= 4:
        return "*" * len(raw)
    return "*" * (len(raw) - 4) + raw[-4:]


def age_on(birth: date, today: date) -> int:
    """Return the age in whole years on ``today``.

    Args:
        birth: Birth date.
        today: The date to compute the age on.

    Returns:
        Completed years (a person born on 29 February turns a year older on 1 March).
    """
    years = today.year - birth.year
    if (today.month, today.day) < (birth.month, birth.day):
        years -= 1
    return years


def validate_phone(value: str) -> str:
    """Check and normalise an Indonesian phone number.

    Args:
        value: As typed: ``0812-3456-7890``, ``+62 812 3456 7890``, ``62812...``, ``(0351) 895021``.

    Returns:
        The number in local form starting with ``0`` (e.g. ``"081234567890"``).

    Raises:
        FieldError: when it has letters, a wrong prefix, or not 10-15 digits.
    """
    text = (value or "").strip()
    if not text:
        raise FieldError("Nomor telepon wajib diisi.")
    compact = re.sub(r"[\s\-.()]", "", text)
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if not digits.isascii() or not digits.isdigit():
        raise FieldError("Nomor telepon hanya boleh berisi angka (boleh diawali +62).")
    if plus and not digits.startswith("62"):
        raise FieldError("Nomor telepon luar negeri tidak didukung; gunakan +62 atau 08...")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    if not digits.startswith("0"):
        raise FieldError("Nomor telepon harus diawali 0, 62 atau +62.")
    if not 10 <= len(digits) <= 15:
        raise FieldError(f"Nomor telepon harus 10-15 digit (tertulis {len(digits)}).")
    return digits


def validate_required(value: str | None, label: str, max_len: int = 120) -> str:
    """Check a required free-text field.

    Args:
        value: As typed.
        label: Field name for the message, e.g. ``"Nama"``.
        max_len: Maximum length after trimming.

    Returns:
        The value, trimmed (nothing else is changed).

    Raises:
        FieldError: ``"Nama wajib diisi."``, too long, or control characters.
    """
    text = (value or "").strip()
    if not text:
        raise FieldError(f"{label} wajib diisi.")
    return _check_text(text, label, max_len)


def _check_text(text: str, label: str, max_len: int) -> str:
    """Check length and control characters of an already trimmed text."""
    if _has_control(text):
        raise FieldError(f"{label} mengandung karakter kontrol (mis. tab atau baris baru).")
    if len(text) > max_len:
        raise FieldError(
            f"{label} terlalu panjang: {len(text)} karakter (maksimal {max_len})."
        )
    return text


def _optional_text(value: str | None, label: str, max_len: int) -> str:
    """Check an optional free-text field; empty is allowed."""
    text = (value or "").strip()
    return _check_text(text, label, max_len) if text else ""


def parse_sex(value: str) -> str:
    """Normalise a typed sex: ``"l"``, ``"Laki-laki"``, ``"P"``, ``"perempuan"`` ...

    Returns:
        ``"L"``, ``"P"`` or ``""`` when empty.

    Raises:
        FieldError: when the value is neither.
    """
    text = (value or "").strip().lower()
    if not text:
        return ""
    try:
        return _SEX_WORDS[text]
    except KeyError:
        raise FieldError("Jenis kelamin harus L (laki-laki) atau P (perempuan).") from None


def parse_date(value: str, label: str = "Tanggal lahir") -> date:
    """Parse a typed date ``dd-mm-yyyy`` (also ``dd/mm/yyyy`` or ``dd.mm.yyyy``).

    Raises:
        FieldError: when the format or the date is wrong.
    """
    m = _DATE_RE.match(value or "")
    if not m:
        raise FieldError(f"{label} harus ditulis hh-bb-tttt, mis. 17-08-1975.")
    d, mth, y = (int(g) for g in m.groups())
    try:
        return date(y, mth, d)
    except ValueError:
        raise FieldError(f"{label} {value.strip()} tidak ada di kalender.") from None


#: Field -> (label, maximum length) of the applicant's free-text fields.
APPLICANT_TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "name": ("Nama", 120),
    "address": ("Alamat", 200),
    "desa": ("Desa/Kelurahan", 120),
    "kecamatan": ("Kecamatan", 120),
    "kabupaten": ("Kabupaten/Kota", 120),
}


def validate_applicant(
    data: Mapping[str, str], *, kind: str, today: date
) -> tuple[dict, dict[str, str]]:
    """Check the applicant form.

    Args:
        data: Typed values by field: ``nik``, ``name``, ``sex``, ``birth_date`` (optional
            ``dd-mm-yyyy``), ``address``, ``desa``, ``kecamatan``, ``kabupaten`` (optional),
            ``phone`` (optional), ``org_name`` (required for organisasi/kelompok),
            ``member_count`` (required for kelompok).
        kind: The service's applicant kind (``perorangan``, ``organisasi``, ``kelompok``).
        today: The office's current date.

    Returns:
        ``(cleaned, errors)``: cleaned values (``nik`` str, ``sex`` ``"L"``/``"P"``,
        ``birth_date`` :class:`date`, ``age`` int, ``member_count`` int or None, texts trimmed)
        for the fields that passed, and field -> Indonesian message for those that did not.

    Raises:
        ValueError: if ``kind`` is not an applicant kind (a programming error).
    """
    from forms.catalog import APPLICANT_KINDS  # not at import: the login screen's widgets need none of it

    if kind not in APPLICANT_KINDS:
        raise ValueError(f"unknown applicant kind {kind!r}")
    cleaned: dict = {}
    errors: dict[str, str] = {}

    def get(field: str) -> str:
        value = data.get(field, "")
        return "" if value is None else str(value)

    # NIK, and what it says about sex and birth date.
    info: NikInfo | None = None
    try:
        info = parse_nik(get("nik"), today)
        cleaned["nik"] = info.nik
    except FieldError as exc:
        errors["nik"] = exc.message

    # Free-text fields.
    for field, (label, max_len) in APPLICANT_TEXT_FIELDS.items():
        try:
            if field == "kabupaten":
                cleaned[field] = _optional_text(get(field), label, max_len)
            else:
                cleaned[field] = validate_required(get(field), label, max_len)
        except FieldError as exc:
            errors[field] = exc.message

    # Sex: derived from the NIK when empty; must agree with it when typed.
    try:
        typed_sex = parse_sex(get("sex"))
    except FieldError as exc:
        errors["sex"] = exc.message
        typed_sex = ""
    if "sex" not in errors:
        if info is not None and typed_sex and typed_sex != info.sex:
            errors["sex"] = (
                f"Jenis kelamin {typed_sex} ({SEX_LABELS[typed_sex]}) tidak sesuai dengan NIK: "
                f"NIK menunjukkan {SEX_LABELS[info.sex]} (tanggal pada NIK {info.nik[6:8]}; "
                "untuk perempuan tanggal ditambah 40). Periksa NIK atau jenis kelamin."
            )
        elif typed_sex or info is not None:
            cleaned["sex"] = typed_sex or info.sex
        else:
            errors["sex"] = "Jenis kelamin wajib diisi (L atau P) bila NIK belum benar."

    # Birth date: derived from the NIK; a typed date must match it.
    typed_birth: date | None = None
    if get("birth_date").strip():
        try:
            typed_birth = parse_date(get("birth_date"))
        except FieldError as exc:
            errors["birth_date"] = exc.message
    if "birth_date" not in errors:
        if info is not None and typed_birth is not None and typed_birth != info.birth_date:
            errors["birth_date"] = (
                f"Tanggal lahir {_fmt(typed_birth)} tidak sesuai dengan NIK "
                f"({_fmt(info.birth_date)}). Periksa NIK atau tanggal lahir."
            )
        elif typed_birth is not None and typed_birth > today:
            errors["birth_date"] = f"Tanggal lahir {_fmt(typed_birth)} ada di masa depan."
        else:
            birth = info.birth_date if info is not None else typed_birth
            if birth is not None:
                cleaned["birth_date"] = birth
                cleaned["age"] = age_on(birth, today)

    # Phone: optional, validated when given.
    if get("phone").strip():
        try:
            cleaned["phone"] = validate_phone(get("phone"))
        except FieldError as exc:
            errors["phone"] = exc.message
    else:
        cleaned["phone"] = ""

    # Organisation / group name.
    org_label = {"organisasi": "Nama lembaga", "kelompok": "Nama kelompok"}.get(kind, "Nama lembaga")
    try:
        if kind in ("organisasi", "kelompok"):
            cleaned["org_name"] = validate_required(get("org_name"), org_label, 150)
        else:
            cleaned["org_name"] = _optional_text(get("org_name"), org_label, 150)
    except FieldError as exc:
        errors["org_name"] = exc.message

    # Member count.
    count_text = get("member_count").strip()
    if not count_text:
        if kind == "kelompok":
            errors["member_count"] = "Jumlah anggota wajib diisi."
        else:
            cleaned["member_count"] = None
    elif not (count_text.isascii() and count_text.isdigit()):
        errors["member_count"] = "Jumlah anggota harus berupa angka bulat, mis. 10."
    elif int(count_text) < 1:
        errors["member_count"] = "Jumlah anggota minimal 1 orang."
    else:
        cleaned["member_count"] = int(count_text)

    return cleaned, errors


#: Letters Unicode decomposition does not take apart, and what they read as.
_FOLD = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ı": "i", "ð": "d", "þ": "th", "æ": "ae",
                       "œ": "oe"})


def name_key(*parts: str) -> str:
    """Names as the search compares them: lower case, without diacritics or punctuation.

    Args:
        *parts: Names (a person's, an organisation's); empty ones are skipped.

    Returns:
        e.g. ``name_key("Ni Luh Putu Śrī", "Nguyễn")`` -> ``"ni luh putu sri nguyen"``.
    """
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())
