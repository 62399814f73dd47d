"""The office's working calendar end to end: ``[kalender]`` in desk.toml, closures the office
enters (they move the due times of running steps and cases in process, audited and announced),
``desk kalender`` on the command line, and the clock rules of the standards (the jangka waktu
starts at lengkap, stops while the case waits for the applicant's fix)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from desk.cli import cli
from desk.config import EXAMPLE_CONFIG, ConfigError, load_config
from models.dto import ApplicantInput, DeskError
from models.permissions import PermissionDenied
from models.tables import AuditLog, Event, StepRun

WITA = dt.timezone(dt.timedelta(hours=8))
PERSON = {"nik": "6403054507900002", "name": "Siti Aminah", "address": "Jl. Mulawarman 5", "desa": "Timbau",
          "kecamatan": "Tenggarong", "kabupaten": "Kutai Kartanegara"}


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WITA)


# -- [kalender] --------------------------------------------------------------------------------

def _load(tmp_path, text: str):
    path = tmp_path / "desk.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(config_file=path, data_dir=tmp_path)


def test_kalender_section_sets_hours_ramadan_warning_and_cuti_bersama(tmp_path):
    config = _load(tmp_path, """
[kalender]
jam_kerja = { senin = "07.30-16.00", selasa = "07:30-16:00", jumat = "07.30-11.30", sabtu = "08.00-12.00" }
ramadan = true
jam_kerja_ramadan = { senin = "08.00-15.00", jumat = "08.00-11.00" }
ramadan_tanggal = [["2026-02-18", "2026-03-19"], [2027-02-08, 2027-03-09]]
ambang_peringatan = 75
cuti_bersama_libur = false
""")
    cal = config.office.calendar
    assert cal.hours == ((0, 450, 960), (1, 450, 960), (4, 450, 690), (5, 480, 720))  # rabu, kamis off
    assert cal.ramadan and cal.ramadan_hours == ((0, 480, 900), (4, 480, 660))
    assert cal.ramadan_periods == ((dt.date(2026, 2, 18), dt.date(2026, 3, 19)),
                                   (dt.date(2027, 2, 8), dt.date(2027, 3, 9)))
    assert cal.warn_share == pytest.approx(0.75)
    assert config.office.cuti_bersama_libur is False


def test_without_kalender_the_defaults_hold_and_the_old_kantor_key_still_counts(tmp_path):
    config = _load(tmp_path, "[kantor]\ncuti_bersama_libur = false\n")
    assert config.office.cuti_bersama_libur is False
    assert config.office.calendar.hours[4] == (4, 450, 990) and config.office.calendar.warn_share == 0.8
    assert _load(tmp_path, "[kantor]\ncuti_bersama_libur = false\n[kalender]\ncuti_bersama_libur = false\n")


@pytest.mark.parametrize(("text", "words"), [
    ('jam_kerja = { senen = "07.30-16.00" }', "[kalender].jam_kerja.senen: hari tidak dikenal"),
    ('jam_kerja = { senin = "7-16" }', "[kalender].jam_kerja.senin: tulis jam buka-tutup"),
    ('jam_kerja = { senin = "16.00-07.30" }', "[kalender].jam_kerja.senin: jam tutup harus sesudah jam buka"),
    ('jam_kerja = { senin = "07.30-25.00" }', "[kalender].jam_kerja.senin"),
    ('jam_kerja = "senin-jumat"', "[kalender].jam_kerja: harus tabel"),
    ('jam_kerja_ramadan = { jumat = "08.00" }', "[kalender].jam_kerja_ramadan.jumat"),
    ('ramadan = "ya"', "[kalender].ramadan: harus true atau false"),
    ('ramadan_tanggal = ["2026-02-18"]', "[kalender].ramadan_tanggal: tiap periode"),
    ('ramadan_tanggal = [["2026-02-30", "2026-03-19"]]', "[kalender].ramadan_tanggal: tanggal '2026-02-30'"),
    ('ramadan_tanggal = [["2026-03-19", "2026-02-18"]]', "[kalender].ramadan_tanggal: tanggal akhir"),
    ("ambang_peringatan = 0.8", "[kalender].ambang_peringatan: persen"),
    ("ambang_peringatan = 120", "[kalender].ambang_peringatan"),
    ('cuti_bersama_libur = "tidak"', "[kalender].cuti_bersama_libur: harus true atau false"),
    ("jam = 1", "[kalender].jam: kunci tidak dikenal"),
])
def test_a_bad_kalender_value_is_named_in_indonesian(tmp_path, text, words):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, f"[kalender]\n{text}\n")
    assert words in str(caught.value)


def test_cuti_bersama_given_twice_differently_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match=r"\[kalender\].cuti_bersama_libur dan \[kantor\].cuti_bersama_libur"):
        _load(tmp_path, "[kantor]\ncuti_bersama_libur = true\n[kalender]\ncuti_bersama_libur = false\n")


def test_the_example_config_explains_kalender_and_its_commented_lines_load(tmp_path):
    assert "[kalender]" in EXAMPLE_CONFIG and "ambang_peringatan" in EXAMPLE_CONFIG
    # every commented setting of the section, switched on, is valid
    section = EXAMPLE_CONFIG.split("[kalender]")[1].split("\n[")[0]
    lines = [re.sub(r"^# ", "", line) for line in section.splitlines()
             if re.match(r"^(# )?[a-z_]+ = ", line)]
    assert len(lines) == 6
    config = _load(tmp_path, EXAMPLE_CONFIG.split("[kalender]")[0] + "[kalender]\n" + "\n".join(lines) + "\n")
    assert config.office.calendar.hours == ((0, 450, 960), (1, 450, 960), (2, 450, 960), (3, 450, 960),
                                            (4, 450, 990))
    assert config.office.calendar.ramadan_periods == ((dt.date(2026, 2, 18), dt.date(2026, 3, 19)),)


# -- closures in the domain ----------------------------------------------------------------------

def _lengkap(desk, session, code: str) -> int:
    svc = desk.catalog.get(code)
    extra = {"org_name": "Yayasan Peduli Sesama"} if svc.applicant_kind == "organisasi" else {}
    case = desk.open_case(session, code, ApplicantInput(kind=svc.applicant_kind, **PERSON, **extra))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    return desk.decide(session, case.id, reason="uji").case.id


def test_a_closure_moves_running_steps_and_cases_and_is_audited(desk_service, session, clock):
    desk = desk_service
    clock.current = at(2026, 11, 27, 15, 50)  # a Friday afternoon
    sembako = _lengkap(desk, session, "SEMBAKO")  # step 1: 1 jam; jangka waktu 15 hari
    rekpub = _lengkap(desk, session, "REK-PUB")  # jangka waktu 2 hari kerja
    system = desk.principal("sistem")
    case = desk.case(system, sembako, record_view=False)
    assert case.current_step.due_at == at(2026, 11, 30, 7, 50)  # 40 minutes Friday, 20 Monday
    assert case.due_at == at(2026, 12, 14, 15, 50)  # Saturday 12 December -> Monday
    assert desk.case(system, rekpub, record_view=False).due_at == at(2026, 12, 1, 15, 50)

    with pytest.raises(PermissionDenied, match="mengubah kalender kerja kantor"):
        desk.add_closure(session, dt.date(2026, 11, 30), "Banjir")
    supervisor = desk.login("supervisor", "supervisor123", None)
    change = desk.add_closure(supervisor, dt.date(2026, 11, 30), "  Banjir  di Tenggarong ")
    assert (change.reason, change.closed, change.runs_moved, change.cases_moved) == (
        "Banjir di Tenggarong", True, 1, 1)
    case = desk.case(system, sembako, record_view=False)
    assert case.current_step.due_at == at(2026, 12, 1, 7, 50)
    assert case.due_at == at(2026, 12, 14, 15, 50)  # 15 hari runs on the calendar
    assert desk.case(system, rekpub, record_view=False).due_at == at(2026, 12, 2, 15, 50)
    # stored in UTC: Tuesday 07.50 WITA is Monday 23.50 UTC
    stored = StepRun.select(StepRun.due_at).where((StepRun.case == sembako) & StepRun.ended_at.is_null())
    with desk.ctx.connection():
        assert stored.scalar() == dt.datetime(2026, 11, 30, 23, 50)
        audit = AuditLog.select().where(AuditLog.action == "tutup_kantor").get()
        assert '"tanggal": "2026-11-30"' in audit.detail and audit.staff_id is not None
        assert Event.select().where(Event.kind == "calendar.changed").count() == 1
    # a calendar-unit due time on a day the office now closes moves to the next working day
    assert desk.add_closure(supervisor, dt.date(2026, 12, 14), "Hari jadi").cases_moved == 1
    assert desk.case(system, sembako, record_view=False).due_at == at(2026, 12, 15, 15, 50)
    # the new calendar counts at once for what starts now
    assert desk.ctx.calendar.due(at(2026, 11, 27, 15, 50), desk.catalog.get("SEMBAKO").step(1).waktu) == at(
        2026, 12, 1, 7, 50)

    days = {d.day: d for d in desk.calendar_days(session, 2026)}
    assert days[dt.date(2026, 11, 30)].kind == "tutup" and days[dt.date(2026, 11, 30)].name == "Banjir di Tenggarong"
    assert days[dt.date(2026, 3, 23)].kind == "cuti_bersama" and days[dt.date(2026, 3, 23)].closed
    assert days[dt.date(2026, 8, 17)].kind == "libur"

    opened = desk.remove_closure(supervisor, dt.date(2026, 11, 30))
    assert not opened.closed and opened.reason == "Banjir di Tenggarong" and opened.runs_moved == 1
    assert desk.case(system, sembako, record_view=False).current_step.due_at == at(2026, 11, 30, 7, 50)
    assert desk.case(system, rekpub, record_view=False).due_at == at(2026, 12, 1, 15, 50)


def test_a_closure_on_a_day_already_off_or_twice_is_refused(desk_service):
    system = desk_service.principal("sistem")
    with pytest.raises(DeskError, match="sudah hari libur"):
        desk_service.add_closure(system, dt.date(2026, 11, 28))  # a Saturday
    with pytest.raises(DeskError, match="Hari Kemerdekaan"):
        desk_service.add_closure(system, dt.date(2026, 8, 17))
    desk_service.add_closure(system, dt.date(2026, 12, 1))
    with pytest.raises(DeskError, match="sudah tercatat tutup"):
        desk_service.add_closure(system, dt.date(2026, 12, 1))
    with pytest.raises(DeskError, match="Tidak ada penutupan"):
        desk_service.remove_closure(system, dt.date(2026, 12, 2))
    with pytest.raises(DeskError, match="terlalu jauh"):
        desk_service.add_closure(system, dt.date(2206, 12, 1))
    with pytest.raises(DeskError, match="terlalu panjang"):
        desk_service.add_closure(system, dt.date(2026, 12, 2), "x" * 201)


def test_cuti_bersama_shows_as_open_when_the_office_works_then(desk_service):
    import dataclasses

    desk_service.settings = dataclasses.replace(desk_service.settings, cuti_bersama_libur=False)
    days = {d.day: d for d in desk_service.calendar_days(desk_service.principal("papan"), 2026)}
    assert days[dt.date(2026, 3, 23)].kind == "cuti_bersama" and not days[dt.date(2026, 3, 23)].closed
    assert days[dt.date(2026, 3, 21)].closed  # Idul Fitri itself


# -- the clock rules of the standards --------------------------------------------------------------

def test_the_jangka_waktu_starts_at_lengkap_and_stops_while_the_applicant_fixes(desk_service, session, clock):
    desk = desk_service
    svc = desk.catalog.get("WRSE-KKR")  # 6 bulan; step 2's "tidak memenuhi syarat" waits for a fix
    case = desk.open_case(session, "WRSE-KKR", ApplicantInput(kind=svc.applicant_kind, **PERSON))
    clock.advance(days=2)  # Wednesday: the verification took a while; the clock had not started
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    decided = desk.decide(session, case.id, reason="uji").case
    lengkap = clock()
    assert decided.complete_at == lengkap and decided.due_at == at(2027, 5, 25, 9, 0)  # 6 bulan from lengkap
    while decided.current_step.no != 2:
        decided = desk.finish_step(session, case.id, step_no=decided.current_step.no)
    clock.advance(hours=1)
    waiting = desk.finish_step(session, case.id, outcome=False, step_no=2, reason="Proposal belum lengkap")
    assert waiting.status == "menunggu_perbaikan" and waiting.current_step is None
    clock.advance(days=5)  # the applicant returns five days later
    back = desk.resume_case(session, case.id)
    assert back.status == "diproses" and back.current_step.no == 1
    # five days of waiting added; Sunday 30 May 2027 moves to Monday 31 May
    assert back.due_at == at(2027, 5, 31, 9, 0)
    # a closure on that Monday moves the paused-and-resumed case's due time once more (past
    # Tuesday 1 June, Hari Lahir Pancasila)
    assert desk.add_closure(desk.principal("sistem"), dt.date(2027, 5, 31), "Rapat").cases_moved == 1
    assert desk.case(session, case.id, record_view=False).due_at == at(2027, 6, 2, 9, 0)


def test_a_paused_working_unit_case_keeps_its_office_hours_under_a_new_calendar():
    from forms.catalog import Duration
    from models.closures import _case_due
    from models.worktime import WorkCalendar

    old = WorkCalendar("Asia/Makassar")
    new = old.with_closures([dt.date(2026, 11, 26)])
    start = at(2026, 11, 23, 9, 0)
    # 2 hari kerja, moved by a pause to Friday 10.00: Thursday closes, so Monday 10.00
    moved = _case_due(old, new, start, Duration(2, "hari kerja"), 86400, at(2026, 11, 27, 10, 0))
    assert moved == at(2026, 11, 30, 9, 30)  # Friday 10.00 plus Thursday's 8.5 hours
    assert old.working_seconds(start, at(2026, 11, 27, 10, 0)) == new.working_seconds(start, moved)


# -- desk kalender ---------------------------------------------------------------------------------

def run(args):
    return CliRunner().invoke(cli, args, obj={}, prog_name="desk", catch_exceptions=False)


def test_desk_kalender_closes_lists_and_opens(tmp_path, db_url):
    base = ["--db", db_url, "--data-dir", str(tmp_path)]
    assert run([*base, "init"]).exit_code == 0
    for cmd in (["kalender"], ["kalender", "lihat"], ["kalender", "tutup"], ["kalender", "buka"]):
        out = run([*cmd, "--help"]).output
        assert "Penggunaan:" in out and "Tampilkan bantuan ini" in out and "Usage:" not in out, cmd
    year = dt.date.today().year
    day = next(dt.date(year, 12, d) for d in range(1, 20)
               if dt.date(year, 12, d).weekday() < 4 and d not in (24, 25, 26))
    closed = run([*base, "kalender", "tutup", day.isoformat(), "--alasan", "Banjir"])
    assert closed.exit_code == 0, closed.output
    assert "Kantor tutup pada" in closed.output and "(Banjir)" in closed.output
    assert "0 langkah berjalan, 0 berkas dalam proses" in closed.output
    listed = run([*base, "kalender", "lihat", "--tahun", str(year)])
    assert "kantor tutup" in listed.output and "Banjir" in listed.output
    assert "libur nasional" in listed.output and "Jam kerja: Senin 07.30-16.00" in listed.output
    again = run([*base, "calendar", "close", day.isoformat()])
    assert again.exit_code == 1 and "sudah tercatat tutup" in again.output
    opened = run([*base, "kalender", "buka", day.strftime("%d-%m-%Y")])
    assert opened.exit_code == 0 and "Kantor buka pada" in opened.output
    assert "Banjir" not in run([*base, "kalender", "lihat", "--tahun", str(year)]).output
