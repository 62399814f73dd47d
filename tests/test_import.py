"""Imports of beneficiary lists (CSV / XLSX) for services that start from data: good lists become
cases with register numbers; a bad list reports every bad row and imports nothing."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from desk.cli import cli
from models.dto import ApplicantInput, DeskError
from models.imports import importable_services
from models.permissions import PermissionDenied
from models.tables import Applicant, AuditLog, Case, Event, StepRun

# valid NIKs: Kutai Kartanegara (64 03 05); the birth date (day + 40 for women) is in digits 7-12
BUDI = "6403051507800003"     # L, 15-07-1980
SITI = "6403055507900002"     # P, 15-07-1990
AMIN = "6403051208450003"     # L, 12-08-1945
AMINAH = "6403054101700004"   # P, 01-01-1970
NKK = "6403050101090001"

HEADER = ["NIK", "No. KK", "Nama Lengkap", "JK (L/P)", "Tanggal Lahir", "Alamat", "Desa/Kelurahan", "Kecamatan",
          "No HP"]


def person(nik, name, sex="", birth="", nkk="", address="Jl. Mulawarman 1", desa="Timbau",
           kecamatan="Tenggarong", phone=""):
    return [nik, nkk, name, sex, birth, address, desa, kecamatan, phone]


def write_csv(path, rows, *, delimiter=";", encoding="utf-8-sig", header=HEADER):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows([header, *rows])
    return path


def write_xlsx(path, rows, *, header=HEADER, title=None):
    """An XLSX the way an office types it: NIK and NKK columns formatted as text."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2 if title else 1):
        for cell in cells[:2]:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    workbook.save(path)
    return path


@pytest.fixture
def sup(desk_service):
    return desk_service.login("supervisor", "supervisor123", None)


def counts(desk):
    with desk.db.connection_context():
        return Applicant.select().count(), Case.select().count(), StepRun.select().count()


def run_cli(args, **kwargs):
    return CliRunner().invoke(cli, args, obj={}, prog_name="desk", catch_exceptions=False, **kwargs)


def test_services_that_start_from_data_are_the_ones_that_accept_a_list(desk_service):
    assert set(importable_services(desk_service.ctx)) == {"KUKAR-IDAMAN", "PERMAKANAN", "VETERAN", "SEMBAKO"}


def test_a_good_csv_opens_one_case_per_row_with_register_numbers(desk_service, sup, tmp_path):
    path = write_csv(tmp_path / "penerima.csv", [
        person(BUDI, "Budi Santoso", "L", "1980-07-15", nkk=NKK, phone="0812-3456-7890"),
        person(SITI, "[b]Siti[/]", "P", "15/07/1990"),
        person(AMIN, "Amin", "", ""),
    ])
    report = desk_service.import_file(sup, "veteran", path)
    assert report.ok and report.imported == 3 and report.rows == 3
    assert (report.first_register, report.last_register) == ("VETERAN/2026/00001", "VETERAN/2026/00003")

    found = desk_service.search(sup, SITI)
    assert len(found) == 1
    case = desk_service.case(sup, found[0].id, record_view=False)
    assert case.status == "diproses" and case.register_no == "VETERAN/2026/00002"
    assert case.applicant.name == "[b]Siti[/]" and case.applicant.sex == "P"
    assert case.applicant.birth_date == dt.date(1990, 7, 15)
    assert case.current_step is not None and case.current_step.no == 1  # the first SOP step runs
    with desk_service.db.connection_context():
        budi = Case.select().join(Applicant).where(Applicant.nik == BUDI).get()
        assert json.loads(budi.applicant_data)["nkk"] == NKK
        assert budi.applicant.phone == "081234567890" and budi.created_by_id == sup.staff_id
        audit = AuditLog.get(AuditLog.action == "impor")
        assert json.loads(audit.detail)["berkas"] == "penerima.csv" and json.loads(audit.detail)["baris"] == 3
        assert audit.staff_id == sup.staff_id
        assert Event.select().where(Event.kind == "case.imported").count() == 1
    # the office's register numbering goes on across services
    assert desk_service.import_file(sup, "PERMAKANAN", write_csv(tmp_path / "b.csv", [
        person(AMINAH, "Aminah")])).first_register == "PERMAKANAN/2026/00004"


