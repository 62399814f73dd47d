"""The dashboard at 80x24 on a seeded database (cases walked through the real domain with a
fixed clock): the counts of a period and of another, a step finished at another desk shown
without a key press, the staff tab only for roles allowed it, dates typed and checked at their
fields, ``desk dasbor`` for supervisors only, the report exported from it; the period dialog
and the office choice on a stand-in facade; the bar, periods and dates as units; one snapshot.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.text import Text
from textual.widgets import DataTable, TabbedContent

from desk.app import create_app
from desk.cli import cli
from desk.wiring import make_service
from models.dashdto import (
    Dashboard,
    DayCount,
    OfficeChoice,
    QueueNow,
    ServiceTiming,
    StaffTiming,
    StepTiming,
)
from models.dto import AuthError, SessionInfo
from screens.dashboard import DashboardScreen
from screens.dashdialogs import RangeDialog
from screens.dashparts import (
    BAR_WIDTH,
    fmt_duration,
    parse_tanggal,
    period_label,
    period_range,
    share_bar,
    shift_period,
)
from screens.deadlines import DeadlinesScreen
from screens.dialogs import MessageDialog
from screens.login import LoginScreen
from screens.widgets import FieldError, PlainStatic
from test_snapshots import NOW, FakeDesk
from test_tui_deadlines import footer_fits, lengkap, screen_lines, sign_in
from tui_helpers import burst, notifications, settle, shown, type_into

SIZE = (80, 24)
STAFF_NAME = "[b]Siti[/] Rahayu"


def finish(desk, session, case, clock, minutes: int):
    """Finish the case's running step after ``minutes``."""
    clock.advance(minutes=minutes)
    return desk.finish_step(session, case.id, step_no=case.current_step.no, reason="uji")


@pytest.fixture
def history(desk_service, session, clock):
    """SEMBAKO: in October one case through steps 1 and 2; today (Monday 23 November) two
    cases through step 1, one of them by a petugas named like markup; both wait at step 2."""
    system = desk_service.principal("sistem")
    desk_service.add_staff(system, "siti", STAFF_NAME, "rahasia123", "petugas")
    siti = desk_service.login("siti", "rahasia123", 2)
    today = clock.current
    clock.current = dt.datetime(2026, 10, 12, 9, 0, tzinfo=today.tzinfo)
    october = lengkap(desk_service, session, "SEMBAKO", "6403055507900010", "Ani")
    october = finish(desk_service, session, october, clock, 30)
    finish(desk_service, session, october, clock, 45)
    clock.current = today
    first = lengkap(desk_service, session, "SEMBAKO", "6403055507900011", "Budi")
    first = finish(desk_service, session, first, clock, 20)
    second = lengkap(desk_service, session, "SEMBAKO", "6403055507900012", "Citra")
    finish(desk_service, siti, second, clock, 25)
    return {"first": first.id}


def cell(app, row: str, column: str) -> str:
    """One cell of the steps table, as shown."""
    table = app.screen.query_one("#dash-steps", DataTable)
    return str(table.get_cell(row, column))


