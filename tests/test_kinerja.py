"""The Laporan Kinerja Pelayanan: the dashboard's figures as CSV, XLSX and PDF read back with the
same figures (output.kinerja, output.kinerja_pdf), the domain export (models.kinerja) and
`desk laporan kinerja`."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from models.dashdto import Dashboard, DayCount, QueueNow, ServiceTiming, StaffTiming, StepTiming
from output import kinerja
from output.kinerja_pdf import CHART_LABEL, write_performance_pdf
from output.letterparts import Kop

KOP = Kop("PEMERINTAH KABUPATEN KUTAI KARTANEGARA", "DINAS SOSIAL", "Jl. Wolter Monginsidi No. 1, Tenggarong",
          kota="Tenggarong")


def _step(code: str, no: int, *, label: str = "15 menit", done: int = 10, within: int = 8,
          median: float | None = 600.0, p90: float | None = 1500.0, share: float | None = 0.5,
          p90_share: float | None = 1.25, open_now: int = 2, overdue: int = 1) -> StepTiming:
    standard = done if label else 0
    return StepTiming(
        service_code=code, step_no=no, uraian=f"Langkah {no} layanan {code}: petugas memeriksa berkas",
        pelaksana="Petugas", waktu_label=label, done=done, with_standard=standard,
        within=within if label else 0, median_seconds=median, p90_seconds=p90,
        median_share=share if label else None, p90_share=p90_share if label else None,
        open_now=open_now, overdue_now=overdue)


def _service(index: int, steps: int = 4) -> ServiceTiming:
    code = f"SVC{index:02d}"
    rows = tuple(_step(code, n, label="" if n == 3 else f"{n * 5} menit", done=10 * n + index, within=7 * n,
                       median=600.0 * n + index, p90=1500.0 * n, share=0.3 * n, p90_share=0.45 * n,
                       open_now=n, overdue=n // 2)
                 for n in range(1, steps + 1))
    case = StepTiming(service_code=code, step_no=0, uraian="Jangka waktu layanan", pelaksana="",
                      waktu_label="5 hari kerja", done=40 + index, with_standard=40 + index, within=33 + index,
                      median_seconds=216_000.0 + index * 3600, p90_seconds=363_000.0, median_share=0.7,
                      p90_share=1.3, open_now=6 + index, overdue_now=index)
    return ServiceTiming(code=code, name=f"Layanan Contoh {index}", bidang="Bidang Rehabilitasi Sosial",
                         jangka_waktu="5 hari kerja", case=case, steps=rows)


def _dashboard(services: int = 3, *, steps: dict[int, int] | None = None, staff: bool = True,
               per_month: bool = False) -> Dashboard:
    steps = steps or {}
    days = (tuple(DayCount(dt.date(2026, m, 1), 300 + m, 200, 260) for m in range(1, 13)) if per_month else
            tuple(DayCount(dt.date(2026, 11, d), (d * 3) % 17, (d * 3) % 17 // 2, (d * 3) % 17 * 3 // 4)
                  for d in range(1, 31)))
    people = (StaffTiming(1, "Rina Wulandari", "petugas", 1234, 1000, 875, 900.0),
              StaffTiming(2, "Budi [b]Santoso[/]", "kepala_bidang", 12, 10, 4, 7200.0)) if staff else None
    return Dashboard(
        office_id=1, office_code="KUKAR", office_name="Dinas Sosial Kabupaten Kutai Kartanegara",
        since=dt.date(2026, 1, 1) if per_month else dt.date(2026, 11, 1), until=dt.date(2026, 11, 30),
        computed_at=dt.datetime(2026, 12, 1, 10, 5), per_day=days, per_month=per_month,
        services=tuple(_service(i, steps.get(i, 4)) for i in range(1, services + 1)),
        queue=QueueNow(waiting=4, issued=57, served=50, median_wait_seconds=420.0, counters_open=3, counters=4),
        staff=people)


def _expected_rows(board: Dashboard) -> list[tuple]:
    """What every row of the table must say, straight from the DTO."""
    out = []
    for svc in board.services:
        for t in (svc.case, *svc.steps):
            pct = None if t.within_ratio is None else round(t.within_ratio * 100, 1)
            out.append((svc.code, svc.name, t.step_no,
                        "Jangka waktu layanan" if t.step_no == 0 else t.uraian, t.waktu_label, t.done,
                        t.with_standard, t.within, pct,
                        None if t.median_seconds is None else round(t.median_seconds),
                        None if t.p90_seconds is None else round(t.p90_seconds),
                        None if t.median_share is None else round(t.median_share * 100, 1),
                        None if t.p90_share is None else round(t.p90_share * 100, 1), t.open_now, t.overdue_now))
    return out


def _comparable(values: list, number=float) -> tuple:
    """A table row as _expected_rows gives it (text columns dropped), from the file's cells."""
    def num(v, kind=number):
        return None if v in ("", None) else kind(v)

    (code, name, no, uraian, label, done, standard, within, pct, med, med_text, p90, p90_text, med_share,
     p90_share, open_now, overdue) = values
    return (code, name, num(no, int), uraian, label or "", num(done, int), num(standard, int), num(within, int),
            num(pct), num(med, int), num(p90, int), num(med_share), num(p90_share), num(open_now, int),
            num(overdue, int)), med_text, p90_text


