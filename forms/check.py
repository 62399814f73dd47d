"""Find internal inconsistencies in the service catalog (``desk katalog periksa``).

The catalog keeps each document's own values even where they contradict each other (the SOP
table's stated "Jumlah" against the sum of its step times, the Standar Pelayanan's jangka waktu
against the SOP). This module reports such contradictions so that the office can take them up with
the document's owner; it never changes the values.

Time arithmetic: 1 jam = 60 menit, 1 hari = 1.440 menit, ``hari kerja`` counted as calendar days
(the sum of SOP step times has no calendar to count working days against), 1 bulan = 30 hari,
1 tahun = 365 hari.

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from forms.catalog import Catalog, Duration, Service

MINUTES_PER_UNIT: dict[str, int] = {
    "menit": 1,
    "jam": 60,
    "hari": 1440,
    "hari kerja": 1440,  # counted as calendar days in sums (see module docstring)
    "bulan": 30 * 1440,
    "tahun": 365 * 1440,
}

#: Severities, most serious first.
SEVERITIES: tuple[str, ...] = ("peringatan", "info")


@dataclass(frozen=True)
class Finding:
    """One inconsistency or gap found in a service.

    Attributes:
        code: The service's kode.
        severity: ``"peringatan"`` (the document contradicts itself) or ``"info"``.
        message: What is wrong, in Indonesian.
    """

    code: str
    severity: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.severity}: {self.message}"


def duration_minutes(d: Duration) -> int:
    """Convert a duration to minutes.

    Args:
        d: The duration; ``hari kerja`` counts as calendar days, bulan = 30 hari, tahun = 365 hari.

    Returns:
        Whole minutes (rounded).

    Raises:
        ValueError: if the unit is unknown.
    """
    try:
        factor = MINUTES_PER_UNIT[d.unit]
    except KeyError:
        raise ValueError(f"satuan '{d.unit}' tidak dikenal") from None
    return int(round(d.value * factor))


def format_thousands(n: int) -> str:
    """Format an integer with the Indonesian thousands separator: ``51870 -> "51.870"``."""
    sign = "-" if n < 0 else ""
    return sign + f"{abs(n):,}".replace(",", ".")


def format_minutes(minutes: int) -> str:
    """Format a number of minutes as ``"51.870 menit"``."""
    return f"{format_thousands(minutes)} menit"


def format_duration(minutes: int) -> str:
    """Format minutes in days, hours and minutes: ``51870 -> "36 hari 30 menit"``.

    Args:
        minutes: Non-negative number of minutes.

    Returns:
        E.g. ``"21 hari 10 jam"``, ``"5 menit"``, ``"0 menit"``.
    """
    if minutes <= 0:
        return "0 menit"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{format_thousands(days)} hari")
    if hours:
        parts.append(f"{hours} jam")
    if mins:
        parts.append(f"{mins} menit")
    return " ".join(parts)


def format_span(minutes: int) -> str:
    """``"36 hari 30 menit (51.870 menit)"``, or just ``"45 menit"`` below an hour."""
    if minutes < 60:
        return format_minutes(minutes)
    return f"{format_duration(minutes)} ({format_minutes(minutes)})"


def _stated(d: Duration) -> str:
    """A stated duration in its own unit, with the conversion: ``"51.856 menit (36 hari 16 menit)"``."""
    minutes = duration_minutes(d)
    if d.unit == "menit":
        own = format_minutes(minutes)
        return own if minutes < 60 else f"{own} ({format_duration(minutes)})"
    return f"{d.label()} ({format_minutes(minutes)})"


def sop_total_minutes(service: Service) -> int | None:
    """Return the sum of the SOP step times in minutes, or None when no step has a time."""
    times = [duration_minutes(s.waktu) for s in service.steps if s.waktu is not None]
    return sum(times) if times else None


def _join_numbers(numbers: list[int]) -> str:
    """``[1] -> "1"``, ``[1, 4, 5] -> "1, 4 dan 5"``."""
    words = [str(n) for n in numbers]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " dan " + words[-1]


def check_service(service: Service) -> list[Finding]:
    """Report the inconsistencies and gaps of one service.

    Args:
        service: The service.

    Returns:
        Findings, ``peringatan`` first.
    """
    out: list[Finding] = []

    def add(severity: str, message: str) -> None:
        out.append(Finding(service.code, severity, message))

    total = sop_total_minutes(service)
    timed = [s for s in service.steps if s.waktu is not None]
    untimed = [s.no for s in service.steps if s.waktu is None]
    uses_workdays = any(s.waktu.unit == "hari kerja" for s in timed)

    # 1. The SOP table's stated total against the sum of its step times.
    stated = service.sop_total_stated
    if stated is not None:
        stated_min = duration_minutes(stated)
        if total is None:
            add("peringatan",
                f"Tabel SOP menyebut Jumlah {format_span(stated_min)}, tetapi tidak ada langkah "
                "yang mencantumkan waktu.")
        elif total != stated_min:
            add("peringatan",
                f"Jumlah waktu langkah SOP {format_span(total)} berbeda dengan Jumlah yang tertulis "
                f"di tabel SOP: {_stated(stated)}; selisih {format_minutes(abs(total - stated_min))}.")

    # 2. The Standar Pelayanan's jangka waktu against the SOP.
    jw = service.jangka_waktu
    if jw is None:
        add("info", "Dokumen tidak mencantumkan jangka waktu penyelesaian.")
    elif total is not None:
        jw_min = duration_minutes(jw)
        if total > jw_min:
            note = " (hari kerja dihitung sebagai hari kalender)" if jw.unit == "hari kerja" else ""
            jw_text = jw.label() if jw.unit == "menit" else f"{jw.label()} ({format_minutes(jw_min)})"
            add("peringatan",
                f"Jangka waktu penyelesaian {jw_text}{note} lebih pendek dari jumlah waktu "
                f"langkah SOP {format_span(total)}.")

    # 3. Steps without a standard time.
    if timed and untimed:
        word = "Langkah" if len(untimed) == 1 else "Langkah-langkah"
        add("peringatan",
            f"{word} {_join_numbers(untimed)} tidak mencantumkan mutu baku waktu; jumlah waktu "
            "SOP dihitung tanpa langkah tersebut.")
    elif not timed:
        add("info",
            "Langkah tidak mencantumkan mutu baku waktu (dokumen tanpa tabel SOP); jangka waktu "
            "tidak dapat dibandingkan dengan jumlah waktu langkah.")
    if uses_workdays:
        add("info", "Waktu langkah dalam hari kerja dijumlahkan sebagai hari kalender.")

    # 4. Conditions nobody uses.
    used = {it.condition_id for it in service.persyaratan if it.kind == "bersyarat"}
    # a kategori question (Condition.group) chooses the criteria of its kategori
    groups = {cr.group for cr in service.kriteria if cr.group}
    used |= {c.id for c in service.conditions if getattr(c, "group", "") in groups}
    for cond in service.conditions:
        if cond.id not in used:
            add("peringatan",
                f"Kondisi '{cond.id}' tidak dipakai oleh persyaratan bersyarat mana pun.")

    # 5. Age limits that cannot be meant as written.
    for cr in service.kriteria:
        label = f"{cr.group} {cr.text}".lower()
        if cr.kind == "usia" and cr.min is not None and cr.min >= 18 and "anak" in label:
            where = f" kelompok '{cr.group}'" if cr.group else ""
            add("peringatan",
                f"Kriteria usia{where} minimal {cr.min} tahun, padahal anak menurut "
                "UU 35/2014 berusia di bawah 18 tahun; periksa dokumen (mungkin maksudnya "
                "maksimal).")

    # 6. The benefit amount should appear in the product text.
    if service.benefit_rupiah:
        amount = format_thousands(service.benefit_rupiah)
        if amount not in service.produk:
            add("peringatan",
                f"Manfaat Rp {amount} per {service.benefit_period} tidak disebut dalam produk "
                "layanan.")

    # 7. Nothing happens at the counter.
    if not any(s.loket for s in service.steps):
        add("info",
            "Tidak ada langkah loket (loket = true); desk hanya mencatat penerimaan dan tanda "
            "terima.")

    out.sort(key=lambda f: SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 99)
    return out


def check_catalog(catalog: Catalog | Iterable[Service]) -> list[Finding]:
    """Report the inconsistencies of every service in the catalog.

    Args:
        catalog: The catalog (or any iterable of services).

    Returns:
        Findings in catalog order; within one service, ``peringatan`` before ``info``.
    """
    findings: list[Finding] = []
    for service in catalog:
        findings.extend(check_service(service))
    return findings