async def wait_for(pilot, check, seconds: float = 5.0) -> bool:
    """Wait (without pressing anything) until ``check()`` holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        await pilot.pause(0.05)
    return check()


async def test_counts_of_a_period_another_period_and_another_desk(desk_service, history, config,
                                                                  clock) -> None:
    app = create_app(desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "supervisor", "supervisor123")
        assert isinstance(app.screen, DeadlinesScreen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        footer_fits(app)

        # this month: two step 1 done today, none of step 2; both cases wait at step 2
        title = shown(app.screen.query_one("#dash-title", PlainStatic))
        assert "Bulan ini (01-11-2026 s.d. 23-11-2026)" in title
        assert (cell(app, "SEMBAKO:1", "done"), cell(app, "SEMBAKO:2", "done")) == ("2", "0")
        assert cell(app, "SEMBAKO:2", "open") == "2"
        assert cell(app, "SEMBAKO:1", "median").startswith("00:2")  # 20 and 25 minutes
        assert "Antrean hari ini: 0 menunggu" in shown(app.screen.query_one("#dash-queue", PlainStatic))

        # last month (l): the October case, steps 1 and 2
        await pilot.press("l")
        await settle(pilot)
        assert (cell(app, "SEMBAKO:1", "done"), cell(app, "SEMBAKO:2", "done")) == ("1", "1")
        assert "Bulan lalu (01-10-2026 s.d. 31-10-2026)" in shown(app.screen.query_one("#dash-title", PlainStatic))
        await pilot.press("b")
        await settle(pilot)
        table = app.screen.query_one("#dash-steps", DataTable)
        table.move_cursor(row=table.get_row_index("SEMBAKO:2"))

        # a step finished at another desk shows without a key press; the cursor stays on its row
        other_desk = make_service(config, clock=clock)
        other_desk.open()
        try:
            other = other_desk.login("petugas2", "petugas123", 2)
            other_desk.finish_step(other, history["first"], step_no=2, reason="uji")
        finally:
            other_desk.close()
        assert await wait_for(pilot, lambda: cell(app, "SEMBAKO:2", "done") == "1")
        assert cell(app, "SEMBAKO:2", "open") == "1"
        assert table.ordered_rows[table.cursor_row].key.value == "SEMBAKO:2"

        # the staff tab: figures per petugas, a markup-looking name as typed
        await pilot.press("3")
        await settle(pilot)
        staff = app.screen.query_one("#dash-staff", DataTable)
        names = [str(staff.get_cell(row.key, "name")) for row in staff.ordered_rows]
        assert STAFF_NAME in names
        assert any(STAFF_NAME in line for line in screen_lines(app))

        # the days: a sparkline and its range
        await pilot.press("2")
        await settle(pilot)
        assert "Langkah selesai per hari" in "\n".join(screen_lines(app))
        assert "Jumlah 3" in shown(app.screen.query_one("#dash-day-summary", PlainStatic))

        # j: back to the list it was opened from; Escape from the dashboard as well
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)


async def test_a_petugas_sees_no_staff_tab(desk_service, history) -> None:
    app = create_app(desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "petugas", "petugas123")
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.shown is not None and app.screen.shown.staff is None
        tabs = app.screen.query_one("#dash-tabs", TabbedContent)
        assert not tabs.get_tab("tab-petugas").display
        assert "Langkah" in screen_lines(app)[3] and "Petugas" not in screen_lines(app)[3]
        await pilot.press("3")
        await settle(pilot)
        assert tabs.active == "tab-langkah"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)


async def test_dates_are_checked_at_their_fields(desk_service, history) -> None:
    app = create_app(desk_service, "dasbor")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "supervisor", "supervisor123")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, RangeDialog)
        await type_into(pilot, "#range-since", "31-02-2026")
        await pilot.press("enter")
        await settle(pilot)
        error = app.screen.query_one("#e-range-since", FieldError)
        assert "31-02-2026 tidak ada di kalender" in str(error.render())
        await type_into(pilot, "#range-since", "1 Okt")
        await pilot.press("enter")
        assert "hh-bb-tttt" in str(error.render())
        await type_into(pilot, "#range-since", "01-10-2026")
        await pilot.press("enter")
        await type_into(pilot, "#range-until", "30-09-2026")
        await pilot.press("enter")
        await settle(pilot)
        assert "tidak boleh sebelum" in str(app.screen.query_one("#e-range-until", FieldError).render())
        await type_into(pilot, "#range-until", "31-10-2026")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "01-10-2026 s.d. 31-10-2026" in shown(app.screen.query_one("#dash-title", PlainStatic))
        assert cell(app, "SEMBAKO:1", "done") == "1"


async def test_desk_dasbor_is_for_supervisors(desk_service) -> None:
    """A petugas is told why and signed out; a supervisor lands on the dashboard, where q quits
    (it is the first screen) and there is nothing to go back to."""
    app = create_app(desk_service, "dasbor", periode="hari")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "petugas", "petugas123")
        assert isinstance(app.screen, MessageDialog)
        assert "hanya untuk supervisor" in app.screen._message  # noqa: SLF001
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.session is None
        await sign_in(pilot, "supervisor", "supervisor123")
        assert isinstance(app.screen, DashboardScreen)
        assert "Hari ini (23-11-2026)" in shown(app.screen.query_one("#dash-title", PlainStatic))
        bottom = screen_lines(app)[-1]
        assert "q Keluar" in bottom and "Kembali" not in bottom
        footer_fits(app)

        # e: the report of the period shown, here as CSV, saved in the documents folder
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        saved = [m for m in notifications(app) if m.startswith("Laporan kinerja tersimpan: ")]
        assert saved and saved[0].endswith(".csv")
        assert Path(saved[0].removeprefix("Laporan kinerja tersimpan: ")).is_file()


async def test_a_named_period_moves_with_the_day(desk_service, clock) -> None:
    """A dashboard left open over midnight: "Hari ini" is the new day at the next refresh."""
    app = create_app(desk_service, "dasbor", periode="hari")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "supervisor", "supervisor123")
        title = lambda: shown(app.screen.query_one("#dash-title", PlainStatic))  # noqa: E731
        assert "Hari ini (23-11-2026)" in title()
        clock.advance(days=1)
        await pilot.press("r")
        assert await wait_for(pilot, lambda: "Hari ini (24-11-2026)" in title())


def test_desk_dasbor_help_and_wrong_dates() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["dasbor", "--help"], obj={}, prog_name="desk")
    assert result.exit_code == 0
    for words in ("Penggunaan: desk dasbor", "--periode", "--dari", "--sampai", "HH-BB-TTTT",
                  "Tampilkan bantuan ini"):
        assert words in result.output
    assert "Usage" not in result.output
    wrong = runner.invoke(cli, ["dasbor", "--dari", "31-02-2026"], obj={}, prog_name="desk")
    assert wrong.exit_code == 2 and "tidak ada di kalender" in wrong.output
    both = runner.invoke(cli, ["dashboard", "--periode", "hari", "--dari", "01-10-2026"], obj={},
                         prog_name="desk")
    assert both.exit_code == 2 and "bukan keduanya" in both.output


# -- the pieces --------------------------------------------------------------------------------

def colours(bar: Text) -> list[str]:
    """The style of each cell of a bar."""
    return [str(bar.get_style_at_offset(None, i)) for i in range(len(bar))]  # type: ignore[arg-type]


def test_the_bar_marks_the_mutu_baku_and_colours_the_median() -> None:
    under = share_bar(0.5, 0.7, 0.8)
    assert len(under) == BAR_WIDTH and under.plain[7] == "│"
    assert "green" in str(under.spans) and "grey50" in str(under.spans)
    assert "yellow" in str(share_bar(0.9, 0.95, 0.8).spans)
    over = share_bar(1.1, 1.2, 0.8)
    assert "red" in str(over.spans) and over.plain[:7] == "█" * 7 and over.plain[8] != " "
    assert share_bar(3.0, 4.0, 0.8).plain.endswith("»")
    assert share_bar(None, None, 0.8).plain == ""


def test_periods_dates_and_durations() -> None:
    today = dt.date(2026, 11, 23)
    assert period_range("minggu", today) == (dt.date(2026, 11, 17), today)
    assert period_range("bulan_lalu", today) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert period_range("tahun", today) == (dt.date(2026, 1, 1), today)
    assert shift_period(dt.date(2026, 11, 1), today, -1) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert shift_period(dt.date(2026, 1, 1), today, -1, whole_year=True) == (dt.date(2025, 1, 1),
                                                                              dt.date(2025, 12, 31))
    assert shift_period(dt.date(2026, 11, 17), today, 1) == (dt.date(2026, 11, 24), dt.date(2026, 11, 30))
    assert parse_tanggal("1/2/2026") == dt.date(2026, 2, 1)
    for wrong in ("", "2026-02-01", "32-01-2026"):
        with pytest.raises(ValueError):
            parse_tanggal(wrong)
    assert period_label(today, today, "hari") == "Hari ini (23-11-2026)"
    assert fmt_duration(250) == "00:04:10" and fmt_duration(2 * 86400 + 3 * 3600) == "2 hr 03 j"
    assert fmt_duration(15 * 86400) == "15 hr" and fmt_duration(None) == "-"


# -- a snapshot at 80x24 ---------------------------------------------------------------------------

def timing(no, uraian, pelaksana, label, done, within, median, p90, ms, ps, opened=0, late=0):
    """A step of REK-PUB as the stand-in's dashboard shows it."""
    return StepTiming("REK-PUB", no, uraian, pelaksana, label, done, done if ms else 0, within,
                      median, median, p90, ms, ps, opened, late)


