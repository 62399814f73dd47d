"""The counter's day, driven by keyboard through the real facade at 80x24.

login -> ticket -> call -> intake -> checklist (incomplete: slip) -> search -> resume ->
complete -> case screen (register number, running step) -> finish step -> print letter.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from textual.widgets import DataTable, Input
from tui_helpers import burst, login, notifications, settle, shown, type_into

from screens.case import CaseScreen
from screens.checklist import ChecklistScreen
from screens.dialogs import ConfirmDialog, MessageDialog, ServicePicker
from screens.intake import IntakeScreen
from screens.login import LoginScreen
from screens.queue import QueueScreen
from screens.search import SearchScreen
from screens.widgets import FieldError, PlainStatic

SIZE = (80, 24)
NIK = "6402044507800001"


def pdf_text(path: str | Path) -> str:
    """All text of a PDF, whitespace collapsed."""
    reader = PdfReader(str(path))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


async def test_wrong_password_message_at_form(make_app) -> None:
    """A wrong password says so under the form and stays on the login screen."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, password="salah", expect_queue=False)
        assert isinstance(app.screen, LoginScreen)
        error = app.screen.query_one("#login-error", FieldError)
        assert "Nama pengguna atau kata sandi salah." in str(error.render())
        assert error.display


async def test_full_walk_through(make_app, live_desk_service) -> None:
    """A REK-PUB case from ticket to letter, with an incomplete first visit."""
    desk = live_desk_service
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "Rina Wulandari" in shown(app.screen.query_one("#queue-info", PlainStatic))

        # a ticket for REK-PUB: t, then its prefix letter
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ServicePicker)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "Tiket H-001 diambil" in notifications(app)
        assert any(m.startswith("Tiket H-001 tersimpan: ") and m.endswith(".pdf")
                   for m in notifications(app))
        table = app.screen.query_one("#queue-table", DataTable)
        assert table.row_count == 1

        # call it to loket 1
        await pilot.press("n")
        await settle(pilot)
        title = shown(app.screen.query_one("#call-title", PlainStatic))
        assert "Memanggil H-001 — Loket 1" in title

        # serve: intake
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        await type_into(pilot, "#f-org_name", "Yayasan Maju Bersama")
        await type_into(pilot, "#f-nik", NIK)
        await pilot.press("enter")
        await type_into(pilot, "#f-name", "Siti Aminah")
        await type_into(pilot, "#f-address", "Jl. Mulawarman No. 5")
        await type_into(pilot, "#f-desa", "Timbau")
        await type_into(pilot, "#f-kecamatan", "Tenggarong")
        await type_into(pilot, "#f-kabupaten", "Kutai Kartanegara")
        await type_into(pilot, "#f-phone", "081234567890")
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen), [
            str(e.render()) for e in app.screen.query(FieldError)
        ]
        checklist = app.screen
        case_id = checklist.case.id
        required = [line for line in checklist.case.checklist if line.required]
        assert len(required) >= 3
        header = shown(checklist.query_one("#cl-header", PlainStatic))
        assert "Yayasan Maju Bersama" in header and "H-001" in header
        assert NIK not in header  # masked

        # (a) tick only the first two items, decide: incomplete
        items = [row.key.value for row in checklist.query_one("#cl-table", DataTable).ordered_rows]
        first_item = items.index(f"i:{required[0].item_id}")
        table = checklist.query_one("#cl-table", DataTable)
        table.move_cursor(row=first_item)
        await pilot.press("space", "down", "space")
        await settle(pilot)
        summary = shown(checklist.query_one("#cl-summary", PlainStatic))
        assert f"Lengkap: 2/{len(required)} wajib" in summary
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "berkas kurang" in app.screen._message  # noqa: SLF001
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        case = desk.case(desk.principal("sistem"), case_id, record_view=False)
        assert case.status == "menunggu_berkas"
        slips = [d for d in case.documents if Path(d.path).exists()]
        assert slips, case.documents
        slip_text = pdf_text(slips[-1].path)
        missing = [line for line in case.checklist if line.required and not line.received]
        assert len(missing) == len(required) - 2
        for line in missing:
            assert " ".join(line.text.split()[:3]) in slip_text, line.text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        # the ticket is finished: it left the queue
        assert app.screen.query_one("#queue-table", DataTable).row_count == 0

        # later: search by NIK, resume, tick the rest
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*NIK, "enter")
        await settle(pilot)
        results = app.screen.query_one("#search-results", DataTable)
        assert results.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        checklist = app.screen
        table = checklist.query_one("#cl-table", DataTable)
        for line in checklist.case.checklist:
            if line.required and not line.received:
                table.move_cursor(row=table.get_row_index(f"i:{line.item_id}"))
                await pilot.press("space")
        await settle(pilot)
        assert desk.case(desk.principal("sistem"), case_id, record_view=False).missing == ()
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "lengkap" in app.screen._message.lower()  # noqa: SLF001
        await pilot.press("y")
        await settle(pilot)

        # the case screen: register number and a running step
        assert isinstance(app.screen, CaseScreen)
        case = desk.case(desk.principal("sistem"), case_id, record_view=False)
        assert case.register_no
        assert case.status == "diproses"
        header = shown(app.screen.query_one("#case-header", PlainStatic))
        assert case.register_no in header
        running = case.current_step
        assert running is not None
        timer = shown(app.screen.query_one("#case-timer", PlainStatic))
        assert f"Langkah {running.no} berjalan" in timer

        # finish the running step
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        after = desk.case(desk.principal("sistem"), case_id, record_view=False)
        finished = next(s for s in after.steps if s.no == running.no)
        assert finished.status == "selesai"

        # print the letter
        await pilot.press("p")
        await settle(pilot)
        printed = [n for n in notifications(app)
                   if " tersimpan: " in n and not n.startswith("Tiket ")]
        assert printed
        letters = [d for d in desk.case(desk.principal("sistem"), case_id, record_view=False).documents if d.kind not in ("slip",)]
        letter = next(d for d in reversed(letters) if Path(d.path).exists())
        assert "Yayasan Maju Bersama" in pdf_text(letter.path) or "Siti Aminah" in pdf_text(
            letter.path
        )
        docs = shown(app.screen.query_one("#case-docs-text", PlainStatic))
        assert letter.path in docs

        # back to the queue: the ticket is done
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, (QueueScreen, SearchScreen))


