"""Jejak audit at 80x24: a supervisor opens it from Pemantauan berkas (u), filters by NIK and
sees the person's intake and the views of their full NIK, with a row's whole detail on Enter;
a petugas cannot open it; the case screen shows the full NIK on purpose (n) and records it; the
correction form shows the NIK masked; names that look like markup stay literal."""

from __future__ import annotations

import io
import json

from rich.console import Console
from textual.widgets import DataTable, Input

from desk.app import create_app
from models.dto import ApplicantInput
from models.tables import AuditLog
from screens.audit import AuditScreen
from screens.case import CaseScreen
from screens.deadlines import DeadlinesScreen
from screens.dialogs import MessageDialog
from screens.intake import IntakeScreen
from screens.login import LoginScreen
from screens.queue import QueueScreen
from screens.widgets import PlainStatic
from tui_helpers import burst, notifications, settle, shown

SIZE = (80, 24)
NIK = "6403055507900002"
OTHER = "6403051208450003"
MARKUP_STAFF = "[b]Rina[/] Wulan"


def person(nik: str, name: str) -> ApplicantInput:
    return ApplicantInput(kind="perorangan", nik=nik, name=name, address="Jl. Mawar 3", desa="Timbau",
                          kecamatan="Tenggarong", kabupaten="Kutai Kartanegara", phone="081234567890")


def lengkap(desk, session, nik: str, name: str):
    case = desk.open_case(session, "VETERAN", person(nik, name))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    return desk.decide(session, case.id, reason="diperiksa dalam uji").case


def audit_rows(desk, action: str) -> list[AuditLog]:
    with desk.db.connection_context():
        return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


async def sign_in(pilot, username: str, password: str) -> None:
    await settle(pilot)
    assert isinstance(pilot.app.screen, LoginScreen)
    await burst(pilot, [*username, "enter", *password, "enter"])
    await settle(pilot)


def screen_lines(app) -> list[str]:
    console = Console(width=app.size.width, height=app.size.height, record=True,
                      file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))  # noqa: SLF001
    return console.export_text().splitlines()


def table_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#au-table", DataTable)
    return [[str(cell) for cell in table.get_row(row.key)] for row in table.ordered_rows]


async def test_a_supervisor_filters_by_nik_and_sees_the_intake_and_the_nik_views(desk_service) -> None:
    desk = desk_service
    system = desk.principal("sistem")
    desk.add_staff(system, "rina.w", MARKUP_STAFF, "rahasia123")
    clerk = desk.login("rina.w", "rahasia123", 1)
    case = lengkap(desk, clerk, NIK, "Siti Aminah")
    desk.reveal_nik(clerk, case.id)  # the case screen's n
    other = desk.open_case(clerk, "VETERAN", person(OTHER, "Budi Santoso"))
    desk.refuse_case(clerk, other.id, "a [/x] b")

    app = create_app(desk)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "supervisor", "supervisor123")
        assert isinstance(app.screen, DeadlinesScreen)
        await pilot.press("u")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        assert "Jejak audit" in screen_lines(app)[0]
        assert all(len(line) <= 80 for line in screen_lines(app))
        # the newest rows of the office first: Budi's refusal with its reason, literally
        first = table_rows(app)
        assert first[0][2] == "Masuk" and first[0][1] == "supervisor"
        refusal = next(row for row in first if row[2] == "Tolak permohonan")
        assert refusal[1] == "rina.w"
        screen.query_one("#au-table", DataTable).focus()
        await settle(pilot)
        screen.query_one("#au-table", DataTable).move_cursor(row=first.index(refusal))
        await settle(pilot)
        detail = shown(screen.query_one("#au-detail", PlainStatic))
        assert f"{MARKUP_STAFF} (rina.w)" in detail and "alasan: a [/x] b" in detail

        # filter by the NIK (typed with spaces): her rows only, masked NIKs only
        nik_field = screen.query_one("#au-f-nik", Input)
        nik_field.focus()
        await burst(pilot, [*"6403 0555 0790 0002", "enter"])
        await settle(pilot)
        rows = table_rows(app)
        actions = [row[2] for row in rows]
        assert {"Lihat NIK lengkap", "Berkas lengkap", "Buka berkas", "Data pemohon baru"} <= set(actions)
        assert "Tolak permohonan" not in actions
        assert {row[3] for row in rows if row[2] != "Data pemohon baru"} == {f"Berkas {case.register_no}"}
        assert not any(NIK in " ".join(line) for line in screen_lines(app))
        assert "6403********0002" in " ".join(screen_lines(app))

        # Enter on the NIK view: the whole row, who saw it, where
        table = screen.query_one("#au-table", DataTable)
        table.focus()
        table.move_cursor(row=actions.index("Lihat NIK lengkap"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MessageDialog)
        text = shown(dialog.query_one(".dialog-body", PlainStatic))
        assert f"Oleh: {MARKUP_STAFF} (rina.w)" in text
        assert "konteks: tampilkan NIK" in text and "nik: 6403********0002" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen

        # a NIK too short is said at the filter, not a traceback
        nik_field.focus()
        nik_field.value = ""
        await burst(pilot, [*"6403", "enter"])
        await settle(pilot)
        assert "NIK harus 16 angka" in str(screen.query_one("#au-error").render())

    recorded = audit_rows(desk, "lihat_audit")  # opening it, and the NIK filter: once each
    assert [json.loads(r.detail).get("nik") for r in recorded] == [None, "6403********0002"]


async def test_older_rows_come_with_pgdn_without_recording_again(desk_service, monkeypatch) -> None:
    import screens.audit as audit_screen

    monkeypatch.setattr(audit_screen, "PAGE", 5)
    desk = desk_service
    kiosk = desk.principal("kiosk")
    for _ in range(8):
        desk.issue_ticket(kiosk, "REK-PUB")
    app = create_app(desk)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "supervisor", "supervisor123")
        await pilot.press("u")
        await settle(pilot)
        screen = app.screen
        assert len(table_rows(app)) == 5
        screen.query_one("#au-table", DataTable).focus()
        await settle(pilot)
        assert "PgDn Muat lagi" in screen_lines(app)[-1]
        await pilot.press("pagedown")
        await settle(pilot)
        assert len(table_rows(app)) == 10
        ids = [row.key.value for row in screen.query_one("#au-table", DataTable).ordered_rows]
        assert len(set(ids)) == 10 and ids == sorted(ids, key=int, reverse=True)
    assert len(audit_rows(desk, "lihat_audit")) == 1


