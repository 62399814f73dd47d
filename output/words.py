"""Indonesian number words, amounts and dates for printed documents.

Pure functions with no dependencies beyond the standard library, so the
queue caller (spoken numbers) and the PDF documents share one spelling.
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = [
    "BULAN",
    "HARI",
    "format_ribuan",
    "format_rupiah",
    "format_tanggal",
    "format_tanggal_waktu",
    "format_waktu",
    "hari",
    "tanggal_terbilang",
    "terbilang",
]

_SATUAN = [
    "nol", "satu", "dua", "tiga", "empat", "lima",
    "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas",
]

# Scale words from the largest down; each entry is (value, word).
_SKALA = [
    (10**12, "triliun"),
    (10**9, "miliar"),
    (10**6, "juta"),
    (10**3, "ribu"),
]

BULAN = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]

HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def _below_thousand(n: int) -> list[str]:
    """Spell 1..999 as a list of words.

    Args:
        n: A number from 1 to 999.

    Returns:
        The words, e.g. ["seratus", "dua", "belas"] for 112.
    """
    words: list[str] = []
    ratus, sisa = divmod(n, 100)
    if ratus == 1:
        words.append("seratus")
    elif ratus > 1:
        words += [_SATUAN[ratus], "ratus"]
    if sisa == 0:
        return words
    if sisa < 12:
        words.append(_SATUAN[sisa])
    elif sisa < 20:
        words += [_SATUAN[sisa - 10], "belas"]
    else:
        puluh, satu = divmod(sisa, 10)
        words += [_SATUAN[puluh], "puluh"]
        if satu:
            words.append(_SATUAN[satu])
    return words


def terbilang(n: int) -> str:
    """Spell an integer in Indonesian words.

    Args:
        n: Any integer (negative numbers get "minus").

    Returns:
        Lower-case words, e.g. "dua belas", "seribu", "satu juta dua ratus ribu".
    """
    n = int(n)
    if n == 0:
        return "nol"
    if n < 0:
        return "minus " + terbilang(-n)
    words: list[str] = []
    rest = n
    for value, name in _SKALA:
        count, rest = divmod(rest, value)
        if not count:
            continue
        if value == 1000 and count == 1:
            words.append("seribu")
        elif value == 10**12 and count >= 1000:
            words += [terbilang(count), name]
        else:
            words += _below_thousand(count) + [name]
    if rest:
        words += _below_thousand(rest)
    return " ".join(words)


def format_ribuan(n: int) -> str:
    """Group thousands with dots, Indonesian style.

    Args:
        n: An integer.

    Returns:
        The number as text, e.g. "51.870" or "-1.000".
    """
    n = int(n)
    text = f"{abs(n):,}".replace(",", ".")
    return "-" + text if n < 0 else text


def format_rupiah(amount: int, words: bool = True) -> str:
    """Format an amount of rupiah as written in letters.

    Args:
        amount: Whole rupiah.
        words: Append the amount in words in parentheses.

    Returns:
        E.g. "Rp 900.000,- (sembilan ratus ribu rupiah)" or "Rp 900.000,-".
    """
    text = f"Rp {format_ribuan(amount)},-"
    if words:
        text += f" ({terbilang(amount)} rupiah)"
    return text


def format_tanggal(d: date) -> str:
    """Format a date as written in letters.

    Args:
        d: A date (or datetime).

    Returns:
        E.g. "22 Mei 2024".
    """
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def format_waktu(dt: datetime) -> str:
    """Format a time of day with the Indonesian dot separator.

    Args:
        dt: A datetime or time.

    Returns:
        E.g. "10.05".
    """
    return f"{dt.hour:02d}.{dt.minute:02d}"


def format_tanggal_waktu(dt: datetime) -> str:
    """Format a date and time of day.

    Args:
        dt: A datetime.

    Returns:
        E.g. "22 Mei 2024 10.05".
    """
    return f"{format_tanggal(dt)} {format_waktu(dt)}"


def hari(d: date) -> str:
    """Name the day of the week.

    Args:
        d: A date.

    Returns:
        E.g. "Senin".
    """
    return HARI[d.weekday()]


def tanggal_terbilang(d: date) -> str:
    """Spell a date as the opening of a berita acara reads it.

    Args:
        d: A date (or datetime).

    Returns:
        E.g. "Kamis tanggal tiga bulan Desember tahun dua ribu dua puluh enam".
    """
    return (f"{hari(d)} tanggal {terbilang(d.day)} bulan {BULAN[d.month - 1]} "
            f"tahun {terbilang(d.year)}")
