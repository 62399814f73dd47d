"""Audit of lookups, kategori headings, resumed berkas, the case screen at 80x24 and signing out."""

from __future__ import annotations

import json

from textual.pilot import Pilot
from textual.widgets import DataTable

from models.dto import ApplicantInput
from models.tables import AuditLog
from screens.case import CaseScreen
from screens.checklist import ChecklistScreen
from screens.dialogs import ConfirmDialog
from screens.login import LoginScreen
from screens.queue import QueueScreen
from screens.search import SearchScreen
from screens.widgets import PlainStatic
from tui_helpers import burst, hold, login, settle, shown

SIZE = (80, 24)
NIK = "6403054507900002"  # a woman born 05-07-1990


async def open_from_search(pilot: Pilot, query: str = NIK) -> None:
    """Search (c) for the query and open the first result, as the operator would."""
    await pilot.press("c")
    await settle(pilot)
    await pilot.press(*query, "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def audit_rows(desk, action: str) -> list[AuditLog]:
    """The audit rows of one action."""
    with desk.db.connection_context():
        return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


def open_case(desk, service: str = "REK-PUB", **person) -> int:
    """A case opened through the facade (as another loket would)."""
    session = desk.login("petugas2", "petugas123", 2)
    values = dict(kind="organisasi", org_name="Yayasan Maju Bersama", nik=NIK,
                  name="Siti Aminah", address="Jl. Mulawarman 5", desa="Timbau",
                  kecamatan="Tenggarong", kabupaten="Kutai Kartanegara")
    values.update(person)
    return desk.open_case(session, service, ApplicantInput(**values)).id


async def test_search_records_the_lookup_and_tab_enter_opens(make_app, live_desk_service) -> None:
    """Searching and opening a case is recorded (PDP); a case without register shows its
    berkas number; Tab away and Enter in the unchanged query still opens the highlighted case."""
    desk = live_desk_service
    case_id = open_case(desk)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*NIK, "enter")
        await settle(pilot)
        results = app.screen.query_one("#search-results", DataTable)
        assert results.row_count == 1
        assert str(results.get_row_at(0)[0]) == f"Berkas {case_id}"
        assert "(belum)" not in str(results.get_row_at(0)[0])
        searches = audit_rows(desk, "cari")
        assert len(searches) == 1
        assert NIK not in searches[0].detail  # stored masked
        staff = app.session.staff_id
        assert searches[0].staff_id == staff

        # the results have the focus; Tab goes back to the query, Enter opens once
        assert app.focused is results
        await pilot.press("tab")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        views = audit_rows(desk, "lihat")
        assert [(v.entity, v.entity_id, v.staff_id) for v in views] == [("case", case_id, staff)]

        # back to the results: the refresh is not another lookup
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert len(audit_rows(desk, "cari")) == 1
        # Enter on the results opens it again (and is recorded again)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert len(audit_rows(desk, "lihat")) == 2


