"""The register of cases per service and period, exported as CSV and XLSX."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from desk.cli import cli
from desk.wiring import make_service
from models.dto import ApplicantInput, DeskError
from models.permissions import PermissionDenied
from models.tables import AuditLog

BUDI = "6403051507800003"
SITI = "6403055507900002"
AMINAH = "6403054101700004"
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _list(path, *people):
    lines = ["NIK,Nama,Alamat,Desa,Kecamatan"] + [f"{nik},{name},Jl. Mulawarman 1,Timbau,Tenggarong"
                                                  for nik, name in people]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def sup(desk_service):
    return desk_service.login("supervisor", "supervisor123", None)


@pytest.fixture
def cases(desk_service, sup, session, clock, tmp_path):
    """Veteran cases imported on 23 November, one more on 1 December, and a REK-PUB case decided
    at the counter on 23 November with its letter printed."""
    assert desk_service.import_file(sup, "VETERAN", _list(tmp_path / "a.csv", (BUDI, "Budi Santoso"),
                                                          (SITI, "[b]Siti[/]"))).imported == 2
    org = desk_service.open_case(session, "REK-PUB", ApplicantInput(
        kind="organisasi", nik=AMINAH, name="Aminah", address="Jl. Mulawarman No. 12", desa="Timbau",
        kecamatan="Tenggarong", kabupaten="Kutai Kartanegara", org_name="Yayasan Peduli Sesama"))
    for line in org.checklist:
        desk_service.set_item(session, org.id, line.item_id, True)
    try:
        result = desk_service.decide(session, org.id)
    except DeskError:  # a criterion the officer has to vouch for
        result = desk_service.decide(session, org.id, "diperiksa petugas")
    assert result.lengkap
    letter = desk_service.print_product(session, org.id)
    clock.advance(days=8)  # 1 December
    desk_service.import_file(sup, "VETERAN", _list(tmp_path / "b.csv", ("6403051208450003", "Amin")))
    return {"letter": letter.number}


def test_register_lists_the_cases_registered_in_the_period(desk_service, sup, cases):
    rows = desk_service.register_rows(sup, None, *NOVEMBER)
    assert [r.register_no for r in rows] == ["VETERAN/2026/00001", "VETERAN/2026/00002", "REK-PUB/2026/00003"]
    first = rows[0]
    assert (first.nik, first.name, first.status_label, first.complete_date) == (
        BUDI, "Budi Santoso", "Diproses", dt.date(2026, 11, 23))
    assert rows[2].letter_no == cases["letter"] and rows[2].service_name
    only = desk_service.register_rows(sup, "VETERAN", *NOVEMBER)
    assert [r.register_no for r in only] == ["VETERAN/2026/00001", "VETERAN/2026/00002"]
    december = desk_service.register_rows(sup, "VETERAN", dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    assert [r.name for r in december] == ["Amin"]


def test_csv_register_is_utf8_with_bom_and_keeps_the_nik_whole(desk_service, sup, cases, tmp_path):
    path = tmp_path / "register.csv"
    done = desk_service.export_register(sup, None, *NOVEMBER, path, "csv")
    assert done.rows == 3 and path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:6] == ["Nomor register", "Tanggal lengkap", "Kode layanan", "Layanan", "NIK", "Nama"]
    assert rows[1][0] == "VETERAN/2026/00001" and rows[1][1] == "23-11-2026" and rows[1][4] == BUDI
    assert rows[2][5] == "[b]Siti[/]"  # data is written as it is
    assert rows[3][-1] == cases["letter"] and len(rows) == 4


def test_xlsx_register_has_a_title_text_niks_and_real_dates(desk_service, sup, cases, tmp_path):
    path = tmp_path / "register.xlsx"
    desk_service.export_register(sup, "VETERAN", *NOVEMBER, path, "xlsx")
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "Register Santunan Veteran 1 November 2026 s.d. 30 November 2026"
    assert sheet["A2"].value == desk_service.office_name()
    assert sheet["A3"].value == "Nomor register" and sheet["A3"].font.bold
    nik = sheet["E4"]
    assert nik.value == BUDI and nik.data_type == "s" and nik.number_format == "@"
    assert sheet["A4"].number_format == "@"
    complete = sheet["B4"]
    assert complete.value == dt.datetime(2026, 11, 23) and complete.is_date
    assert sheet.max_row == 5
    assert sheet.column_dimensions["E"].width >= 16


def test_the_export_is_audited_without_the_nik(desk_service, sup, cases, tmp_path):
    desk_service.export_register(sup, "VETERAN", *NOVEMBER, tmp_path / "r.xlsx")
    with desk_service.db.connection_context():
        row = AuditLog.get(AuditLog.action == "ekspor_register")
    detail = json.loads(row.detail)
    assert row.staff_id == sup.staff_id and detail["baris"] == 2 and detail["layanan"] == "VETERAN"
    assert BUDI not in row.detail


def test_counter_staff_may_not_export_the_register(desk_service, session, cases, tmp_path):
    with pytest.raises(PermissionDenied, match="register"):
        desk_service.export_register(session, None, *NOVEMBER, tmp_path / "r.csv", "csv")
    assert not (tmp_path / "r.csv").exists()


def test_another_offices_cases_are_not_in_the_register(config, desk_service, sup, cases, tmp_path):
    other = dataclasses.replace(config, office=dataclasses.replace(
        config.office, code="MAGETAN", name="Dinas Sosial Kabupaten Magetan", kabupaten="Magetan"))
    branch = make_service(other, clock=desk_service.ctx.clock)
    branch.open()
    try:
        branch.add_staff(branch.principal("sistem"), "spv.magetan", "Sri", "rahasia99", "supervisor")
        mine = branch.login("spv.magetan", "rahasia99", None)
        # 1 December in the branch as well: the same NIK in another office is another register
        assert branch.import_file(mine, "SEMBAKO", _list(tmp_path / "m.csv", (BUDI, "Budi di Magetan"))).imported == 1
        theirs = branch.register_rows(mine, None, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
        assert [r.name for r in theirs] == ["Budi di Magetan"]
    finally:
        branch.close()
    ours = desk_service.register_rows(sup, None, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert "Budi di Magetan" not in [r.name for r in ours] and len(ours) == 4


def test_cli_writes_the_register(desk_service, cases, tmp_path, db_url):
    target = tmp_path / "keluar" / "register-veteran.csv"
    out = CliRunner().invoke(cli, ["--db", db_url, "--data-dir", str(tmp_path), "register", "VETERAN",
                                   "--dari", "2026-11-01", "--sampai", "2026-11-30", "-o", str(target),
                                   "--petugas", "supervisor", "--sandi", "supervisor123"],
                             obj={}, prog_name="desk", catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "2 berkas ditulis" in out.output and "NIK lengkap" in out.output
    assert BUDI in target.read_text(encoding="utf-8-sig")
    bad = CliRunner().invoke(cli, ["--db", db_url, "--data-dir", str(tmp_path), "register", "--dari", "2026-12-01",
                                   "--sampai", "2026-11-01", "--petugas", "supervisor", "--sandi", "supervisor123"],
                             obj={}, prog_name="desk")
    assert bad.exit_code != 0
    help_ = CliRunner().invoke(cli, ["register", "--help"], obj={}, prog_name="desk")
    assert "Penggunaan:" in help_.output and "Ekspor register" in help_.output
    help_ = CliRunner().invoke(cli, ["impor", "--help"], obj={}, prog_name="desk")
    assert "Penggunaan:" in help_.output and "--uji" in help_.output


async def test_supervisor_exports_the_register_from_the_desk(make_app, live_desk_service, tmp_path):
    """Ctrl+R opens the export; the supervisor picks CSV, names the file and presses F5."""
    from textual.widgets import Select
    from tui_helpers import burst, settle, shown, type_into

    from screens.register import RegisterScreen
    from screens.widgets import PlainStatic

    desk = live_desk_service
    sup = desk.login("supervisor", "supervisor123", None)
    assert desk.import_file(sup, "VETERAN", _list(tmp_path / "a.csv", (BUDI, "Budi Santoso"))).imported == 1
    target = tmp_path / "register.csv"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, [*"supervisor", "enter", *"supervisor123", "enter"])
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        app.screen.query_one("#register-format", Select).focus()
        await pilot.press("enter", "down", "enter")  # XLSX -> CSV
        await settle(pilot)
        assert app.screen.query_one("#register-format", Select).value == "csv"
        await type_into(pilot, "#register-path", str(target))
        await pilot.press("f5")
        await settle(pilot)
        result = shown(app.screen.query_one("#register-result", PlainStatic))
        assert "1 berkas ditulis" in result, result
        assert BUDI in target.read_text(encoding="utf-8-sig")
        await type_into(pilot, "#register-since", "31-02-2026")
        await pilot.press("f5")
        await settle(pilot)
        assert "tidak dikenal" in shown(app.screen.query_one("#register-result", PlainStatic))
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RegisterScreen)


async def test_counter_staff_are_told_the_register_is_for_supervisors(make_app):
    from tui_helpers import login, notifications, settle

    from screens.register import RegisterScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not isinstance(app.screen, RegisterScreen)
        assert any("supervisor" in n for n in notifications(app))