async def test_bad_nik_is_shown_at_the_field(make_app) -> None:
    """NIK with letters, or 15 digits: a message under the NIK, no crash, no case."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        for bad in ("64020445078abc01", "640204450780000"):
            await type_into(pilot, "#f-org_name", "Yayasan Maju")
            await type_into(pilot, "#f-nik", bad)
            await type_into(pilot, "#f-name", "Siti")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, IntakeScreen)
            error = app.screen.query_one("#e-nik", FieldError)
            assert error.display and str(error.render()).strip(), bad
            assert app.focused is app.screen.query_one("#f-nik", Input)
        # correcting the NIK clears its message (checked again on saving)
        await pilot.press("1")
        await pilot.pause()
        assert not str(app.screen.query_one("#e-nik", FieldError).render()).strip()
        # escape asks, then goes back
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_queue_shows_tickets_taken_at_other_desks_at_once(make_app, live_desk_service,
                                                                config) -> None:
    """A ticket taken elsewhere (another desk process, the kiosk) appears without a key press,
    within a moment: the queue follows the events of other desks, it does not poll."""
    import subprocess
    import sys
    import time

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        table = app.screen.query_one("#queue-table", DataTable)
        assert table.row_count == 0
        other_desk = (
            "import sys, pickle; from desk.wiring import make_service; "
            "s = make_service(pickle.loads(bytes.fromhex(sys.argv[1]))); s.open(); "
            "s.issue_ticket(s.principal('kiosk'), 'REK-LKS')")
        import pickle

        subprocess.run([sys.executable, "-c", other_desk, pickle.dumps(config).hex()], check=True,
                       timeout=60)
        live_desk_service.issue_ticket(live_desk_service.principal("kiosk"), "REK-PUB", priority=True)
        deadline = time.monotonic() + 2
        codes: list[str] = []
        while time.monotonic() < deadline and codes != ["H-001 P", "G-001"]:
            await pilot.pause(0.05)
            codes = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert codes == ["H-001 P", "G-001"]


def count_reads(desk, seconds: float = 0.0) -> list[float]:
    """Note when the desk reads its queue from now on, each reading taking ``seconds`` more
    (a loaded server); returns the list the times go into."""
    import time

    reads: list[float] = []
    real_queue = desk.queue

    def counted(session):
        reads.append(time.monotonic())
        time.sleep(seconds)
        return real_queue(session)

    desk.queue = counted
    return reads


async def until_rows(pilot, table: DataTable, rows: int, timeout: float) -> None:
    """Wait until the queue table shows ``rows`` tickets."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and table.row_count < rows:
        await pilot.pause(0.05)
    assert table.row_count == rows