#: A step described at length, as the catalog's SOPs often are (two lines at 78 columns).
LONG_URAIAN = ("Kepala Bidang Pemberdayaan Sosial memeriksa konsep rekomendasi, lalu Kepala Dinas "
               "menandatangani rekomendasi izin pengumpulan uang atau barang")

REK_PUB = ServiceTiming(
    "REK-PUB", "Penerbitan Rekomendasi Izin Pengumpulan Uang atau Barang",
    "Bidang Pemberdayaan Sosial", "2 hari kerja",
    timing(0, "Jangka waktu layanan", "", "2 hari kerja", 40, 35, 1.2 * 86400, 2.5 * 86400,
           0.6, 1.25, 3, 1),
    (timing(1, "Pemohon datang ke ruang pelayanan", "Pemohon", "5 menit", 42, 40, 250, 400,
            0.83, 1.33),
     timing(2, "Petugas memeriksa berkas", "Petugas Pelayanan", "15 menit", 42, 30, 600, 1200,
            0.66, 1.33, 1),
     timing(3, LONG_URAIAN, "Bidang Pemberdayaan Sosial", "2 hari kerja", 40, 20,
            1.5 * 86400, 3 * 86400, 1.1, 1.6, 2, 1),
     timing(4, "Pemohon memperoleh rekomendasi", "Petugas Pelayanan", "", 38, 0, 300, 900,
            None, None)))