async def test_kategori_headings_and_conditions(make_app, live_desk_service) -> None:
    """Kukar Idaman (facts only, no documents): the kategori questions are answered with the
    keyboard; the criteria of the chosen kategori show under its heading with their status; the
    cursor steps over headings and Space on a criterion changes nothing."""
    desk = live_desk_service
    case_id = open_case(desk, "KUKAR-IDAMAN", kind="perorangan", org_name="")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_from_search(pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        table = screen.query_one("#cl-table", DataTable)
        keys = [row.key.value for row in table.ordered_rows]
        assert not [k for k in keys if k.startswith("i:")]  # nothing to bring: no slip possible
        # no kategori chosen yet: the cursor starts on the first question (Lanjut Usia)
        assert keys[table.cursor_row].startswith("c:")
        await pilot.press("space")
        await settle(pilot)
        first = screen.case.conditions[0]
        assert first.value is True
        assert desk.case(desk.principal("sistem"), case_id, record_view=False).conditions[0].value is True
        keys = [row.key.value for row in table.ordered_rows]
        headings = {k: str(table.get_row(k)[1]) for k in keys if k.startswith("g:")}
        lansia = next(k for k, text in headings.items() if "Lanjut Usia" in text)
        assert "dipilih" in str(table.get_row(lansia)[2])
        assert not any("Anak Telantar" in text for text in headings.values())
        # a 46-year-old woman is not a lansia: the age criterion says so, in red
        age = table.get_row("k:lansia_usia")
        assert "✗" in str(age[0]) and "tidak memenuhi" in str(age[2])
        # each heading comes right before a row of its own
        for key in headings:
            following = keys[keys.index(key) + 1]
            assert following.startswith(("i:", "k:"))
        # walk down the whole table: the cursor never rests on a heading
        visited = set()
        for _ in range(len(keys) + 2):
            await pilot.press("down")
            await pilot.pause()
            key = table.ordered_rows[table.cursor_row].key.value
            assert not key.startswith("g:")
            visited.add(key)
        for _ in range(len(keys) + 2):
            await pilot.press("up")
            await pilot.pause()
            assert not table.ordered_rows[table.cursor_row].key.value.startswith("g:")
        assert {k for k in keys if not k.startswith("g:")} <= visited | {keys[0]}
        # Space on a criterion changes nothing
        table.move_cursor(row=keys.index("k:lansia_usia"))
        await pilot.press("space")
        await settle(pilot)
        assert screen.case.conditions[0].value is True
        # Space on the first question again: back to no kategori
        table.move_cursor(row=0)
        await pilot.press("space")
        await settle(pilot)
        assert desk.case(desk.principal("sistem"), case_id, record_view=False).conditions[0].value is False
        assert screen.case.conditions[0].value is False


async def test_case_screen_shows_jangka_waktu_and_durations(make_app, live_desk_service) -> None:
    """At 80x24 the case screen shows the jangka waktu line next to the running step's timer,
    even for a long name, and the durations of the counter steps."""
    desk = live_desk_service
    long_name = "Kelompok Peduli Sesama Masyarakat Tenggarong Seberang Raya Sejahtera"
    case_id = open_case(desk, org_name=long_name)
    session = desk.login("petugas2", "petugas123", 2)
    for line in desk.case(desk.principal("sistem"), case_id, record_view=False).checklist:
        if line.required:
            desk.set_item(session, case_id, line.item_id, True)
    result = desk.decide(session, case_id)
    assert result.lengkap
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_from_search(pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        header = screen.query_one("#case-header", PlainStatic)
        lines = str(header.render()).splitlines()
        assert len(lines) == 4
        assert lines[3].startswith("Jangka waktu: 2 hari kerja · batas ")
        assert all(len(line) <= 78 for line in lines)
        assert header.size.height >= 4
        screenshot = app.export_screenshot()
        assert "Jangka" in screenshot and "batas" in screenshot
        running = result.case.current_step
        assert running is not None and running.no == 3
        assert f"Langkah {running.no} berjalan" in shown(screen.query_one("#case-timer",
                                                                            PlainStatic))
        table = screen.query_one("#case-steps", DataTable)
        assert "Durasi" in [str(column.label) for column in table.columns.values()]
        assert str(table.get_row("2")[-1]).count(":") == 2  # the verification took a time
        assert str(table.get_row("4")[-1]) == "-"
        assert len(audit_rows(desk, "lihat")) == 1


async def test_logout_returns_to_login(make_app, live_desk_service) -> None:
    """Ctrl+L on the queue asks, then signs out to the login screen; the next one signs in."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        assert "Ctrl+L" in shown(app.screen.query_one("#queue-info", PlainStatic))
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("t")  # no: stay
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.session is not None
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None
        signed_out = audit_rows(live_desk_service, "keluar")
        assert len(signed_out) == 1 and json.loads(signed_out[0].detail)["loket"] == 1
        await pilot.pause(4.5)  # the queue's refresh timer must not fire any more
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await burst(pilot, [*"petugas2", "enter", *"petugas123", "enter"])
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.session is not None and app.session.username == "petugas2"


async def test_help_lists_logout(make_app) -> None:
    """F1 on the queue names the sign-out key."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = " ".join(str(w.render()) for w in app.screen.query(PlainStatic))
        assert "Keluar akun" in text and "Ctrl+L" in text


async def test_tick_shows_as_saved_only_after_the_commit(make_app, live_desk_service) -> None:
    """Rule 5: while a tick is still being saved the row says so ("…") and the summary does
    not count it; once the database has it the row shows [x] and the count goes up. Two quick
    presses on a ticked row (untick, tick) end ticked, in the database too."""
    desk = live_desk_service
    case_id = open_case(desk)
    release = hold(desk, "set_item")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_from_search(pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        table = screen.query_one("#cl-table", DataTable)
        key = table.ordered_rows[table.cursor_row].key.value
        item_id = key.removeprefix("i:")
        summary = screen.query_one("#cl-summary", PlainStatic)
        before = shown(summary)
        assert before.startswith("Lengkap: 0/")
        await pilot.press("space")
        await pilot.pause()
        assert str(table.get_row(key)[0]) == "[x] …"  # asked for, not yet saved
        assert shown(summary) == before
        stored = {l.item_id: l.received for l in desk.case(desk.principal("sistem"), case_id, record_view=False).checklist}
        assert stored[item_id] is False
        release.set()
        await settle(pilot)
        assert str(table.get_row(key)[0]) == "[x]"
        assert shown(summary).startswith("Lengkap: 1/")
        assert {l.item_id: l.received for l in desk.case(desk.principal("sistem"), case_id, record_view=False).checklist}[item_id] is True
        # two presses in a row: the second undoes the first
        release.clear()
        await pilot.press("space")
        await pilot.press("space")
        await pilot.pause()
        assert str(table.get_row(key)[0]) == "[x] …"
        release.set()
        await settle(pilot)
        assert str(table.get_row(key)[0]) == "[x]"
        assert {l.item_id: l.received for l in desk.case(desk.principal("sistem"), case_id, record_view=False).checklist}[item_id] is True


async def test_failed_printer_is_a_warning_not_a_crash(make_app, live_desk_service) -> None:
    """With a print command configured that fails, taking a ticket still saves its PDF and
    the operator is told, in Indonesian, that it did not print and why."""
    import dataclasses

    desk = live_desk_service
    desk.settings = dataclasses.replace(desk.settings, print_command="/nonexistent/lp -d loket1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        warnings = [n for n in app._notifications  # noqa: SLF001
                    if n.severity == "warning" and n.message.startswith("Tiket H-001")]
        assert warnings, [n.message for n in app._notifications]  # noqa: SLF001
        message = warnings[0].message
        assert "tidak tercetak" in message and "Gagal mencetak (/nonexistent/lp)" in message
        path = message.split(" tersimpan di ")[1].split(", tetapi")[0]
        assert path.endswith(".pdf")
        from pathlib import Path

        assert Path(path).exists()


async def test_known_nik_fills_the_empty_fields_only(make_app, live_desk_service) -> None:
    """A returning applicant's NIK fills the form from the last visit; what the operator has
    already typed is kept, and the note says so."""
    from screens.intake import IntakeScreen
    from textual.widgets import Input

    desk = live_desk_service
    open_case(desk, "REK-PUB", phone="081200000001")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("h")  # Rekomendasi izin pengumpulan uang atau barang
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        address = screen.query_one("#f-address", Input)
        address.value = "Jl. Baru 12"  # typed before the NIK
        nik = screen.query_one("#f-nik", Input)
        nik.focus()
        await pilot.press(*NIK, "enter")
        await settle(pilot)
        assert screen.query_one("#f-name", Input).value == "Siti Aminah"
        assert screen.query_one("#f-desa", Input).value == "Timbau"
        assert screen.query_one("#f-phone", Input).value == "081200000001"
        assert address.value == "Jl. Baru 12"
        # the cursor went on to the name, which was filled: typing replaces it
        assert app.focused is screen.query_one("#f-name", Input)
        await pilot.press(*"Siti A.")
        assert screen.query_one("#f-name", Input).value == "Siti A."
        note = shown(screen.query_one("#nik-note", PlainStatic))
        assert "sudah terdaftar" in note and "1 isian yang sudah diketik tidak diubah" in note


async def test_enter_twice_signs_in_once(make_app, live_desk_service) -> None:
    """A second Enter while the first sign-in runs does nothing: one session, one queue."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, [*"petugas", "enter", *"petugas123", "enter", "enter", "f10"])
        assert isinstance(app.screen, QueueScreen)
        assert sum(isinstance(s, QueueScreen) for s in app.screen_stack) == 1
        assert len(audit_rows(live_desk_service, "masuk")) == 1


async def test_intake_save_finishes_where_the_operator_is(make_app, live_desk_service) -> None:
    """While the new berkas is being saved, Escape does not leave the form (the result would
    be lost); help opened meanwhile is closed and the checklist follows the form."""
    from screens.help import HelpScreen
    from screens.intake import IntakeScreen
    from textual.widgets import Input

    desk = live_desk_service
    release = hold(desk, "open_case")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("i")  # Santunan Veteran (perorangan)
        await settle(pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        values = {"nik": "6402041208450003", "name": "Sukardi", "address": "Jl. Veteran 1",
                  "desa": "Loa Ipuh", "kecamatan": "Tenggarong",
                  "kabupaten": "Kutai Kartanegara"}
        for field, value in values.items():
            intake.query_one(f"#f-{field}", Input).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is intake  # not left, no "discard?" question either
        assert any("Tunggu sebentar" in n.message for n in app._notifications)  # noqa: SLF001
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert not any(isinstance(s, (IntakeScreen, HelpScreen)) for s in app.screen_stack)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_note_is_limited_to_what_is_stored(make_app, live_desk_service) -> None:
    """The note dialog takes at most 500 characters (the stored limit) and counts them."""
    from screens.dialogs import InputDialog
    from textual.widgets import Input, Label

    desk = live_desk_service
    case_id = open_case(desk)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_from_search(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)
        field = app.screen.query_one(Input)
        field.value = "x" * 498
        field.cursor_position = 498
        await pilot.press("x", "x", "y", "y")  # typing stops at the limit
        assert len(field.value) == 500
        # a long paste keeps what fits, and says it was cut
        from textual import events

        field.value = "x" * 490
        field.cursor_position = 490
        field.post_message(events.Paste("y" * 30 + "\nsecond line"))
        await pilot.pause()
        assert field.value == "x" * 490 + "y" * 10
        assert any("dipotong" in n.message for n in app._notifications)  # noqa: SLF001
        assert "500/500 karakter" in str(app.screen.query_one("#dialog-hint", Label).render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        notes = [line.note for line in desk.case(desk.principal("sistem"), case_id, record_view=False).checklist if line.note]
        assert notes == ["x" * 490 + "y" * 10]


async def test_calling_on_asks_before_marking_the_called_one_absent(make_app, live_desk_service):
    """n while a called applicant has not come: the operator is asked first; Tidak keeps them."""
    desk = live_desk_service
    first = desk.issue_ticket(desk.principal("kiosk"), "REK-PUB")
    second = desk.issue_ticket(desk.principal("kiosk"), "REK-PUB")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.current.code == first.code
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert f"{first.code} belum dilayani" in app.screen._message  # noqa: SLF001
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.current.code == first.code
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.current.code == second.code
        session = desk.login("petugas", "petugas123", 1)
        assert first.code not in [t.code for t in desk.queue(session)]


async def test_correcting_the_applicant_from_the_checklist(make_app, live_desk_service) -> None:
    """e on the checklist opens the applicant's data (NIK locked); a fixed typo is saved and
    shown; the checklist is where it was."""
    from screens.intake import IntakeScreen
    from textual.widgets import Input

    desk = live_desk_service
    case_id = open_case(desk, org_name="Yayasan Maju Bersamaa")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_from_search(pilot)
        checklist = app.screen
        assert isinstance(checklist, ChecklistScreen)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IntakeScreen)
        assert form.query_one("#f-nik", Input).disabled
        org = form.query_one("#f-org_name", Input)
        assert org.value == "Yayasan Maju Bersamaa"
        org.value = "Yayasan Maju Bersama"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is checklist
        assert "Yayasan Maju Bersama (" in shown(checklist.query_one("#cl-header", PlainStatic))
        assert desk.case(desk.principal("sistem"), case_id, record_view=False).applicant.org_name == "Yayasan Maju Bersama"


async def test_a_case_decided_at_another_desk_leaves_the_checklist(make_app, live_desk_service) -> None:
    """The checklist is open at loket 1 while loket 2 completes and decides the same berkas:
    loket 1 is told and sees the case screen, instead of ticking a decided case."""
    import asyncio

    desk = live_desk_service
    case_id = open_case(desk)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_from_search(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        other = desk.login("petugas2", "petugas123", 2)
        for line in desk.case(other, case_id, record_view=False).checklist:
            if line.required:
                desk.set_item(other, case_id, line.item_id, True)
        desk.decide(other, case_id)
        for _ in range(40):  # the event arrives within a moment; no key is pressed
            await asyncio.sleep(0.05)
            await settle(pilot)
            if isinstance(app.screen, CaseScreen):
                break
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.case.register_no
        assert any("sudah diputuskan di loket lain" in str(n.message) for n in app._notifications)