async def test_a_stream_of_other_desks_tickets_is_shown_with_few_reloads(make_app, live_desk_service) -> None:
    """Twenty tickets taken elsewhere in a stream all show, but the queue is read again at most
    about once in two seconds while they stream in (not twenty times: with 50 desks at one
    office every desk re-read its queue for every ticket of every loket)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        table = app.screen.query_one("#queue-table", DataTable)
        reads = count_reads(live_desk_service)
        kiosk = live_desk_service.principal("kiosk")
        for _ in range(20):
            live_desk_service.issue_ticket(kiosk, "REK-PUB")
            await pilot.pause(0.25)  # a stream over five seconds
        await until_rows(pilot, table, 20, timeout=10)
        span = reads[-1] - reads[0]
        assert len(reads) <= span / 2 + 2, f"{len(reads)} reads in {span:.1f} s"


async def test_a_desk_on_a_loaded_server_reads_other_desks_changes_less_often(make_app, live_desk_service) -> None:
    """When reading the queue takes long (the server is loaded: 50 desks on two cores), other
    desks' tickets are read again at most every four times that long: the operator's keys and
    the desk's own work go first. Each ticket still shows."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        table = app.screen.query_one("#queue-table", DataTable)
        reads = count_reads(live_desk_service, 0.75)  # a loaded server
        kiosk = live_desk_service.principal("kiosk")
        live_desk_service.issue_ticket(kiosk, "REK-PUB")
        await until_rows(pilot, table, 1, timeout=10)
        reads.clear()
        for _ in range(12):  # a ticket every half second, for six seconds
            live_desk_service.issue_ticket(kiosk, "REK-PUB")
            await pilot.pause(0.5)
        await until_rows(pilot, table, 13, timeout=15)
        gaps = [b - a for a, b in zip(reads, reads[1:])]
        assert gaps and min(gaps) >= 2.9, gaps  # 4 x 0.75 s, not the 2 s of an idle server