#: A service with nothing done in any period and nothing running (its row alone).
BENCANA = ServiceTiming(
    "BENCANA", "Bantuan Korban Bencana", "Bidang Perlindungan dan Jaminan Sosial", "3 hari kerja",
    StepTiming("BENCANA", 0, "Jangka waktu layanan", "", "3 hari kerja"),
    (StepTiming("BENCANA", 1, "Pemohon datang", "Pemohon", "5 menit"),
     StepTiming("BENCANA", 2, "Petugas memeriksa berkas", "Petugas Pelayanan", "15 menit")))


class StandInDesk(FakeDesk):
    """The snapshot tests' stand-in for the facade, with a supervisor, a dashboard of fixed
    figures for any period and (``offices`` > 1) a second office; ``busy`` more services as
    busy as REK-PUB fill the steps table past the screen."""

    def __init__(self, offices: int = 1, busy: int = 0) -> None:
        super().__init__()
        self._services = (BENCANA, REK_PUB,
                          *(dataclasses.replace(REK_PUB, code=f"REK-{i}") for i in range(busy)))
        self.asked: list[tuple[dt.date, dt.date, int | None]] = []
        self._offices = [OfficeChoice(1, "KUKAR", "Dinas Sosial"),
                         OfficeChoice(2, "TGR", "UPT Tenggarong")][:offices]

    def login(self, username, password, counter_no):
        if (username, password) != ("supervisor", "supervisor123"):
            raise AuthError("Nama pengguna atau kata sandi salah.")
        return SessionInfo(3, "supervisor", "Hendra Gunawan", "supervisor", 1,
                           self.office_name(), "Asia/Makassar", counter_no, counter_no,
                           f"Loket {counter_no}")

    def dashboard(self, session, since, until, office_id=None):
        self.asked.append((since, until, office_id))
        office = next(o for o in self._offices if o.id == (office_id or 1))
        days = tuple(DayCount(since + dt.timedelta(days=i), (i * 7) % 11, 3, 4)
                     for i in range(min(92, (until - since).days + 1)))
        return Dashboard(office.id, office.code, office.name, since, until, NOW, self._services, days,
                         False, QueueNow(5, 40, 30, 250, 2, 3),
                         (StaffTiming(1, STAFF_NAME, "petugas", 30, 28, 25, 500),),
                         first_day=dt.date(2024, 3, 4))

    def offices(self, session):
        return list(self._offices)


async def stand_in_sign_in(pilot) -> None:
    """Sign the stand-in's supervisor in (``desk dasbor``: the dashboard follows)."""
    await settle(pilot)
    await pilot.click("#username")
    await burst(pilot, [*"supervisor", "enter", *"supervisor123", "enter"])
    await settle(pilot)


