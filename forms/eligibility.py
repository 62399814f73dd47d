"""Compare an applicant with a service's criteria and warn the operator.

The result is advice, never a refusal: the operator decides. Only the criteria that can be checked
from what the desk knows are checked (age and sex from the NIK, kabupaten of residence, group
size); DTKS membership, exclusions (PNS, TNI ...) and the like are shown as a checklist elsewhere.

For services whose criteria are split into categories (``Criterion.group``, e.g. Kukar Idaman:
Lanjut Usia Telantar, Anak Telantar, ...), the applicant needs to fit only one category, so a
warning is given only when no category fits.

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from forms.catalog import Criterion, Service

_SEX_WORDS = {"L": "laki-laki", "P": "perempuan"}
_KAB_PREFIX = re.compile(r"^(kabupaten|kab\.?|kota)\s+", re.IGNORECASE)


def normalize_kabupaten(name: str) -> str:
    """Normalise a kabupaten name for comparison: ``"Kab. Kutai  Kartanegara" -> "kutai kartanegara"``."""
    text = " ".join((name or "").split()).strip()
    text = _KAB_PREFIX.sub("", text)
    return text.lower()


def _age_range(cr: Criterion) -> str:
    if cr.min is not None and cr.max is not None:
        return f"{cr.min}-{cr.max} tahun"
    if cr.max is not None:
        return f"maksimum {cr.max} tahun"
    return f"minimal {cr.min} tahun"


def _check_one(
    cr: Criterion, *, age: int | None, sex: str, kabupaten: str, member_count: int | None,
    region: str = "Kabupaten",
) -> str | None:
    """Return the warning for one criterion, or None when it holds or cannot be checked."""
    if cr.kind == "usia" and age is not None:
        if (cr.min is not None and age < cr.min) or (cr.max is not None and age > cr.max):
            return f"Usia {age} tahun di luar kriteria layanan ({_age_range(cr)})"
    elif cr.kind == "jenis_kelamin" and sex in _SEX_WORDS and cr.value in _SEX_WORDS:
        if sex != cr.value:
            return (
                f"Layanan ini untuk {_SEX_WORDS[cr.value]} "
                f"(NIK menunjukkan {_SEX_WORDS[sex]})"
            )
    elif cr.kind == "domisili" and kabupaten.strip() and cr.value:
        if normalize_kabupaten(kabupaten) != normalize_kabupaten(cr.value):
            return (
                f"Layanan ini untuk penduduk {region} {cr.value} "
                f"(domisili pemohon: {kabupaten.strip()})"
            )
    elif cr.kind == "jumlah_anggota" and member_count is not None:
        if cr.min is not None and member_count < cr.min:
            return f"Jumlah anggota {member_count} kurang dari minimal {cr.min} orang"
        if cr.max is not None and member_count > cr.max:
            return f"Jumlah anggota {member_count} lebih dari maksimal {cr.max} orang"
    return None


def check_eligibility(
    service: Service,
    *,
    age: int | None,
    sex: str,
    kabupaten: str,
    member_count: int | None,
    chosen_groups: Collection[str] = (),
    region: str = "Kabupaten",
) -> list[str]:
    """Warn where the applicant falls outside the service's stated criteria.

    Args:
        service: The service.
        age: Age in years (from the NIK), or None if unknown.
        sex: ``"L"``, ``"P"`` or ``""`` if unknown.
        kabupaten: Kabupaten of residence, or ``""`` if not given (then domicile is not checked).
        member_count: Number of group members, or None.
        chosen_groups: The categories the operator chose at the counter (the kategori
            questions); each chosen one that the applicant does not fit is named. With none
            chosen, a warning is given only when no category fits.
        region: "Kabupaten" or "Kota": how the office's area is named (from the office).

    Returns:
        Indonesian warnings, e.g. ``"Usia 61 tahun di luar kriteria layanan (maksimum 58 tahun)"``;
        empty when nothing is out of range.
    """
    facts = {"age": age, "sex": (sex or "").strip().upper(), "kabupaten": kabupaten or "",
             "member_count": member_count, "region": region}
    warnings: list[str] = []
    groups: dict[str, list[str]] = {}
    for cr in service.kriteria:
        msg = _check_one(cr, **facts)
        if cr.group:
            groups.setdefault(cr.group, [])
            if msg:
                groups[cr.group].append(msg)
        elif msg:
            warnings.append(msg)

    chosen = [name for name in groups if name in set(chosen_groups)]
    if chosen:
        for name in chosen:
            if groups[name]:
                warnings.append(f"Kategori {name}: {', '.join(groups[name])}")
    elif groups and all(groups.values()):
        detail = "; ".join(f"{name}: {', '.join(msgs)}" for name, msgs in groups.items())
        warnings.append(f"Tidak ada kategori layanan yang sesuai ({detail})")
    return warnings


#: Criterion kinds the desk checks from the applicant's data; the others the officer verifies.
CHECKED_KINDS: frozenset[str] = frozenset({"usia", "jenis_kelamin", "domisili", "jumlah_anggota"})


@dataclass(frozen=True)
class CriterionCheck:
    """One criterion as checked for an applicant.

    Attributes:
        criterion: The catalog's criterion.
        status: ``memenuhi``, ``tidak_memenuhi``, ``perlu_diperiksa`` (checkable kind, but the
            data to check it is missing) or ``diperiksa_petugas`` (a fact the officer verifies).
        detail: Why (the warning text for tidak_memenuhi; what is missing for perlu_diperiksa).
    """

    criterion: Criterion
    status: str
    detail: str = ""


def _missing_fact(cr: Criterion, *, age: int | None, sex: str, kabupaten: str,
                  member_count: int | None) -> str:
    """What the desk lacks to check ``cr`` ("" when it can check it)."""
    if cr.kind == "usia" and age is None:
        return "tanggal lahir belum diketahui"
    if cr.kind == "jenis_kelamin" and sex not in _SEX_WORDS:
        return "jenis kelamin belum diketahui"
    if cr.kind == "domisili" and not (kabupaten or "").strip():
        return "kabupaten/kota domisili belum diisi"
    if cr.kind == "jumlah_anggota" and member_count is None:
        return "jumlah anggota belum diisi"
    return ""


def assess(
    service: Service,
    *,
    age: int | None,
    sex: str,
    kabupaten: str,
    member_count: int | None,
    chosen_groups: Collection[str] = (),
    region: str = "Kabupaten",
) -> list[CriterionCheck]:
    """Every criterion of ``service`` with its status for this applicant (the lengkap dialog).

    For services whose criteria come in categories, only the categories chosen at the counter
    are listed (all of them when none was chosen).
    """
    sex = (sex or "").strip().upper()
    chosen = set(chosen_groups)
    facts = {"age": age, "sex": sex, "kabupaten": kabupaten or "", "member_count": member_count}
    groups = {cr.group for cr in service.kriteria if cr.group}
    if groups and not chosen:  # none chosen: the categories the applicant fits (else all)
        fitting = {g for g in groups if not any(
            _check_one(cr, **facts) for cr in service.kriteria if cr.group == g)}
        chosen = fitting or groups
    out: list[CriterionCheck] = []
    for cr in service.kriteria:
        if cr.group and cr.group not in chosen:
            continue
        if cr.kind not in CHECKED_KINDS:
            out.append(CriterionCheck(cr, "diperiksa_petugas"))
            continue
        missing = _missing_fact(cr, age=age, sex=sex, kabupaten=kabupaten, member_count=member_count)
        if missing:
            out.append(CriterionCheck(cr, "perlu_diperiksa", missing))
            continue
        warning = _check_one(cr, age=age, sex=sex, kabupaten=kabupaten, member_count=member_count,
                             region=region)
        out.append(CriterionCheck(cr, "tidak_memenuhi" if warning else "memenuhi", warning or ""))
    return out


def region_kind(office_name: str, kabupaten: str = "") -> str:
    """"Kota" for a city office (its name or area says Kota), else "Kabupaten"."""
    text = f" {office_name} {kabupaten} ".lower()
    return "Kota" if " kota " in text and " kabupaten " not in text else "Kabupaten"


def member_warnings(service: Service, members: Collection[tuple[str, int | None]]) -> list[str]:
    """The members of a group (name, age) outside the service's age criterion (KUBE: every
    member of working age); members without a known age are not checked."""
    if service.applicant_kind != "kelompok":
        return []
    out = []
    for cr in service.kriteria:
        if cr.kind != "usia" or cr.group:
            continue
        for name, age in members:
            warning = _check_one(cr, age=age, sex="", kabupaten="", member_count=None)
            if warning:
                out.append(f"Anggota {name}: {warning[0].lower()}{warning[1:]}")
    return out
