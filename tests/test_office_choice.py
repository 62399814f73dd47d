"""A main office and a branch office on one database, each with its loket, time zone and
catalog: tickets numbered per office and local day, a branch's own catalog folder, and what a
supervisor sees when choosing an office (Pemantauan berkas, queue statistics, figures, and the
`desk laporan ... --kantor` commands), each office in its own time zone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from desk.cli import cli
from desk.wiring import make_service
from forms.loader import BUILTIN_DIR
from models.demo import prepare_demo
from models.dto import ApplicantInput, DeskError
from models.permissions import PermissionDenied

MAIN, BRANCH = "DINSOS-KKR", "KKR-MUARA"
WIB, WITA = dt.timedelta(hours=7), dt.timedelta(hours=8)


def _branch_catalog(folder: Path) -> Path:
    """The branch's own catalog folder: a Jamkesda of its own (code JAMKESDA-MB, prefix Z)."""
    folder.mkdir()
    text = (BUILTIN_DIR / "kukar-a-jamkesda.toml").read_text(encoding="utf-8")
    text = text.replace('kode = "JAMKESDA"', 'kode = "JAMKESDA-MB"', 1)
    text = text.replace('prefiks_antrian = "A"', 'prefiks_antrian = "Z"', 1)
    text = re.sub(r'(?m)^nama = "Layanan Kepesertaan[^"]*"', 'nama = "Jamkesda Muara Badak"', text, count=1)
    (folder / "jamkesda-mb.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def offices(config, clock, tmp_path):
    """The main office in WIB (3 loket, the whole catalog) and its branch in WITA (2 loket,
    REK-PUB, SEMBAKO and a Jamkesda from its own catalog folder), each with staff."""
    main_config = dataclasses.replace(config, office=dataclasses.replace(config.office, timezone="Asia/Jakarta"))
    branch_config = dataclasses.replace(
        config, katalog_dirs=(_branch_catalog(tmp_path / "katalog-cabang"),),
        output_dir=tmp_path / "dokumen-cabang",
        office=dataclasses.replace(config.office, code=BRANCH, name="UPT Dinas Sosial Muara Badak",
                                   timezone="Asia/Makassar", counters=2, induk=MAIN,
                                   services=("REK-PUB", "SEMBAKO", "JAMKESDA-MB")))
    main = make_service(main_config, clock=clock)
    main.open()
    prepare_demo(main, with_samples=False)
    branch = make_service(branch_config, clock=clock)
    branch.open()
    system = branch.principal("sistem")
    branch.add_staff(system, "rina.mb", "Rina Muara Badak", "rahasia123")
    branch.add_staff(system, "yusuf.mb", "Yusuf Muara Badak", "rahasia123", role="supervisor")
    yield main, branch
    branch.close()
    main.close()


def _lengkap(desk, session, code: str, nik: str, name: str) -> int:
    """A case of ``code`` for ``name``, every required item received, decided lengkap."""
    svc = desk.catalog.get(code)
    extra: dict = {}
    if svc.applicant_kind == "organisasi":
        extra["org_name"] = "Yayasan Peduli Sesama"
    if svc.applicant_kind == "kelompok":
        extra.update(org_name="KUBE Mawar", member_count=10)
    case = desk.open_case(session, code, ApplicantInput(
        kind=svc.applicant_kind, nik=nik, name=name, address="Jl. Mawar 3", desa="Badak Baru",
        kecamatan="Muara Badak", kabupaten="Kutai Kartanegara", phone="081234567890", **extra))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    assert desk.decide(session, case.id, reason="diperiksa dalam uji").lengkap
    return case.id


def test_each_office_numbers_tickets_by_its_own_local_day(offices, clock):
    """23.30 WIB is 00.30 WITA the next day: the branch's numbers start again at midnight WITA,
    the main office's an hour later at midnight WIB; neither sees the other's queue."""
    main, branch = offices
    clock.current = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.timezone.utc)
    kiosk_main, kiosk_branch = main.principal("kiosk"), branch.principal("kiosk")
    assert main.issue_ticket(kiosk_main, "REK-PUB").code == "H-001"
    assert branch.issue_ticket(kiosk_branch, "REK-PUB").code == "H-001"
    assert main.issue_ticket(kiosk_main, "REK-PUB").code == "H-002"  # still 23 November in WIB
    clock.advance(hours=1)  # 00.30 WIB, 01.30 WITA
    assert main.issue_ticket(kiosk_main, "REK-PUB").code == "H-001"
    assert branch.issue_ticket(kiosk_branch, "REK-PUB").code == "H-002"
    rina = branch.login("rina.mb", "rahasia123", 2)
    assert [t.code for t in branch.queue(rina)] == ["H-001", "H-002"]
    assert [(t.issued_at.date(), t.issued_at.utcoffset()) for t in branch.queue(rina)] == [
        (dt.date(2026, 11, 24), WITA)] * 2
    petugas = main.login("petugas", "petugas123", 3)
    assert [t.code for t in main.queue(petugas)] == ["H-001"]