async def test_period_dialog_shift_and_office_choice() -> None:
    desk = StandInDesk(offices=2)
    app = create_app(desk, "dasbor")
    async with app.run_test(size=SIZE) as pilot:
        await stand_in_sign_in(pilot)
        assert desk.asked[-1] == (dt.date(2026, 11, 1), dt.date(2026, 11, 23), None)
        title = lambda: shown(app.screen.query_one("#dash-title", PlainStatic))  # noqa: E731
        # p, 6: all data, from the first day with figures
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert "Semua data (04-03-2024 s.d. 23-11-2026)" in title()
        # [ on this month: the whole month before
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert desk.asked[-1][:2] == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
        # o: the other office, named in the title
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert desk.asked[-1] == (dt.date(2026, 10, 1), dt.date(2026, 10, 31), 2)
        assert "UPT Tenggarong" in title()
        footer_fits(app)


async def test_the_steps_table_fits_80_columns_with_its_bars_and_whole_uraian() -> None:
    """Three busy services fill the table past the screen (a scroll bar): every column is in
    view, the bars against the mutu baku included; steps are named at length; the highlighted
    step's whole uraian shows under the table; a service without any activity comes last, its
    row alone."""
    app = create_app(StandInDesk(busy=2), "dasbor")
    async with app.run_test(size=SIZE) as pilot:
        await stand_in_sign_in(pilot)
        table = app.screen.query_one("#dash-steps", DataTable)
        assert table.show_vertical_scrollbar
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert table.scroll_x == 0
        rows = [row.key.value for row in table.ordered_rows]
        assert rows[:5] == ["REK-PUB:0", "REK-PUB:1", "REK-PUB:2", "REK-PUB:3", "REK-PUB:4"]
        assert rows[-1] == "BENCANA:0" and "BENCANA:1" not in rows
        lines = screen_lines(app)
        header = next(line for line in lines if "Selesai" in line)
        assert header.split() == ["Langkah", "Selesai", "Median", "P90", "≤Mutu", "Buka", "Lewat",
                                  "Mutu", "baku"]
        for name in ("Pemohon datang ke", "Petugas memeriksa", "Kepala Bidang Pem"):
            line = next(line for line in lines if name in line)
            assert "│" in line, line  # the bar's mark of the mutu baku, in view
        assert any("Pemohon memperole" in line and "tanpa mutu" in line for line in lines)

        table.move_cursor(row=rows.index("REK-PUB:3"))
        await settle(pilot)
        detail = shown(app.screen.query_one("#dash-step-detail", PlainStatic))
        assert "REK-PUB langkah 3 · Bidang Pemberdayaan Sosial" in detail
        assert LONG_URAIAN in " ".join(detail.split())
        assert "mutu baku 2 hari kerja · tepat waktu 20/40 · median 110% · p90 160%" in detail
        on_screen = " ".join(" ".join(screen_lines(app)[-5:-1]).split())  # above the footer
        assert LONG_URAIAN in on_screen and "p90 160%" in on_screen

        table.move_cursor(row=rows.index("BENCANA:0"))
        await settle(pilot)
        detail = shown(app.screen.query_one("#dash-step-detail", PlainStatic))
        assert "Bantuan Korban Bencana" in detail and "tidak ada kegiatan" in detail


def test_dashboard_snapshot(snap_compare) -> None:
    """The dashboard of a month with a late step, a step without a mutu baku, at 80x24."""

    async def run_before(pilot) -> None:
        await stand_in_sign_in(pilot)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(create_app(StandInDesk(), "dasbor"), terminal_size=SIZE, run_before=run_before)


def test_shares_far_over_the_mutu_baku_fit_their_column_and_bracket_keys_read_as_brackets():
    """A step at 115,570% of its mutu baku reads ">999%" (not "11557", cut by the column);
    the help names the period keys [ and ] as the supervisor types them."""
    from screens.dashparts import fmt_percent
    from screens.help import key_label

    assert [fmt_percent(r) for r in (None, 0.87, 9.99, 1155.7)] == ["-", "87%", "999%", ">999%"]
    assert key_label("left_square_bracket") == "[" and key_label("right_square_bracket") == "]"