def test_a_good_xlsx_with_a_title_row_and_date_cells_is_imported(desk_service, sup, tmp_path):
    path = write_xlsx(tmp_path / "penerima.xlsx", [
        person(BUDI, "Budi Santoso", "L", dt.datetime(1980, 7, 15), nkk=NKK),
        person(AMINAH, "Aminah", "P", "01-01-1970"),
    ], title="Daftar penerima santunan veteran 2026")
    report = desk_service.import_file(sup, "VETERAN", path)
    assert report.ok and report.imported == 2, report
    case = desk_service.case(sup, desk_service.search(sup, BUDI)[0].id, record_view=False)
    assert case.applicant.birth_date == dt.date(1980, 7, 15) and case.applicant.nik == BUDI


def test_headers_are_matched_loosely_and_a_windows_tab_file_is_read(desk_service, sup, tmp_path):
    path = tmp_path / "desa.txt"
    header = ["nik", "NOMOR KK", "Nama", "Jenis Kelamin", "Tgl. Lahir", "ALAMAT", "Kelurahan", "Kec.", "Catatan"]
    write_csv(path, [[SITI, NKK, "Siti Ayu Sofía", "perempuan", "", "Jl. Diponegoro", "Melayu", "Tenggarong", "x"]],
              delimiter="\t", encoding="cp1252", header=header)
    report = desk_service.import_file(sup, "SEMBAKO", path)
    assert report.ok and report.imported == 1, report
    assert report.ignored_columns == ("Catatan",)
    case = desk_service.case(sup, desk_service.search(sup, SITI)[0].id, record_view=False)
    assert case.applicant.name == "Siti Ayu Sofía" and case.applicant.desa == "Melayu"


def test_a_bad_file_reports_every_bad_row_and_imports_nothing(desk_service, sup, session, tmp_path, base_args):
    # AMIN already has an open case of the service (opened at the counter)
    desk_service.open_case(session, "VETERAN", ApplicantInput(
        kind="perorangan", nik=AMIN, name="Amin", address="Jl. A", desa="Timbau", kecamatan="Tenggarong"))
    rows = [
        person(BUDI, "Budi Santoso"),                          # 3: good
        person("640305150780000", "NIK Pendek"),                # 4: 15 digits
        [6403055507900002, "", "Siti Angka", "", "", "Jl. B", "Timbau", "Tenggarong", ""],  # 5: NIK as a number
        person(AMINAH, "Aminah Satu"),                          # 6: duplicate of 9
        person("6403051507800011", ""),                         # 7: no name
        person("6403051507800012", "Tanggal Salah", birth="31-02-1980"),  # 8: no such date
        person(AMINAH, "Aminah Dua"),                           # 9: duplicate of 6
        person(AMIN, "Amin"),                                   # 10: open case
        person("6403051507800013", "Salah Kelamin", sex="P"),   # 11: the NIK says L
        person("6403051507800014", "KK Pendek", nkk="640305"),  # 12: NKK of 6 digits
        [],                                                     # 13: empty row (skipped)
        person("6403051507800015", "Budi Dua", address=""),    # 14: no address
    ]
    path = write_xlsx(tmp_path / "buruk.xlsx", rows, title="Daftar usulan")
    before = counts(desk_service)
    report = desk_service.import_file(sup, "VETERAN", path)
    assert report.imported == 0 and not report.ok
    assert counts(desk_service) == before
    problems = report.problems
    assert sorted(problems) == [4, 5, 6, 7, 8, 9, 10, 11, 12, 14]
    assert problems[4] == ("NIK harus 16 digit (tertulis 15).",)
    stored_as_number = ("NIK tersimpan sebagai angka di Excel; digit terakhir bisa hilang. Format kolom "
                        "sebagai Teks lalu ketik ulang.")
    assert problems[5] == (stored_as_number,)
    assert "baris 9" in problems[6][0] and "baris 6" in problems[9][0]
    assert problems[7] == ("Nama wajib diisi.",)
    assert "tidak ada di kalender" in problems[8][0]
    assert "belum selesai" in problems[10][0]
    assert "tidak sesuai dengan NIK" in problems[11][0]
    assert problems[12] == ("NKK harus 16 digit (tertulis 6).",)
    assert problems[14] == ("Alamat wajib diisi.",)

    # the command line prints the same report and fails
    out = run_cli([*base_args, "impor", "VETERAN", str(path), "--petugas", "supervisor", "--sandi", "supervisor123"])
    assert out.exit_code == 1
    for number in (4, 5, 6, 7, 8, 9, 10, 11, 12, 14):
        assert f"Baris {number}: " in out.output
    assert "Baris 3:" not in out.output and "TIDAK ADA yang diimpor" in out.output
    assert counts(desk_service) == before