def _pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def _page_texts(path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


# ----------------------------------------------------------------------------------- texts

def test_indonesian_numbers_durations_and_periods():
    assert kinerja.persen(0.875) == "87,5%" and kinerja.persen(1.0) == "100%" and kinerja.persen(None) == "-"
    assert kinerja.persen(12.345) == "1.234,5%" and kinerja.persen(0.5, 0) == "50%"
    assert kinerja.angka(1234) == "1.234" and kinerja.angka(None) == "-"
    assert [kinerja.durasi(s) for s in (45, 600, 7500, 3600, 2 * 86400 + 4 * 3600, 86400, None)] == [
        "45 detik", "10 menit", "2 jam 5 menit", "1 jam", "2 hari 4 jam", "1 hari", "-"]
    assert kinerja.periode(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == "1-30 November 2026"
    assert kinerja.periode(dt.date(2026, 11, 5), dt.date(2026, 11, 5)) == "5 November 2026"
    assert kinerja.periode(dt.date(2026, 10, 1), dt.date(2026, 11, 30)) == "1 Oktober - 30 November 2026"
    assert kinerja.periode(dt.date(2025, 12, 1), dt.date(2026, 1, 31)) == "1 Desember 2025 - 31 Januari 2026"


# ------------------------------------------------------------------------------ CSV, XLSX

def test_csv_reads_back_with_the_dashboards_figures(tmp_path):
    board = _dashboard()
    path = kinerja.write_performance_table(board, tmp_path / "k.csv", "csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [c.header for c in kinerja.TIMING_COLUMNS]
    assert "Median (detik)" in rows[0] and "P90 % mutu baku" in rows[0]
    expected = _expected_rows(board)
    assert len(rows) - 1 == len(expected) == sum(1 + len(s.steps) for s in board.services)
    for row, want, timing in zip(rows[1:], expected, (t for s in board.services for t in (s.case, *s.steps))):
        got, med_text, p90_text = _comparable(row)
        assert got == want
        assert med_text == kinerja.durasi(timing.median_seconds) and p90_text == kinerja.durasi(timing.p90_seconds)
    # every service starts with its whole-case row
    assert [r[2:4] for r in rows[1:] if r[2] == "0"] == [["0", "Jangka waktu layanan"]] * 3
    # a step without a mutu baku has no share, not a zero
    no_standard = next(r for r in rows[1:] if r[0] == "SVC01" and r[2] == "3")
    assert no_standard[4] == "" and no_standard[8] == "" and no_standard[13] == ""


def test_xlsx_reads_back_with_the_dashboards_figures(tmp_path):
    board = _dashboard()
    path = kinerja.write_performance_table(board, tmp_path / "k.xlsx", "xlsx")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Kinerja", "Per hari", "Per petugas"]
    main = list(book["Kinerja"].iter_rows(values_only=True))
    assert main[0][0] == "Laporan Kinerja Pelayanan 1-30 November 2026"
    assert main[1][0] == "Dinas Sosial Kabupaten Kutai Kartanegara"
    assert list(main[2]) == [c.header for c in kinerja.TIMING_COLUMNS]
    expected = _expected_rows(board)
    assert len(main) - 3 == len(expected)
    for row, want in zip(main[3:], expected):
        got, _m, _p = _comparable(list(row))
        assert got == want
        assert isinstance(row[5], int) and isinstance(row[2], int)  # real numbers, not text
    days = list(book["Per hari"].iter_rows(values_only=True))
    assert [c for c in days[2]] == ["Tanggal", "Selesai", "Dengan mutu baku", "Tepat waktu", "% tepat waktu"]
    assert len(days) - 3 == len(board.per_day)
    for row, day in zip(days[3:], board.per_day):
        assert row[0].date() == day.day and row[1:4] == (day.done, day.with_standard, day.within)
    staff = list(book["Per petugas"].iter_rows(values_only=True))
    assert staff[3][:6] == ("Rina Wulandari", "Petugas", 1234, 1000, 875, 87.5)
    assert staff[4][0] == "Budi [b]Santoso[/]" and staff[4][1] == "Kepala bidang"  # literal, no markup


def test_xlsx_without_staff_figures_and_per_month(tmp_path):
    board = _dashboard(staff=False, per_month=True)
    book = load_workbook(kinerja.write_performance_table(board, tmp_path / "k.xlsx", "xlsx"), read_only=True)
    assert book.sheetnames == ["Kinerja", "Per bulan"]  # the role may not see figures per staff member
    months = list(book["Per bulan"].iter_rows(values_only=True))
    assert months[2][0] == "Bulan" and months[3][0] == "Januari 2026" and months[3][1] == 301
    assert months[0][0] == "Langkah selesai per bulan"


# ------------------------------------------------------------------------------------- PDF

def test_pdf_holds_title_office_period_services_and_their_figures(tmp_path):
    board = _dashboard()
    path = write_performance_pdf(board, tmp_path / "k.pdf", KOP)
    text = _pdf_text(path)
    for words in ("LAPORAN KINERJA PELAYANAN", "Dinas Sosial Kabupaten Kutai Kartanegara",
                  "Periode: 1-30 November 2026", "PEMERINTAH KABUPATEN KUTAI KARTANEGARA",
                  "Dicetak pada 1 Desember 2026 10.05", "Halaman 1 dari", "Ringkasan",
                  "Langkah SOP selesai per hari", "Kinerja per petugas", "Budi [b]Santoso[/]",
                  "Rina Wulandari Petugas 1.234 87,5% 15 menit"):
        assert words in text, words
    # the summary: cases done and within their jangka waktu (Indonesian numbers)
    cases = [s.case for s in board.services]
    done, within, standard = (sum(c.done for c in cases), sum(c.within for c in cases),
                              sum(c.with_standard for c in cases))
    assert f"Berkas selesai : {done}; tepat jangka waktu: {within} dari {standard} " \
           f"({kinerja.persen(within / standard)})" in text
    assert "4 menunggu; 57 tiket diambil, 50 dilayani; median waktu tunggu 7 menit; loket buka 3 dari 4" in text
    for number, svc in enumerate(board.services, start=1):
        assert f"{number}. {svc.name} ({svc.code})" in text
        for step in svc.steps:  # each step's row: its figures in table order
            row = (f"{step.step_no} {step.uraian} {step.waktu_label or '-'} {step.done} "
                   f"{kinerja.persen(step.within_ratio)} {kinerja.durasi(step.median_seconds)} "
                   f"{kinerja.durasi(step.p90_seconds)} {step.open_now} {step.overdue_now}")
            assert row in text, row
        case = svc.case
        assert (f"{case.done} {kinerja.persen(case.within_ratio)} {kinerja.durasi(case.median_seconds)} "
                f"{kinerja.durasi(case.p90_seconds)} {case.open_now} {case.overdue_now}") in text
    # one chart per service, with its 100% line labelled, and the bars' values
    assert text.count(CHART_LABEL) == len(board.services)
    assert "60% · P90 90%" in text and "tanpa mutu baku" in text


def test_pdf_charts_are_drawn(tmp_path):
    """Each service's chart draws its bars (filled rectangles) and the dashed 100% line."""
    board = _dashboard(services=1)
    path = write_performance_pdf(board, tmp_path / "k.pdf", KOP)
    contents = b"".join(p.get_contents().get_data() for p in PdfReader(path).pages)
    # a bar per step with a mutu baku (median and P90), the daily bars, and a dash pattern
    assert contents.count(b" re") >= 2 * 3 + 20
    assert re.search(rb"\[[0-9. ]+\] [0-9.]+ d", contents)


def test_a_long_catalog_never_leaves_a_heading_alone_at_a_page_bottom(tmp_path):
    # services of 1 to 9 steps, and SOPs longer than a page (their charts fill a page); the
    # overview of 10 services ends near the bottom of the first page, where the first starts
    sizes = {i: 1 + (i * 5) % 9 for i in range(1, 11)} | {1: 30, 2: 45, 7: 70, 9: 52}
    board = _dashboard(services=10, steps=sizes)
    path = write_performance_pdf(board, tmp_path / "k.pdf", KOP)
    pages = _page_texts(path)
    assert len(pages) > 10
    for number, svc in enumerate(board.services, start=1):
        heading = f"{number}. {svc.name} ({svc.code})"
        page = next(i for i, text in enumerate(pages) if heading in text)
        after = pages[page].split(heading, 1)[1]
        # the table's header and first step are on the heading's page
        assert "Uraian langkah" in after and svc.steps[0].uraian in after, heading
        if len(svc.steps) < 20:  # a section that fits a page is not split: its chart follows
            assert "Seluruh berkas (jangka waktu layanan)" in after and CHART_LABEL in after, heading
    # a table longer than a page repeats its header on the next page
    long_svc = board.services[1]
    first = next(i for i, text in enumerate(pages) if long_svc.steps[0].uraian in text)
    last = next(i for i, text in enumerate(pages) if long_svc.steps[-1].uraian in text)
    assert last > first and pages[last].startswith("No Uraian langkah")
    assert all(f"Halaman {i} dari {len(pages)}" in text for i, text in enumerate(pages, start=1))
    assert _pdf_text(path).count(CHART_LABEL) == 10


def test_a_service_without_activity_is_named_under_the_overview_not_detailed(tmp_path):
    from dataclasses import replace

    idle = ServiceTiming(code="SEPI", name="Layanan Sepi", bidang="", jangka_waktu="3 hari",
                         case=StepTiming("SEPI", 0, "", "", "3 hari"),
                         steps=(StepTiming("SEPI", 1, "Langkah yang tidak pernah berjalan", "Petugas", "1 jam"),))
    board = _dashboard(services=2)
    board = replace(board, services=(board.services[0], idle, board.services[1]))
    text = _pdf_text(write_performance_pdf(board, tmp_path / "k.pdf", KOP))
    assert "SEPI Layanan Sepi 0 - - - 0 0" in text  # in the overview, with nothing done
    assert "tanpa berkas berjalan (tidak dirinci di bawah): SEPI." in text
    assert "Langkah yang tidak pernah berjalan" not in text and text.count(CHART_LABEL) == 2
    assert "1. Layanan Contoh 1 (SVC01)" in text and "2. Layanan Contoh 2 (SVC02)" in text


def test_pdf_on_f4_paper(tmp_path):
    from dataclasses import replace

    path = write_performance_pdf(_dashboard(services=1, staff=False), tmp_path / "k.pdf", replace(KOP, kertas="F4"))
    box = PdfReader(path).pages[0].mediabox
    assert round(float(box.height) / 72 * 25.4) == 330
    assert "Kinerja per petugas" not in _pdf_text(path)


# ------------------------------------------------------------------------- domain, command line

def _walk(desk, session, clock, code: str, minutes: list[int]):
    """A case of ``code`` decided lengkap, then its steps finished after ``minutes[i]`` each."""
    from test_branches import lengkap_case

    case = lengkap_case(desk, session, code)
    for wait in minutes:
        clock.advance(minutes=wait)
        running = case.current_step
        outcome = True if running.decision_question else None
        case = desk.finish_step(session, case.id, outcome=outcome, step_no=running.no, reason="uji")
    return case


@pytest.fixture
def walked(desk_service, clock):
    """Cases of two services walked through their steps on Monday 23 November 2026; the clock
    then moves to 1 December (the report of November is last month's)."""
    supervisor = desk_service.login("supervisor", "supervisor123", 1)
    for minutes in ([3, 10, 30], [4, 20], [2]):
        _walk(desk_service, supervisor, clock, "SEMBAKO", minutes)
    _walk(desk_service, supervisor, clock, "KUBE", [1, 2, 3])
    clock.advance(days=8)
    return supervisor


def test_export_reads_back_with_the_dashboards_figures(desk_service, walked, clock):
    since, until = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    board = desk_service.dashboard(walked, since, until)
    done = {s.code: sum(t.done for t in s.steps) for s in board.services}
    assert done["SEMBAKO"] >= 6 and done["KUBE"] >= 3  # the cases above are counted
    csv_path = desk_service.export_performance(walked, since, until, "csv")
    assert csv_path == desk_service.ctx.output_dir / "laporan" / f"kinerja-{board.office_code}-2026-11-01-2026-11-30.csv"
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    assert [_comparable(r)[0] for r in rows] == _expected_rows(board)
    book = load_workbook(desk_service.export_performance(walked, since, until, "xlsx"), read_only=True)
    main = list(book["Kinerja"].iter_rows(values_only=True))[3:]
    assert [_comparable(list(r))[0] for r in main] == _expected_rows(board)
    assert "Per petugas" in book.sheetnames  # a supervisor may see figures per staff member
    pdf = desk_service.export_performance(walked, since, until, "pdf", path=desk_service.ctx.output_dir / "n.pdf")
    text = _pdf_text(pdf)
    assert "Periode: 1-30 November 2026" in text and "Dicetak pada 1 Desember 2026" in text
    sembako = next(s for s in board.services if s.code == "SEMBAKO")
    first = sembako.steps[0]
    assert f"{first.waktu_label} {first.done} {kinerja.persen(first.within_ratio)}" in text
    active = [s for s in board.services if any(t.done or t.open_now for t in (s.case, *s.steps))]
    assert text.count(CHART_LABEL) == len(active) >= 2
    # each export is in the audit trail
    from models.tables import AuditLog

    with desk_service.ctx.connection():
        audits = [r.detail for r in AuditLog.select().where(AuditLog.action == "ekspor_kinerja")]
    assert len(audits) == 3 and all('"dari": "2026-11-01"' in a for a in audits)


def test_export_refuses_a_bad_format_or_period_and_leaves_staff_figures_to_those_allowed(desk_service, walked,
                                                                                          session):
    from models.dto import DeskError

    since, until = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    with pytest.raises(DeskError, match="Format 'doc' tidak dikenal"):
        desk_service.export_performance(walked, since, until, "doc")
    with pytest.raises(DeskError, match="sebelum"):
        desk_service.export_performance(walked, until, since, "pdf")
    book = load_workbook(desk_service.export_performance(session, since, until, "xlsx"), read_only=True)
    assert book.sheetnames == ["Kinerja", "Per hari"]  # a petugas: no figures per staff member


def test_the_command_line_writes_last_months_report(desk_service, walked, tmp_path, db_url):
    from click.testing import CliRunner

    from desk.cli import cli

    base = ["--db", db_url, "--data-dir", str(tmp_path)]
    out = CliRunner().invoke(cli, [*base, "laporan", "kinerja", "--bulan", "2026-11", "--format", "xlsx",
                                   "--keluar", str(tmp_path / "nov.xlsx")], obj={}, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert f"Laporan Kinerja Pelayanan 1-30 November 2026 (XLSX) ditulis ke {tmp_path / 'nov.xlsx'}" in out.output
    rows = list(load_workbook(tmp_path / "nov.xlsx", read_only=True)["Kinerja"].iter_rows(values_only=True))[3:]
    sembako = [r for r in rows if r[0] == "SEMBAKO" and r[2] == 1]
    assert sembako and sembako[0][5] == 3  # the three SEMBAKO cases' first steps
    pdf = CliRunner().invoke(cli, [*base, "report", "kinerja", "--dari", "01-11-2026", "--sampai", "30-11-2026"],
                             obj={}, catch_exceptions=False)
    assert pdf.exit_code == 0 and ".pdf" in pdf.output
    assert "LAPORAN KINERJA PELAYANAN" in _pdf_text(pdf.output.rsplit("ditulis ke ", 1)[1].strip())
    both = CliRunner().invoke(cli, [*base, "laporan", "kinerja", "--bulan", "2026-11", "--dari", "01-11-2026"],
                              obj={})
    assert both.exit_code != 0 and "bukan keduanya" in both.output


def test_the_period_of_the_command_line():
    from desk.cli_kinerja import period_of

    today = dt.date(2026, 12, 1)
    assert period_of(today, None, None, None) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert period_of(dt.date(2026, 1, 15), None, None, None) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert period_of(today, "2024-02", None, None) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert period_of(today, "11-2026", None, None) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert period_of(today, None, dt.date(2026, 11, 10), None) == (dt.date(2026, 11, 10), today)
    import click

    with pytest.raises(click.BadParameter):
        period_of(today, "2026-13", None, None)
