"""Indonesian number words, amounts and dates (output.words)."""

from datetime import date, datetime

import pytest

from output.words import (
    format_ribuan,
    format_rupiah,
    format_tanggal,
    format_tanggal_waktu,
    format_waktu,
    hari,
    terbilang,
)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (100, "seratus"),
        (101, "seratus satu"),
        (111, "seratus sebelas"),
        (112, "seratus dua belas"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (2000, "dua ribu"),
        (12345, "dua belas ribu tiga ratus empat puluh lima"),
        (100000, "seratus ribu"),
        (111000, "seratus sebelas ribu"),
        (900000, "sembilan ratus ribu"),
        (1000000, "satu juta"),
        (1200000, "satu juta dua ratus ribu"),
        (2500000, "dua juta lima ratus ribu"),
        (1001000, "satu juta seribu"),
        (1_000_000_000, "satu miliar"),
        (2_000_000_000_000, "dua triliun"),
    ],
)
def test_terbilang(n: int, words: str) -> None:
    assert terbilang(n) == words


def test_terbilang_negative() -> None:
    assert terbilang(-12) == "minus dua belas"


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (999, "999"), (1000, "1.000"), (51870, "51.870"),
     (1_000_000, "1.000.000"), (-2500, "-2.500")],
)
def test_format_ribuan(n: int, text: str) -> None:
    assert format_ribuan(n) == text


def test_format_rupiah() -> None:
    assert format_rupiah(900000) == "Rp 900.000,- (sembilan ratus ribu rupiah)"
    assert format_rupiah(1200000) == "Rp 1.200.000,- (satu juta dua ratus ribu rupiah)"
    assert format_rupiah(900000, words=False) == "Rp 900.000,-"


def test_format_tanggal() -> None:
    assert format_tanggal(date(2024, 5, 22)) == "22 Mei 2024"
    assert format_tanggal(date(2026, 1, 1)) == "1 Januari 2026"
    assert format_tanggal(date(2025, 12, 31)) == "31 Desember 2025"


def test_format_tanggal_waktu_uses_dot_in_time() -> None:
    dt = datetime(2024, 5, 22, 10, 5)
    assert format_tanggal_waktu(dt) == "22 Mei 2024 10.05"
    assert format_waktu(datetime(2024, 5, 22, 7, 30)) == "07.30"


def test_hari() -> None:
    assert hari(date(2024, 5, 20)) == "Senin"
    assert hari(date(2024, 5, 22)) == "Rabu"
    assert hari(date(2024, 5, 24)) == "Jumat"
    assert hari(date(2024, 5, 26)) == "Minggu"