def test_uji_checks_without_writing(desk_service, sup, tmp_path, base_args):
    path = write_csv(tmp_path / "penerima.csv", [person(BUDI, "Budi"), person(SITI, "Siti")], delimiter=",")
    before = counts(desk_service)
    report = desk_service.import_file(sup, "VETERAN", path, trial=True)
    assert report.ok and report.trial and report.imported == 0 and counts(desk_service) == before
    out = run_cli([*base_args, "impor", "VETERAN", str(path), "--uji", "--petugas", "supervisor"],
                  input="supervisor123\n")
    assert out.exit_code == 0 and "2 baris siap diimpor" in out.output
    assert counts(desk_service) == before
    out = run_cli([*base_args, "impor", "VETERAN", str(path), "--petugas", "supervisor", "--sandi", "supervisor123"])
    assert out.exit_code == 0 and "2 berkas dibuka" in out.output
    assert counts(desk_service)[1] == before[1] + 2


def test_a_service_that_starts_at_the_counter_refuses_a_list(desk_service, sup, tmp_path, base_args):
    path = write_csv(tmp_path / "penerima.csv", [person(BUDI, "Budi")])
    with pytest.raises(DeskError, match="dimulai dari permohonan di loket"):
        desk_service.import_file(sup, "REK-PUB", path)
    out = run_cli([*base_args, "impor", "JAMKESDA", str(path), "--petugas", "supervisor", "--sandi", "supervisor123"])
    assert out.exit_code == 1 and "VETERAN" in out.output and "tidak dapat diimpor" in out.output


def test_only_supervisors_import(desk_service, session, tmp_path):
    path = write_csv(tmp_path / "penerima.csv", [person(BUDI, "Budi")])
    with pytest.raises(PermissionDenied, match="tidak berwenang mengimpor"):
        desk_service.import_file(session, "VETERAN", path)


def test_a_file_without_a_required_column_or_data_is_refused_whole(desk_service, sup, tmp_path):
    path = write_csv(tmp_path / "a.csv", [[BUDI, "Budi"]], header=["NIK", "Nama"])
    report = desk_service.import_file(sup, "VETERAN", path)
    assert not report.ok and "Alamat, Desa/Kelurahan, Kecamatan" in report.file_errors[0]
    no_nik = write_csv(tmp_path / "b.csv", [["Budi"]], header=["Nama"])
    assert "kolom NIK tidak ditemukan" in desk_service.import_file(sup, "VETERAN", no_nik).file_errors[0]
    empty = write_csv(tmp_path / "c.csv", [])
    assert "tidak berisi baris data" in desk_service.import_file(sup, "VETERAN", empty).file_errors[0]
    old = tmp_path / "d.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert ".xls" in desk_service.import_file(sup, "VETERAN", old).file_errors[0]


def test_an_import_keeps_what_the_counter_recorded_when_the_list_has_no_value(desk_service, session, sup,
                                                                                 tmp_path):
    desk_service.open_case(session, "JAMKESDA", ApplicantInput(
        kind="perorangan", nik=BUDI, name="Budi", address="Jl. A", desa="Timbau", kecamatan="Tenggarong",
        kabupaten="Kutai Kartanegara", phone="081234567890"))
    path = write_csv(tmp_path / "a.csv", [person(BUDI, "Budi Santoso", address="Jl. Baru 2")])
    assert desk_service.import_file(sup, "VETERAN", path).imported == 1
    with desk_service.db.connection_context():
        budi = Applicant.get(Applicant.nik == BUDI)
    assert (budi.name, budi.address, budi.phone) == ("Budi Santoso", "Jl. Baru 2", "081234567890")


@pytest.fixture
def base_args(tmp_path, db_url, desk_service):
    return ["--db", db_url, "--data-dir", str(tmp_path)]
