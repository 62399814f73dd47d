"""The working calendar (models.worktime): property tests of the rule that turns a mutu baku into a
due time and an elapsed interval into the share used, and real dates of 2025-2027 (Idul Fitri and
its cuti bersama, a Friday afternoon, a WITA office, a closure, a Ramadan day)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.catalog import Duration
from models.settings import CalendarSettings
from models.worktime import WorkCalendar, is_working_unit, national_days, ramadan_of

WITA = ZoneInfo("Asia/Makassar")
WIB = ZoneInfo("Asia/Jakarta")
UTC = dt.UTC

#: Small and quick: the file runs in a few seconds.
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def at(*args: int, tz=WITA) -> dt.datetime:
    """A local moment: at(2026, 11, 27, 15, 50)."""
    return dt.datetime(*args, tzinfo=tz)


# -- strategies ---------------------------------------------------------------------------------

CLOSURES = (dt.date(2026, 11, 30), dt.date(2025, 6, 10), dt.date(2027, 1, 4), dt.date(2026, 2, 23))

calendars = st.sampled_from([
    WorkCalendar("Asia/Makassar"),
    WorkCalendar("Asia/Makassar", cuti_bersama_libur=False),
    WorkCalendar("Asia/Jakarta", CalendarSettings(ramadan=True), closures=CLOSURES),
    WorkCalendar("Asia/Jayapura", CalendarSettings(hours=((0, 480, 900), (2, 480, 720), (5, 540, 660)))),
])

moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 11, 30),
                       timezones=st.just(UTC))

durations = st.one_of(
    st.builds(Duration, st.integers(1, 600), st.just("menit")),
    st.builds(Duration, st.integers(1, 72), st.just("jam")),  # 24, 48 and 72 are N x 24 jam
    st.builds(Duration, st.sampled_from([0.5, 1, 2, 3, 5, 14]), st.just("hari kerja")),
    st.builds(Duration, st.integers(1, 30), st.just("hari")),
    st.builds(Duration, st.integers(1, 12), st.just("bulan")),
    st.builds(Duration, st.just(1), st.just("tahun")),
)

spans = st.integers(0, 20 * 86400).map(lambda s: dt.timedelta(seconds=s))


# -- properties ---------------------------------------------------------------------------------

@PROPERTY
@given(calendars, moments, durations)
def test_due_is_never_before_the_start_and_the_share_runs_from_0_to_1(cal, start, duration):
    clock = cal.clock(start, duration)
    assert clock.due >= start
    assert clock.amount > 0
    assert clock.share(start) == pytest.approx(0.0, abs=1e-9)
    assert clock.share(clock.due) == pytest.approx(1.0, abs=1 / clock.amount + 1e-9)  # within a second
    assert clock.share(clock.due + dt.timedelta(days=40)) >= 1.0


@PROPERTY
@given(calendars, moments, durations, spans, spans)
def test_the_share_never_goes_back(cal, start, duration, first, second):
    clock = cal.clock(start, duration)
    earlier, later = start + first, start + first + second
    assert clock.share(earlier) <= clock.share(later) + 1e-9


@PROPERTY
@given(calendars, moments, spans, spans)
def test_working_seconds_add_up(cal, a, first, second):
    b, c = a + first, a + first + second
    assert cal.working_seconds(a, b) + cal.working_seconds(b, c) == pytest.approx(cal.working_seconds(a, c))
    assert cal.working_seconds(c, a) == -cal.working_seconds(a, c)


@PROPERTY
@given(calendars, moments, st.integers(0, 200 * 3600))
def test_adding_and_rewinding_office_hours_invert_working_seconds(cal, start, seconds):
    later = cal.add_working_seconds(start, seconds)
    assert later >= start
    assert cal.working_seconds(start, later) == pytest.approx(seconds, abs=1e-3)
    earlier = cal.rewind_working_seconds(start, seconds)
    assert earlier <= start
    assert cal.working_seconds(earlier, start) == pytest.approx(seconds, abs=1e-3)


@PROPERTY
@given(calendars, moments, st.one_of(st.builds(Duration, st.integers(1, 900), st.just("menit")),
                                     st.builds(Duration, st.integers(1, 23), st.just("jam"))))
def test_a_menit_or_jam_due_time_falls_in_office_hours(cal, start, duration):
    due = cal.due(start, duration)
    interval = cal.open_interval(due.date())
    assert interval is not None, f"due on a closed day: {due}"
    assert interval[0] <= due <= interval[1]


@PROPERTY
@given(calendars, moments, st.integers(0, 20))
def test_a_hari_kerja_due_time_is_in_office_hours_of_a_working_day(cal, start, days):
    due = cal.due(start, Duration(days, "hari kerja"))
    interval = cal.open_interval(due.date())
    assert interval is not None and interval[0] <= due <= interval[1]
    begin = cal.next_open(start)
    # exactly N working days after the day the clock began (the first opening from the start)
    assert due.date() == cal.add_working_days(begin.date(), days)


@PROPERTY
@given(calendars, moments, st.one_of(st.builds(Duration, st.integers(1, 30), st.just("hari")),
                                     st.builds(Duration, st.sampled_from([24, 48, 72]), st.just("jam")),
                                     st.builds(Duration, st.integers(1, 12), st.just("bulan"))))
def test_a_calendar_due_time_is_on_a_working_day(cal, start, duration):
    assert not is_working_unit(duration)
    due = cal.due(start, duration)
    assert cal.is_working_day(due.date())


@PROPERTY
@given(calendars, moments, durations, spans, spans)
def test_a_pause_never_brings_the_due_time_forward_and_keeps_the_share(cal, start, duration, before, pause):
    clock = cal.clock(start, duration)
    paused = start + before
    resumed = paused + pause
    moved = cal.moved_by_pause(clock, paused, resumed)
    assert moved.due >= clock.due
    assert moved.amount == clock.amount
    if clock.working or moved.due == clock.due + pause:
        assert moved.share(resumed) == pytest.approx(clock.share(paused), abs=1e-6)
    else:  # the due time had to leave a closed day: more time, never less
        assert moved.share(resumed) <= clock.share(paused) + 1e-9


@PROPERTY
@given(calendars, moments, st.builds(Duration, st.integers(1, 120), st.just("menit")),
       st.integers(0, 3600), st.integers(0, 3600), st.integers(0, 3 * 86400))
def test_sittings_count_as_if_they_ran_back_to_back(cal, moment, duration, first, second, gap):
    # two sittings in office hours with a gap between them: the share used when the second ends
    # is the time of both sittings against the mutu baku
    x = cal.next_open(moment)
    a = min(first, (cal.open_interval(x.date())[1] - x).total_seconds())
    y = cal.next_open(x + dt.timedelta(seconds=a + gap))
    b = min(second, (cal.open_interval(y.date())[1] - y).total_seconds())
    end = y + dt.timedelta(seconds=b)
    paused = (y - x).total_seconds() - a
    run = cal.run_clock(x, duration, paused_seconds=paused, ended=end)
    assert run.share(end) == pytest.approx((a + b) / (duration.value * 60), abs=1e-6)


# -- real dates ---------------------------------------------------------------------------------

CAL = WorkCalendar("Asia/Makassar")


def test_friday_afternoon_60_menit_is_due_monday_morning():
    assert CAL.due(at(2026, 11, 27, 15, 50), Duration(60, "menit")) == at(2026, 11, 30, 7, 50)
    # Friday closes at 16.30: 40 minutes that day, 20 on Monday
    assert CAL.due(at(2026, 11, 27, 15, 50), Duration(1, "jam")) == at(2026, 11, 30, 7, 50)
    assert CAL.due(at(2026, 11, 26, 15, 50), Duration(60, "menit")) == at(2026, 11, 27, 8, 20)


def test_a_start_outside_office_hours_counts_from_the_next_opening():
    assert CAL.due(at(2026, 11, 28, 10, 0), Duration(30, "menit")) == at(2026, 11, 30, 8, 0)  # Saturday
    assert CAL.due(at(2026, 11, 23, 6, 0), Duration(15, "menit")) == at(2026, 11, 23, 7, 45)
    assert CAL.due(at(2026, 11, 23, 17, 0), Duration(1, "hari kerja")) == at(2026, 11, 25, 7, 30)
    # 17 August (a holiday, Monday) counts from Tuesday's opening
    assert CAL.due(at(2026, 8, 17, 9, 0), Duration(1, "jam")) == at(2026, 8, 18, 8, 30)


def test_idul_fitri_2025_and_its_cuti_bersama():
    days = {day: name for day, name, _ in national_days(2025)}
    assert "Idul Fitri" in days[dt.date(2025, 3, 31)] and "Idul Fitri" in days[dt.date(2025, 4, 1)]
    closed = [dt.date(2025, 3, 28), dt.date(2025, 3, 31), dt.date(2025, 4, 1), dt.date(2025, 4, 2),
              dt.date(2025, 4, 3), dt.date(2025, 4, 4), dt.date(2025, 4, 7)]
    assert not any(CAL.is_working_day(day) for day in closed)
    # Thursday before: 30 minutes left that day, the rest on Tuesday 8 April
    assert CAL.due(at(2025, 3, 27, 15, 30), Duration(60, "menit")) == at(2025, 4, 8, 8, 0)
    assert CAL.due(at(2025, 3, 27, 10, 0), Duration(1, "hari kerja")) == at(2025, 4, 8, 10, 0)
    # 1 x 24 jam runs on the calendar: Friday 28 March is cuti bersama, so Tuesday 8 April
    assert CAL.due(at(2025, 3, 27, 10, 0), Duration(24, "jam")) == at(2025, 4, 8, 10, 0)


def test_cuti_bersama_counts_as_a_working_day_when_the_office_says_so():
    open_on_cuti = WorkCalendar("Asia/Makassar", cuti_bersama_libur=False)
    assert open_on_cuti.is_working_day(dt.date(2025, 4, 2))
    assert not open_on_cuti.is_working_day(dt.date(2025, 3, 31))  # Idul Fitri itself
    assert open_on_cuti.due(at(2025, 3, 27, 10, 0), Duration(1, "hari kerja")) == at(2025, 3, 28, 10, 0)
    assert open_on_cuti.due(at(2025, 3, 28, 10, 0), Duration(1, "hari kerja")) == at(2025, 4, 2, 10, 0)


def test_idul_fitri_2026_cuti_bersama_20_23_24_march():
    cuti = {day for day, _, is_cuti in national_days(2026) if is_cuti}
    assert {dt.date(2026, 3, 20), dt.date(2026, 3, 23), dt.date(2026, 3, 24)} <= cuti
    for day in (18, 19, 20, 23, 24):  # 18 cuti Nyepi, 19 Nyepi
        assert not CAL.is_working_day(dt.date(2026, 3, day)), day
    assert CAL.is_working_day(dt.date(2026, 3, 25))
    assert CAL.due(at(2026, 3, 17, 10, 0), Duration(1, "hari kerja")) == at(2026, 3, 25, 10, 0)
    assert CAL.due(at(2026, 3, 17, 15, 0), Duration(3, "jam")) == at(2026, 3, 25, 9, 30)


def test_idul_fitri_2027_estimated_dates_close_the_office_and_set_ramadan():
    for day in (8, 9, 10, 11, 12, 15):  # Nyepi, cuti, Idul Fitri (perkiraan) x2, cuti, cuti
        assert not CAL.is_working_day(dt.date(2027, 3, day)), day
    assert CAL.due(at(2027, 3, 5, 10, 0), Duration(1, "hari kerja")) == at(2027, 3, 16, 10, 0)
    assert ramadan_of(2027) == (dt.date(2027, 2, 8), dt.date(2027, 3, 9))


def test_a_ramadan_schedule_day():
    ramadan = WorkCalendar("Asia/Makassar", CalendarSettings(ramadan=True))
    assert ramadan.in_ramadan(dt.date(2026, 2, 27)) and not ramadan.in_ramadan(dt.date(2026, 4, 6))
    assert ramadan.day_hours(dt.date(2026, 2, 27)) == (480, 930)  # Friday 08.00-15.30
    assert CAL.day_hours(dt.date(2026, 2, 27)) == (450, 990)  # without the Ramadan schedule
    # Friday 14.50 in Ramadan: 40 minutes that day, 20 on Monday from 08.00
    assert ramadan.due(at(2026, 2, 27, 14, 50), Duration(60, "menit")) == at(2026, 3, 2, 8, 20)
    # hari kerja on a shorter day: due at that day's closing at the latest
    assert ramadan.due(at(2026, 2, 12, 15, 45), Duration(1, "hari kerja")) == at(2026, 2, 13, 15, 45)
    # Friday 13 February: Monday 16 is cuti bersama Imlek, Tuesday 17 Imlek
    assert ramadan.due(at(2026, 2, 13, 15, 45), Duration(1, "hari kerja")) == at(2026, 2, 18, 15, 45)
    assert ramadan.due(at(2026, 2, 18, 15, 45), Duration(1, "hari kerja")) == at(2026, 2, 19, 15, 0)
    # the office's own dates (sidang isbat) win over the estimate
    own = WorkCalendar("Asia/Makassar", CalendarSettings(
        ramadan=True, ramadan_periods=((dt.date(2026, 2, 18), dt.date(2026, 3, 19)),)))
    assert own.day_hours(dt.date(2026, 2, 18)) == (480, 900)
    assert ramadan.day_hours(dt.date(2026, 2, 18)) == (450, 960)


def test_hari_kerja_is_clamped_to_a_shorter_day():
    # Friday 16.15 (Friday closes 16.30): Monday closes 16.00
    assert CAL.due(at(2026, 11, 27, 16, 15), Duration(1, "hari kerja")) == at(2026, 11, 30, 16, 0)
    # half a working day: half of Monday's 8.5 office hours
    assert CAL.due(at(2026, 11, 23, 10, 0), Duration(0.5, "hari kerja")) == at(2026, 11, 23, 14, 15)


def test_a_wita_office_stores_utc():
    start_utc = dt.datetime(2026, 11, 27, 7, 50, tzinfo=UTC)  # 15.50 WITA, 14.50 WIB
    due = CAL.due(start_utc, Duration(60, "menit"))
    assert due.utcoffset() == dt.timedelta(hours=8)
    assert due.astimezone(UTC) == dt.datetime(2026, 11, 29, 23, 50, tzinfo=UTC)
    jakarta = WorkCalendar("Asia/Jakarta")
    assert jakarta.due(start_utc, Duration(60, "menit")) == at(2026, 11, 27, 15, 50, tz=WIB)


def test_a_closure_moves_every_kind_of_due_time():
    closed = WorkCalendar("Asia/Makassar", closures=[dt.date(2026, 11, 30)])
    assert closed.due(at(2026, 11, 27, 15, 50), Duration(60, "menit")) == at(2026, 12, 1, 7, 50)
    # 5 hari from Monday lands on Saturday: the next working day is Tuesday after the closure
    assert CAL.due(at(2026, 11, 23, 10, 0), Duration(5, "hari")) == at(2026, 11, 30, 10, 0)
    assert closed.due(at(2026, 11, 23, 10, 0), Duration(5, "hari")) == at(2026, 12, 1, 10, 0)
    # 1 x 24 jam from Friday 16.20: Saturday 16.20, moved to Monday, within its hours
    assert CAL.due(at(2026, 11, 27, 16, 20), Duration(24, "jam")) == at(2026, 11, 30, 16, 0)
    assert CAL.due(at(2026, 11, 27, 6, 0), Duration(24, "jam")) == at(2026, 11, 30, 7, 30)
    # 3 bulan from 30 November: 28 February 2027 is a Sunday
    assert CAL.due(at(2026, 11, 30, 9, 0), Duration(3, "bulan")) == at(2027, 3, 1, 9, 0)


def test_a_pause_moves_the_due_time_by_the_stopped_part():
    clock = CAL.clock(at(2026, 11, 23, 10, 0), Duration(2, "hari kerja"))  # due Wed 10.00
    assert clock.due == at(2026, 11, 25, 10, 0)
    # stopped Monday 15.00 (1 h + 8.5 h + 2.5 h left), back on Thursday 09.00 (7 h + 5 h)
    moved = CAL.moved_by_pause(clock, at(2026, 11, 23, 15, 0), at(2026, 11, 26, 9, 0))
    assert moved.due == at(2026, 11, 27, 12, 30)
    days = CAL.clock(at(2026, 11, 23, 10, 0), Duration(15, "hari"))
    later = CAL.moved_by_pause(days, at(2026, 11, 24, 10, 0), at(2026, 11, 26, 10, 0))
    assert later.due == days.due + dt.timedelta(days=2)
    # an overdue clock stays as late after the pause as before it
    late = CAL.clock(at(2026, 11, 23, 10, 0), Duration(1, "jam"))
    moved = CAL.moved_by_pause(late, at(2026, 11, 23, 12, 0), at(2026, 11, 24, 9, 0))
    assert moved.due == at(2026, 11, 24, 8, 0)
    assert moved.share(at(2026, 11, 24, 9, 0)) == pytest.approx(2.0)


def test_a_verification_over_two_sittings():
    # 20 minutes on Monday afternoon, 10 on Tuesday morning, against 15 menit
    run = CAL.run_clock(at(2026, 11, 23, 15, 30), Duration(15, "menit"),
                        paused_seconds=int((at(2026, 11, 24, 7, 40) - at(2026, 11, 23, 15, 50)).total_seconds()),
                        ended=at(2026, 11, 24, 7, 50))
    assert run.share(at(2026, 11, 24, 7, 50)) == pytest.approx(2.0)
    assert run.due == at(2026, 11, 24, 7, 35)


def test_clock_time_on_days_the_office_entered_does_not_count():
    with_sat = WorkCalendar("Asia/Makassar", CalendarSettings(hours=((5, 480, 720),)))
    assert with_sat.is_working_day(dt.date(2026, 11, 28)) and not with_sat.is_working_day(dt.date(2026, 11, 27))
    assert with_sat.due(at(2026, 11, 27, 9, 0), Duration(5, "jam")) == at(2026, 12, 5, 9, 0)
