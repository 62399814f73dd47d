"""The people of a case, driven by keyboard at 80x24: open a KUBE case, press o, add a member
(a bad NIK is refused at its field, then fixed), see them listed literally, remove one."""

from __future__ import annotations

import dataclasses

from textual.widgets import DataTable, Input, Select
from tui_helpers import login, notifications, settle, shown, type_into

from forms.catalog import Role
from models.dto import ApplicantInput
from screens.checklist import ChecklistScreen
from screens.dialogs import ConfirmDialog
from screens.people import PeopleScreen, PersonForm
from screens.search import SearchScreen
from screens.widgets import FieldError, PlainStatic

SIZE = (80, 24)
NIK = "3520014507800002"
GROUP = ApplicantInput(kind="kelompok", nik=NIK, name="Sri Wahyuni", address="Jl. Pahlawan 3", desa="Candirejo",
                       kecamatan="Magetan", kabupaten="Magetan", org_name="KUBE Maju Jaya", member_count="10")


async def test_members_of_a_group_are_added_at_the_people_screen(make_app, live_desk_service) -> None:
    desk = live_desk_service
    svc = desk.ctx.catalog.services["KUBE"]
    desk.ctx.catalog.services["KUBE"] = dataclasses.replace(svc, roles=(
        Role("ketua", "Ketua", 1, 1), Role("sekretaris", "Sekretaris", 1, 1), Role("bendahara", "Bendahara", 1, 1),
        Role("anggota", "Anggota", 7, None)))
    system = desk.login("petugas2", "petugas123", 2)
    case = desk.open_case(system, "KUBE", GROUP)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        # find the case by the pemohon's NIK and open its checklist
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*NIK, "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)

        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        header = shown(app.screen.query_one("#people-header", PlainStatic))
        assert f"Orang dalam berkas {case.id}" in header
        assert "Anggota: 1 dari minimal 10" in header  # the pemohon is the group's ketua
        problems = shown(app.screen.query_one("#people-problems", PlainStatic))
        assert "Ketua:" not in problems and "Sekretaris: tercatat 0 dari minimal 1 orang." in problems

        # add a member with a NIK one digit short: the message stands under the NIK
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, PersonForm)
        form = app.screen
        assert form.query_one("#f-role", Select).value == "anggota"
        await type_into(pilot, "#f-nik", "352001150780010")
        await type_into(pilot, "#f-name", "[b]Siti[/]")
        await pilot.press("f10")
        await settle(pilot)
        assert app.screen is form
        error = form.query_one("#e-nik", FieldError)
        assert "NIK harus 16 digit (tertulis 15)." in str(error.render())
        assert error.display

        # fixed: saved, back on the list, the name shown literally
        await type_into(pilot, "#f-nik", "3520011507800101")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        table = app.screen.query_one("#people-table", DataTable)
        assert table.row_count == 1
        cells = [str(cell) for cell in table.get_row_at(0)]
        assert cells[1:4] == ["Anggota", "[b]Siti[/]", "3520********0101"]
        assert "[b]Siti[/]" in shown(app.screen.query_one("#people-detail", PlainStatic))
        assert "Anggota: 2 dari minimal 10" in shown(app.screen.query_one("#people-header", PlainStatic))
        assert "Tersimpan." in notifications(app)
        assert [p.name for p in desk.case(system, case.id, record_view=False).people] == ["[b]Siti[/]"]

        # remove asks first
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        assert app.screen.query_one("#people-table", DataTable).row_count == 0
        assert desk.case(system, case.id, record_view=False).people == ()

        # a NIK the desk knows (an applicant of another case) fills in the empty fields
        desk.open_case(system, "JAMKESDA", ApplicantInput(
            kind="perorangan", nik="3520011507800101", name="Budi Santoso", address="Jl. Kenanga 7",
            desa="Candirejo", kecamatan="Magetan", kabupaten="Magetan"))
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        await type_into(pilot, "#f-nik", "3520011507800101")
        await settle(pilot)
        assert form.query_one("#f-name", Input).value == "Budi Santoso"
        assert form.query_one("#f-address", Input).value == "Jl. Kenanga 7"
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