async def test_a_petugas_cannot_open_the_audit(desk_service) -> None:
    app = create_app(desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "petugas", "petugas123")
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        assert any("Jejak audit hanya untuk" in m for m in notifications(app))
    assert audit_rows(desk_service, "lihat_audit") == []


async def test_the_case_screen_shows_the_full_nik_on_purpose_and_records_it(desk_service, session,
                                                                           monkeypatch) -> None:
    import screens.case as case_screen

    monkeypatch.setattr(case_screen, "NIK_SECONDS", 0.5)
    case = lengkap(desk_service, session, NIK, "Siti Aminah")
    app = create_app(desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "petugas", "petugas123")
        app.push_screen(CaseScreen(case))
        await settle(pilot)
        header = app.screen.query_one("#case-header", PlainStatic)
        assert "6403********0002" in shown(header) and NIK not in shown(header)
        assert audit_rows(desk_service, "lihat_nik") == []
        await pilot.press("n")
        await settle(pilot)
        assert NIK in shown(header)
        [view] = audit_rows(desk_service, "lihat_nik")
        assert view.entity_id == case.id and json.loads(view.detail)["konteks"] == "tampilkan NIK"
        for _ in range(40):  # masked again after a while, by itself
            if NIK not in shown(header):
                break
            await pilot.pause(0.1)
        assert NIK not in shown(header) and "6403********0002" in shown(header)

        # the correction form shows the NIK masked (it cannot change there) and still saves
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IntakeScreen)
        assert form.query_one("#f-nik", Input).value == "6403********0002"
        address = form.query_one("#f-address", Input)
        address.value = "Jl. Mawar 4"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
    fixed = desk_service.case(session, case.id, record_view=False)
    assert fixed.applicant.address == "Jl. Mawar 4" and fixed.applicant.nik == NIK
    assert len(audit_rows(desk_service, "lihat_nik")) == 1


async def test_opening_a_persons_form_with_their_nik_is_recorded(desk_service, session) -> None:
    import dataclasses

    from forms.catalog import Role
    from models.casedto import PersonInput
    from screens.people import PersonForm

    svc = desk_service.ctx.catalog.services["KUBE"]
    desk_service.ctx.catalog.services["KUBE"] = dataclasses.replace(
        svc, roles=(Role("ketua", "Ketua", 1, 1), Role("anggota", "Anggota", 0, None)))
    group = ApplicantInput(kind="kelompok", nik="3520014507800002", name="Sri Wahyuni", address="Jl. Pahlawan 3",
                           desa="Candirejo", kecamatan="Magetan", kabupaten="Magetan", org_name="KUBE Maju",
                           member_count="10")
    case = desk_service.open_case(session, "KUBE", group)
    desk_service.add_person(session, case.id, PersonInput(role="anggota", nik="3520011507800101", name="Siti",
                                                          address="RT 01"))
    app = create_app(desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "petugas", "petugas123")
        app.push_screen(app.people_screen(case.id, "KUBE"))
        await settle(pilot)
        assert "3520********0101" in " ".join(screen_lines(app))  # the list shows it masked
        assert audit_rows(desk_service, "lihat_nik") == []
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, PersonForm)
        assert app.screen.query_one("#f-nik", Input).value == "3520011507800101"
    [view] = audit_rows(desk_service, "lihat_nik")
    assert view.entity_id == case.id and view.staff_id == session.staff_id
    assert json.loads(view.detail)["konteks"] == "formulir orang"
