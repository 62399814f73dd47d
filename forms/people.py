"""People in a case, the pure part: the role kinds, checking a person or an organisation as
typed (NIK, name, dates, NPWP), and what the people of a case still lack for the lengkap
decision. models/persons.py stores them; letters name them with the placeholders listed here.

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from forms.catalog import ROLE_KINDS
from forms.validators import (
    SEX_LABELS,
    FieldError,
    age_on,
    parse_date,
    parse_nik,
    parse_sex,
    validate_phone,
    validate_required,
)

#: Indonesian labels of the role kinds (the catalog's own label wins where it gives one).
ROLE_LABELS: dict[str, str] = {
    "anak": "Anak", "orang_tua": "Orang tua", "wali": "Wali", "anggota": "Anggota", "ketua": "Ketua",
    "sekretaris": "Sekretaris", "bendahara": "Bendahara", "pengurus": "Pengurus",
    "ahli_waris": "Ahli waris", "pendamping": "Pendamping",
}
#: Roles counted as members of a group: the KUBE document counts its pengurus (ketua,
#: sekretaris, bendahara) in the "total anggota kelompok".
MEMBER_ROLES: tuple[str, ...] = ("ketua", "sekretaris", "bendahara", "anggota")
#: Roles the pemohon cannot also hold in their own case (they apply for the child; nobody
#: accompanies themselves). Any other role may carry the pemohon's NIK (a ketua who applies).
NOT_THE_PEMOHON: frozenset[str] = frozenset({"anak", "pendamping"})
#: Statuses in which the people of a case no longer change.
FINISHED: frozenset[str] = frozenset({"selesai", "ditolak", "batal"})

# -- the catalog's roles ---------------------------------------------------------------------------

def roles_of(svc: Any) -> tuple[Any, ...]:
    """The roles a catalog service takes (``Service.roles``; none for an older catalog)."""
    return tuple(getattr(svc, "roles", ()) or ())


def role_label(svc: Any, role: str) -> str:
    """The Indonesian label of a role of a service."""
    for r in roles_of(svc):
        if r.id == role and getattr(r, "label", ""):
            return r.label
    return ROLE_LABELS.get(role, role)


def since_years(since: str, today: dt.date) -> int | None:
    """Whole years from a "sekretariat sejak" value ("2015" or "2015-03-01") to ``today``."""
    if not since:
        return None
    if len(since) == 4:
        return max(0, today.year - int(since))
    return max(0, age_on(dt.date.fromisoformat(since), today))


# -- what is missing ---------------------------------------------------------------------------------

#: Organisation fields the service's persyaratan / kriteria ask for, by words in their text.
_ORG_NEEDS: tuple[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    (("akta",), (("akta_no", "Nomor akta notaris"), ("akta_date", "Tanggal akta notaris"))),
    (("hukum dan ham", "kemenkumham", "pengesahan"), (("pengesahan_no", "Nomor pengesahan (SK Kemenkumham)"),)),
    (("npwp",), (("npwp", "NPWP lembaga"),)),
    (("sekretariat", "domisili"), (("address", "Alamat sekretariat"), ("since", "Sekretariat sejak"))),
)
_SINCE_MIN = re.compile(r"sekretariat.*?minimal\s+(?:selama\s+)?(\d+)\s*(?:\([^)]*\)\s*)?tahun", re.IGNORECASE)


def people_problems(svc: Any, persons: Sequence[Any], organisation: Any, member_count: int | None) -> list[str]:
    """What the people of a case still lack for the lengkap decision (Indonesian, one line each).

    - a role of the service with fewer persons than its ``min``;
    - a group (``kelompok``) whose recorded members are fewer than the ``jumlah_anggota``
      criterion's minimum. Members are the persons recorded as anggota, ketua, sekretaris and
      bendahara (the KUBE document counts the pengurus in the "total anggota kelompok"); the
      pemohon counts only when recorded in one of these roles. A recorded count that differs
      from the jumlah anggota typed at intake is reported too;
    - for an ``organisasi`` service: the organisation fields its persyaratan or kriteria ask for
      (akta notaris, pengesahan Kemenkumham, NPWP, sekretariat and since when), and a
      sekretariat there for fewer years than a "minimal N tahun" they state.

    Services whose catalog entry names no roles (``[[peran]]``) ask for nothing here.
    """
    roles = roles_of(svc)
    if not roles:
        return []
    problems: list[str] = []
    counts = Counter(p.role for p in persons)
    if pemohon_is_ketua(svc, persons):
        counts["ketua"] = 1
    for role in roles:
        if role.min and counts[role.id] < role.min:
            problems.append(f"{role.label}: tercatat {counts[role.id]} dari minimal {role.min} orang.")
    takes_members = any(r.id in MEMBER_ROLES for r in roles)
    if svc.applicant_kind == "kelompok" and takes_members:
        members = member_total(svc, persons)
        criterion = svc.criterion("jumlah_anggota")
        if criterion is not None and criterion.min and members < criterion.min:
            problems.append(f"Anggota kelompok: tercatat {members} dari minimal {criterion.min} orang "
                            "(ketua, sekretaris dan bendahara ikut dihitung).")
        if members and member_count and members != member_count:
            problems.append(f"Jumlah anggota tercatat {members} orang, sedangkan jumlah anggota pada data "
                            f"pemohon {member_count} orang; samakan keduanya.")
    if svc.applicant_kind == "organisasi" and organisation is not False:
        problems += _organisation_problems(svc, organisation)
    return problems


def pemohon_is_ketua(svc: Any, persons: Sequence[Any]) -> bool:
    """A group's pemohon is its ketua (the intake form asks for the ketua) until another person
    is recorded as ketua."""
    return (svc.applicant_kind == "kelompok" and any(r.id == "ketua" for r in roles_of(svc))
            and not any(p.role == "ketua" for p in persons))


def member_total(svc: Any, persons: Sequence[Any]) -> int:
    """Members of a group as the documents count them: anggota, ketua, sekretaris and
    bendahara recorded, and the pemohon as ketua while no other ketua is recorded."""
    return sum(p.role in MEMBER_ROLES for p in persons) + (1 if pemohon_is_ketua(svc, persons) else 0)


def organisation_problems(svc: Any, organisation: Any) -> list[tuple[str, bool]]:
    """The organisation data an ``organisasi`` service's documents ask for and the case lacks,
    as (problem, unmet): unmet when the data entered fails a stated rule (a sekretariat there
    for fewer years than required), else data not yet entered (people_problems leaves these out
    with ``organisation=False``)."""
    if svc.applicant_kind != "organisasi":
        return []
    texts = " ".join([it.text for it in svc.persyaratan] + [c.text for c in svc.kriteria])
    lowered = texts.lower()
    needed = [field for words, fields in _ORG_NEEDS if any(w in lowered for w in words) for field in fields]
    return _organisation_checks(svc, organisation, texts, needed) if needed else []


def _organisation_problems(svc: Any, organisation: Any) -> list[str]:
    texts = " ".join([it.text for it in svc.persyaratan] + [c.text for c in svc.kriteria])
    lowered = texts.lower()
    needed = [field for words, fields in _ORG_NEEDS if any(w in lowered for w in words) for field in fields]
    if not needed:
        return []
    return [text for text, _ in _organisation_checks(svc, organisation, texts, needed)]


def _organisation_checks(svc: Any, organisation: Any, texts: str, needed: list) -> list[tuple[str, bool]]:
    """(problem, unmet): unmet is a stated rule the data fails (the sekretariat's years); the
    others are data not yet entered."""
    if organisation is None:
        labels = ", ".join(label if label[1:2].isupper() else label[:1].lower() + label[1:]
                           for _, label in needed)
        return [(f"Data lembaga belum diisi: {labels}.", False)]
    problems = [(f"{label} belum diisi.", False) for field, label in needed if not getattr(organisation, field)]
    minimum = _SINCE_MIN.search(texts)
    if minimum and organisation.years is not None and organisation.years < int(minimum.group(1)):
        problems.append((f"Sekretariat baru ± {organisation.years} tahun di alamatnya; persyaratan "
                         f"minimal {minimum.group(1)} tahun.", True))
    return problems


# -- checking what was typed ---------------------------------------------------------------------------

def _optional_text(value: str | None, label: str, max_len: int) -> str:
    """A free-text field that may stay empty (else checked like a required one)."""
    return validate_required(value, label, max_len) if (value or "").strip() else ""


def check_person(svc: Any, typed: Any, today: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    """Check a person as typed (``typed`` has role, nik, name, sex, birth_date, address, phone,
    note as strings) for a role of ``svc``.

    Returns:
        ``(cleaned, errors)``: ``nik`` None when the role records none and none was typed; sex and
        birth date from the NIK when left empty; errors by field, in Indonesian.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {"role": (typed.role or "").strip()}
    role = next((r for r in roles_of(svc) if r.id == cleaned["role"]), None)
    if role is None:
        errors["role"] = (f"Layanan ini tidak mencatat peran {ROLE_LABELS.get(cleaned['role'], cleaned['role'])}."
                          if cleaned["role"] else "Pilih peran orang ini.")
    info = None
    if (typed.nik or "").strip() or role is None or getattr(role, "nik_required", True):
        try:
            info = parse_nik(typed.nik, today)
        except FieldError as exc:
            errors["nik"] = exc.message
    cleaned["nik"] = info.nik if info else None
    for field, label, size, check in (("name", "Nama", 120, validate_required),
                                      ("address", "Alamat", 200, _optional_text),
                                      ("note", "Keterangan", 120, _optional_text)):
        try:
            cleaned[field] = check(getattr(typed, field), label, size)
        except FieldError as exc:
            errors[field] = exc.message
    try:
        sex = parse_sex(typed.sex)
        if info is not None and sex and sex != info.sex:
            raise FieldError(f"Jenis kelamin {sex} ({SEX_LABELS[sex]}) tidak sesuai dengan NIK "
                             f"({SEX_LABELS[info.sex]}).")
        cleaned["sex"] = sex or (info.sex if info else "")
    except FieldError as exc:
        errors["sex"] = exc.message
    try:
        birth = parse_date(typed.birth_date) if (typed.birth_date or "").strip() else None
        if birth is not None and info is not None and birth != info.birth_date:
            raise FieldError(f"Tanggal lahir {birth:%d-%m-%Y} tidak sesuai dengan NIK "
                             f"({info.birth_date:%d-%m-%Y}).")
        if birth is not None and birth > today:
            raise FieldError(f"Tanggal lahir {birth:%d-%m-%Y} ada di masa depan.")
        cleaned["birth_date"] = birth or (info.birth_date if info else None)
    except FieldError as exc:
        errors["birth_date"] = exc.message
    try:
        cleaned["phone"] = validate_phone(typed.phone) if (typed.phone or "").strip() else ""
    except FieldError as exc:
        errors["phone"] = exc.message
    return cleaned, errors


def parse_npwp(value: str) -> str:
    """An NPWP as typed (``01.234.567.8-901.000``) -> its 15 or 16 digits.

    Raises:
        FieldError: letters, or not 15 / 16 digits.
    """
    raw = re.sub(r"[\s.\-]", "", value or "")
    if not raw.isascii() or not raw.isdigit():
        raise FieldError("NPWP hanya boleh berisi angka (titik dan tanda hubung boleh).")
    if len(raw) not in (15, 16):
        raise FieldError(f"NPWP harus 15 atau 16 digit (tertulis {len(raw)}).")
    return raw


def format_npwp(npwp: str) -> str:
    """15 digits as printed on the card (``01.234.567.8-901.000``); 16 digits (NIK-based) as they are."""
    if len(npwp) == 15 and npwp.isdigit():
        return f"{npwp[:2]}.{npwp[2:5]}.{npwp[5:8]}.{npwp[8]}-{npwp[9:12]}.{npwp[12:]}"
    return npwp


def check_organisation(typed: Any, today: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the organisation form as typed: every field may stay empty (what the service needs
    is reported by :func:`people_problems`); NPWP 15 or 16 digits; "sejak" a year or a date.

    Returns:
        ``(cleaned, errors)`` as :func:`check_person`.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for field, label, size in (("name", "Nama lembaga", 150), ("akta_no", "Nomor akta", 80),
                               ("pengesahan_no", "Nomor pengesahan", 80), ("address", "Alamat sekretariat", 200)):
        try:
            cleaned[field] = _optional_text(getattr(typed, field), label, size)
        except FieldError as exc:
            errors[field] = exc.message
    try:
        akta = parse_date(typed.akta_date, "Tanggal akta") if (typed.akta_date or "").strip() else None
        if akta is not None and akta > today:
            raise FieldError(f"Tanggal akta {akta:%d-%m-%Y} ada di masa depan.")
        cleaned["akta_date"] = akta
    except FieldError as exc:
        errors["akta_date"] = exc.message
    try:
        cleaned["npwp"] = parse_npwp(typed.npwp) if (typed.npwp or "").strip() else ""
    except FieldError as exc:
        errors["npwp"] = exc.message
    since = (typed.since or "").strip()
    try:
        if not since:
            cleaned["since"] = ""
        elif re.fullmatch(r"\d{4}", since):
            if not 1900 <= int(since) <= today.year:
                raise FieldError(f"Tahun {since} tidak mungkin (1900-{today.year}).")
            cleaned["since"] = since
        else:
            day = parse_date(since, "Sekretariat sejak (tahun atau tanggal)")
            if day > today:
                raise FieldError(f"Tanggal {since} ada di masa depan.")
            cleaned["since"] = day.isoformat()
    except FieldError as exc:
        errors["since"] = exc.message
    return cleaned, errors


#: Attributes of a role placeholder: {ketua.nama}, {anak.nik} ... (forms.loader accepts them).
PERSON_PLACEHOLDER_FIELDS: tuple[str, ...] = ("nama", "nik", "jenis_kelamin", "tanggal_lahir", "umur", "alamat",
                                              "telepon", "keterangan")
#: Placeholders naming the people of a case in a letter (models.persons.letter_values fills them).
PEOPLE_PLACEHOLDERS: frozenset[str] = frozenset(
    {f"{role}.{field}" for role in ROLE_KINDS for field in PERSON_PLACEHOLDER_FIELDS}
    | {"daftar_anggota", "daftar_pengurus", "nama_lembaga", "akta_notaris", "pengesahan", "npwp",
       "alamat_sekretariat", "sekretariat_sejak"})