def test_a_branch_has_its_own_loket_and_catalog(offices):
    main, branch = offices
    assert [c.number for c in branch.office.counters] == [1, 2]
    assert [c.number for c in main.office.counters] == [1, 2, 3]
    assert [s.code for s in branch.office.services] == ["REK-PUB", "SEMBAKO", "JAMKESDA-MB"]
    assert "JAMKESDA-MB" not in {s.code for s in main.office.services}
    assert branch.office.tz == "Asia/Makassar" and main.office.tz == "Asia/Jakarta"
    with pytest.raises(DeskError, match="tidak dilayani di kantor ini"):
        branch.issue_ticket(branch.principal("kiosk"), "JAMKESDA")
    with pytest.raises(DeskError, match="tidak ada di katalog"):
        main.issue_ticket(main.principal("kiosk"), "JAMKESDA-MB")
    ticket = branch.issue_ticket(branch.principal("kiosk"), "JAMKESDA-MB")
    assert ticket.code == "Z-001"
    with pytest.raises(DeskError, match="kantor lain"):
        main.login("rina.mb", "rahasia123", 1)  # a branch account signs in at its own desks only


def test_who_may_look_at_which_office(offices, clock):
    """Supervisors of the main office choose any office; a branch's supervisor and every
    petugas see their own office only."""
    main, branch = offices
    supervisor = main.login("supervisor", "supervisor123", None)
    petugas = main.login("petugas", "petugas123", 1)
    yusuf = branch.login("yusuf.mb", "rahasia123", None)
    main_id, branch_id = main.office_id, branch.office_id
    assert [(o.code, o.timezone) for o in main.offices(supervisor)] == [(MAIN, "Asia/Jakarta"),
                                                                          (BRANCH, "Asia/Makassar")]
    assert [o.code for o in main.offices(petugas)] == [MAIN]
    assert [o.code for o in branch.offices(yusuf)] == [BRANCH]
    today = clock().date()
    for read in (lambda: main.deadlines(petugas, office_id=branch_id),
                 lambda: main.queue_stats(petugas, today, today, office_id=branch_id),
                 lambda: main.dashboard(petugas, today, today, office_id=branch_id)):
        with pytest.raises(PermissionDenied, match="kantor induk"):
            read()
    for read in (lambda: branch.deadlines(yusuf, office_id=main_id),
                 lambda: branch.queue_stats(yusuf, today, today, office_id=main_id),
                 lambda: branch.dashboard(yusuf, today, today, office_id=main_id),
                 lambda: branch.staff_figures(yusuf, today, today, office_id=main_id)):
        with pytest.raises(PermissionDenied, match="kantor cabang hanya dapat melihat"):
            read()
    # their own office, named or not, is fine
    assert branch.queue_stats(yusuf, today, today, office_id=branch_id).total.issued == 0
    assert main.deadlines(petugas, office_id=main_id).items == ()