async def test_help_lists_the_screen_keys(make_app) -> None:
    """F1 shows the queue's keys with their Indonesian descriptions."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("f1")
        await settle(pilot)
        from screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(w.render()) for w in app.screen.query(PlainStatic))
        for words in ("Ambil tiket", "Panggil", "Tidak hadir", "Cari", "Keluar"):
            assert words in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


def test_step_timer_labels() -> None:
    """The running step's timer: stopwatch, deadline, no standard, and TERLAMBAT."""
    import datetime as dt

    from models.dto import StepLine
    from screens.case import step_timer

    tz = dt.timezone(dt.timedelta(hours=8))
    start = dt.datetime(2026, 11, 24, 10, 0, tzinfo=tz)
    minutes = StepLine(2, "Verifikasi", "Petugas", "5 menit", "", True, "berjalan",
                       started_at=start, due_at=start + dt.timedelta(minutes=5),
                       standard_seconds=300)
    assert str(step_timer(minutes, start + dt.timedelta(minutes=3, seconds=12))) == (
        "00:03:12 / 5 menit"
    )
    late = step_timer(minutes, start + dt.timedelta(minutes=6))
    assert "TERLAMBAT" in str(late) and any("red" in str(span.style) for span in late.spans)
    days = StepLine(3, "Proses", "Bidang", "2 hari kerja", "", False, "berjalan",
                    started_at=start, due_at=dt.datetime(2026, 11, 26, 10, 0, tzinfo=tz),
                    standard_seconds=2 * 86400)
    assert "batas: 26 Nov 2026 10.00" in str(step_timer(days, start))
    free = StepLine(1, "Datang", "Pemohon", "", "", True, "berjalan", started_at=start)
    assert "tanpa mutu baku waktu" in str(step_timer(free, start))


async def test_start_up_failure_is_a_message_not_a_traceback() -> None:
    """If the database cannot be opened, the app says so and quits with code 1."""
    from desk.app import create_app

    class BrokenDesk:
        """Fails like a locked database."""

        def open(self) -> None:
            raise RuntimeError("database is locked")

    app = create_app(BrokenDesk())  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        text = " ".join(str(w.render()) for w in app.screen.query(PlainStatic))
        assert "database is locked" in text and "Traceback" not in text
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 1


async def test_type_ahead_lands_in_the_right_fields(make_app, live_desk_service) -> None:
    """`petugas⏎petugas123⏎` sent in one burst signs in (tmux send-keys, SSH lag); in the
    intake form a burst `NIK⏎name⏎` fills NIK and name, not one field with both."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, [*"petugas", "enter", *"petugas123", "enter"])
        assert isinstance(app.screen, QueueScreen), [
            (w.id, w.value) for w in app.screen.query(Input)
        ]
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        first = app.screen.focused
        assert isinstance(first, Input)
        # organisation name first for REK-PUB, then the NIK, then the name
        await burst(pilot, [*"Yayasan A", "enter", *NIK, "enter", *"Siti", "tab", "P",
                            "enter", "enter", *"Jl. X", "shift+tab", "end", "1"])
        values = {w.id: w.value for w in app.screen.query(Input)}
        assert values["f-org_name"] == "Yayasan A"
        assert values["f-nik"] == NIK
        assert values["f-name"] == "Siti"
        assert values["f-sex"] == "P"
        assert values["f-birth_date"] == "1"  # shift+tab went back one field
        assert values["f-address"] == "Jl. X"


async def test_save_key_in_a_burst_keeps_the_last_keystrokes(make_app, live_desk_service) -> None:
    """`…890 Ctrl+S` arriving together saves the phone number with its last digits."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("i")  # Santunan Veteran (perorangan)
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        for field, value in {"nik": "6402041208450003", "name": "Sukardi",
                             "address": "Jl. Veteran 1", "desa": "Loa Ipuh",
                             "kecamatan": "Tenggarong", "kabupaten": "Kutai Kartanegara"}.items():
            app.screen.query_one(f"#f-{field}", Input).value = value
        app.screen.query_one("#f-phone", Input).focus()
        await pilot.pause()
        await burst(pilot, [*"081234567890", "ctrl+s"])
        assert isinstance(app.screen, ChecklistScreen)
        case = live_desk_service.case(live_desk_service.principal("sistem"), app.screen.case.id, record_view=False)
        assert case.applicant.phone == "081234567890"


async def test_enter_in_the_last_field_goes_round_to_the_first(make_app) -> None:
    """Enter in Telepon (the last field) moves to the first field, never to a place where typed
    characters are silently dropped."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        app.screen.query_one("#f-phone", Input).focus()
        await pilot.pause()
        await burst(pilot, ["enter", *"64"])
        assert app.focused is app.screen.query_one("#f-nik", Input)
        assert app.screen.query_one("#f-nik", Input).value == "64"
