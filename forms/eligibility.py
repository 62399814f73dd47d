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
    cr: Criterion, *, age: int | None, sex: str, kabupaten: str, member_count: int | None
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
                f"Layanan ini untuk penduduk Kabupaten {cr.value} "
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

    Returns:
        Indonesian warnings, e.g. ``"Usia 61 tahun di luar kriteria layanan (maksimum 58 tahun)"``;
        empty when nothing is out of range.
    """
    facts = {"age": age, "sex": (sex or "").strip().upper(), "kabupaten": kabupaten or "",
             "member_count": member_count}
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