def test_pemantauan_berkas_of_each_office_is_its_own_in_its_time_zone(offices, clock):
    """Monday 09.00 WITA (08.00 WIB): a SEMBAKO case at each office, and one of the branch's
    own Jamkesda; two hours later every step 1 (1 jam) is late. The main office's supervisor
    reads each office's list: only that office's cases, times in that office's zone."""
    main, branch = offices
    petugas = main.login("petugas", "petugas123", 1)
    rina = branch.login("rina.mb", "rahasia123", 1)
    ours = _lengkap(main, petugas, "SEMBAKO", "6403055507900002", "Siti Pusat")
    theirs = _lengkap(branch, rina, "SEMBAKO", "6403055507900003", "Budi Cabang")
    own_catalog = _lengkap(branch, rina, "JAMKESDA-MB", "6403055507900004", "Citra Cabang")
    clock.advance(hours=2)
    supervisor = main.login("supervisor", "supervisor123", None)

    mine = main.deadlines(supervisor)
    assert {i.case_id for i in mine.items} == {ours}
    assert {i.applicant_name for i in mine.items} == {"Siti Pusat"}
    assert all(i.due_at.utcoffset() == WIB for i in mine.items)
    assert mine.computed_at.utcoffset() == WIB and mine.computed_at.hour == 10

    other = main.deadlines(supervisor, office_id=branch.office_id)
    assert {i.applicant_name for i in other.items} == {"Budi Cabang", "Citra Cabang"}
    assert other.computed_at.utcoffset() == WITA and other.computed_at.hour == 11
    assert all(i.due_at.utcoffset() == WITA for i in other.items)
    sembako = next(i for i in other.items if i.case_id == theirs and i.step_no == 1)
    assert sembako.state == "terlambat" and sembako.due_at.hour == 10  # 09.00 WITA + 1 jam
    # the branch's own service, unknown to the main desk's catalog: listed by its stored due time
    jw = next(i for i in other.items if i.case_id == own_catalog and i.step_no == 0)
    assert (jw.service_code, jw.service_name, jw.state) == ("JAMKESDA-MB", "Jamkesda Muara Badak", "terlambat")
    # what the branch's own supervisor sees is the same list
    yusuf = branch.login("yusuf.mb", "rahasia123", None)
    assert {i.case_id for i in branch.deadlines(yusuf).items} == {i.case_id for i in other.items}


def test_queue_statistics_of_each_office_in_its_own_days_and_hours(offices, clock):
    """23.30 WIB = 00.30 WITA on the 24th: the branch's tickets of that moment belong to its
    24 November, hour 00.00-01.00; the main office's to its 23 November, hour 23.00-24.00."""
    main, branch = offices
    clock.current = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.timezone.utc)
    for _ in range(2):
        main.issue_ticket(main.principal("kiosk"), "REK-PUB")
    branch.issue_ticket(branch.principal("kiosk"), "REK-PUB")
    branch.issue_ticket(branch.principal("kiosk"), "JAMKESDA-MB")
    supervisor = main.login("supervisor", "supervisor123", None)
    nov23, nov24 = dt.date(2026, 11, 23), dt.date(2026, 11, 24)

    ours = main.queue_stats(supervisor, nov23, nov23)
    assert ours.total.issued == 2 and ours.total.waiting_now == 2
    assert [h.label for h in ours.hours] == ["23.00-24.00"]

    theirs = main.queue_stats(supervisor, nov24, nov24, office_id=branch.office_id)
    assert theirs.total.issued == 2 and theirs.total.waiting_now == 2
    assert [h.label for h in theirs.hours] == ["00.00-01.00"]
    # the branch's lines are named after the services its tickets were for
    assert [line.label.split()[0] for line in theirs.lines] == ["H", "Z"]
    assert theirs.lines[1].label == "Z Jamkesda Muara Badak"
    assert main.queue_stats(supervisor, nov23, nov23, office_id=branch.office_id).total.issued == 0


def test_figures_per_staff_member_and_step_per_office(offices, clock):
    main, branch = offices
    rina = branch.login("rina.mb", "rahasia123", 1)
    _lengkap(branch, rina, "SEMBAKO", "6403055507900003", "Budi Cabang")
    supervisor = main.login("supervisor", "supervisor123", None)
    today = clock().date()
    staff = main.staff_figures(supervisor, today, today, office_id=branch.office_id)
    assert {s.username for s in staff} == {"rina.mb", "yusuf.mb"}
    assert next(s for s in staff if s.username == "rina.mb").cases_opened == 1
    assert {s.username for s in main.staff_figures(supervisor, today, today)} >= {"petugas", "supervisor"}
    steps = main.step_figures(supervisor, today, today, office_id=branch.office_id)
    assert {s.service_code for s in steps} == {"SEMBAKO"}
    assert main.step_figures(supervisor, today, today) == []


def test_laporan_commands_take_kantor(offices, clock, config, tmp_path):
    main, branch = offices
    branch.issue_ticket(branch.principal("kiosk"), "REK-PUB")
    day = clock().astimezone(dt.timezone(WITA)).date().isoformat()
    base = ["--db", config.db_url, "--data-dir", str(tmp_path)]

    def run(*args):
        return CliRunner().invoke(cli, [*base, "laporan", *args], obj={}, prog_name="desk")

    out = run("antrean", "--kantor", BRANCH.lower(), "--dari", day, "--sampai", day)
    assert out.exit_code == 0, out.output
    assert "Kantor UPT Dinas Sosial Muara Badak (KKR-MUARA)" in out.output
    total = next(line for line in out.output.splitlines() if line.startswith("Semua"))
    assert total.split()[1] == "1"
    own = run("antrean", "--dari", day, "--sampai", day)
    assert "Belum ada tiket" in own.output and "Kantor " not in own.output
    staff = run("petugas", "--kantor", BRANCH, "--dari", day, "--sampai", day)
    assert "Rina Muara Badak" in staff.output and "Rina Wulandari" not in staff.output
    assert run("langkah", "--kantor", BRANCH, "--dari", day).exit_code == 0
    wrong = run("antrean", "--kantor", "ENTAH")
    assert wrong.exit_code != 0 and "kantor 'ENTAH' tidak ada" in wrong.output
    assert "DINSOS-KKR, KKR-MUARA" in wrong.output
    report = run("kinerja", "--kantor", BRANCH, "--dari", day, "--format", "csv")
    assert report.exit_code == 0, report.output
    assert "kinerja-KKR-MUARA-" in report.output


def test_a_branch_cannot_name_itself_its_main_office(tmp_path):
    from desk.config import ConfigError, load_config

    path = tmp_path / "desk.toml"
    path.write_text('[kantor]\ncode = "KKR-MUARA"\ninduk = "KKR-MUARA"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[kantor\]\.induk"):
        load_config(config_file=path, data_dir=tmp_path)
    path.write_text('[kantor]\ncode = "KKR-MUARA"\ninduk = "DINSOS-KKR"\n', encoding="utf-8")
    assert load_config(config_file=path, data_dir=tmp_path).office.induk == "DINSOS-KKR"


# -- choosing the office on the screens (80x24) ------------------------------------------------


async def test_o_on_pemantauan_berkas_shows_the_branch_and_the_dashboard_follows(offices, clock) -> None:
    """The main office's supervisor lands on the list of the main office; o, 2: the branch's
    cases, its name in the header, its times (WITA); Enter does not open a branch case here;
    d: the dashboard of the same office; a petugas gets no o."""
    from desk.app import create_app
    from screens.dashboard import DashboardScreen
    from screens.dashdialogs import ListDialog
    from screens.deadlines import DeadlinesScreen
    from screens.queue import QueueScreen
    from screens.widgets import PlainStatic
    from test_tui_deadlines import column, footer_fits, screen_lines, sign_in
    from tui_helpers import notifications, settle, shown

    main, branch = offices
    _lengkap(main, main.login("petugas", "petugas123", 1), "SEMBAKO", "6403055507900002", "Siti Pusat")
    _lengkap(branch, branch.login("rina.mb", "rahasia123", 1), "SEMBAKO", "6403055507900003", "Budi Cabang")
    clock.advance(hours=2)  # 10.00 WIB, 11.00 WITA
    app = create_app(main)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "supervisor", "supervisor123")
        assert isinstance(app.screen, DeadlinesScreen)
        assert column(app, "name") == ["Siti Pusat"]
        assert "Kutai Kartanegara" in screen_lines(app)[0]
        assert shown(app.screen.query_one("#dl-info", PlainStatic)).startswith("10.00 ")
        footer_fits(app)
        assert "o Kantor" in screen_lines(app)[-1]

        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ListDialog)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        assert column(app, "name") == ["Budi Cabang"]
        assert "UPT Dinas Sosial Muara Badak" in screen_lines(app)[0]
        assert shown(app.screen.query_one("#dl-info", PlainStatic)).startswith("11.00 ")
        assert "10.00" in column(app, "due")[0]  # 09.00 WITA + 1 jam, in the branch's time
        assert "Buka berkas" not in screen_lines(app)[-1]
        footer_fits(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        assert any("dibuka di desk kantor itu" in n for n in notifications(app))

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "UPT Dinas Sosial Muara Badak" in shown(app.screen.query_one("#dash-title", PlainStatic))
        assert "UPT Dinas Sosial Muara Badak" in screen_lines(app)[0]

        # back on the list, o, 1: the main office again
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert column(app, "name") == ["Siti Pusat"]
        footer_fits(app)  # o Kantor takes the room of a Antrean; a still leads to the queue
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)

    app = create_app(main)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "petugas", "petugas123")
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        assert column(app, "name") == ["Siti Pusat"]
        assert "Kantor" not in screen_lines(app)[-1]


async def test_o_on_the_queue_statistics_shows_the_branch_in_its_hours(offices, clock) -> None:
    """Two tickets at the main office at 08.xx WIB, one at the branch at 09.xx WITA: the
    statistics (F7 at the queue) count the main office's; o, 2: the branch's, per hour in WITA."""
    from desk.app import create_app
    from screens.dashdialogs import ListDialog
    from screens.queuestats import QueueStatsScreen
    from screens.widgets import PlainStatic
    from test_tui_deadlines import footer_fits, screen_lines, sign_in
    from tui_helpers import settle, shown

    main, branch = offices
    for _ in range(2):
        main.issue_ticket(main.principal("kiosk"), "REK-PUB")
    branch.issue_ticket(branch.principal("kiosk"), "REK-PUB")
    app = create_app(main)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "supervisor", "supervisor123")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, QueueStatsScreen)
        total = lambda: shown(app.screen.query_one("#stats-total", PlainStatic))  # noqa: E731
        assert "2 diambil" in total()
        footer_fits(app)
        assert "o Kantor" in screen_lines(app)[-1]
        await pilot.press("3")
        await settle(pilot)
        assert any(line.lstrip().startswith("08.00-09.00") for line in screen_lines(app))

        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ListDialog)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, QueueStatsScreen)
        assert "1 diambil" in total()
        assert "UPT Dinas Sosial Muara Badak" in screen_lines(app)[0]
        lines = screen_lines(app)
        assert any(line.lstrip().startswith("09.00-10.00") for line in lines)
        assert not any(line.lstrip().startswith("08.00-09.00") for line in lines)
        footer_fits(app)


def test_init_says_whether_an_office_is_a_branch(db_url, tmp_path):
    """desk init with a branch's file before its main office exists warns; afterwards each
    says where it stands."""
    branch = tmp_path / "cabang.toml"
    branch.write_text(f'[kantor]\ncode = "{BRANCH}"\nname = "UPT Muara Badak"\ninduk = "{MAIN}"\n'
                      'timezone = "Asia/Makassar"\ncounters = 2\nservices = ["REK-PUB"]\n', encoding="utf-8")
    main = tmp_path / "pusat.toml"
    main.write_text(f'[kantor]\ncode = "{MAIN}"\ntimezone = "Asia/Jakarta"\n', encoding="utf-8")

    def init(path: Path) -> str:
        out = CliRunner().invoke(cli, ["--db", db_url, "--data-dir", str(tmp_path), "--config", str(path), "init"],
                                 obj={}, prog_name="desk")
        assert out.exit_code == 0, out.output
        return out.output

    assert f"Peringatan: kantor induk '{MAIN}'" in init(branch)
    assert f"Kantor induk: supervisor dan pimpinan di sini dapat memilih kantor lain (1: {BRANCH})" in init(main)
    output = init(branch)
    assert "UPT Muara Badak (Asia/Makassar), 2 loket, 1 jenis layanan" in output
    assert f"Kantor cabang dari Dinas Sosial Kabupaten Kutai Kartanegara ({MAIN})" in output
