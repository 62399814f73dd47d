"""The case screen's document list ("d Dokumen") at 80x24, driven like a person: a letter prints
as a KONSEP (and says why) until its catalog step is done, then gets its number; Esc prints
nothing; markup-looking names stay literal; the footer's keys are never cut mid-word."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader
from rich.console import Console
from textual.widgets import Footer, OptionList
from tui_helpers import login, notifications, settle, shown

from models.dto import ApplicantInput
from screens.case import CaseScreen
from screens.docpicker import DocumentPicker
from screens.queue import QueueScreen
from screens.search import SearchScreen
from screens.widgets import PlainStatic

SIZE = (80, 24)
NIK = "6403051507800003"
ORG = "Yayasan Peduli Sesama"
MARKUP_ORG = "[b]Yayasan[/] a [/x] b"
#: What a numbered REK-PUB letter's number starts with (its klasifikasi); a KONSEP has none.
NUMBER_PREFIX = "400.9.7/"


def lengkap_case(desk, org_name: str = ORG) -> int:
    """A REK-PUB case found lengkap at loket 2 (steps 1-2 done, step 3 running)."""
    session = desk.login("petugas2", "petugas123", 2)
    case = desk.open_case(session, "REK-PUB", ApplicantInput(
        kind="organisasi", nik=NIK, name="Budi Santoso", address="Jl. Mulawarman No. 12", desa="Timbau",
        kecamatan="Tenggarong", kabupaten="Kutai Kartanegara", org_name=org_name))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    case = desk.decide(session, case.id, reason="uji").case
    assert case.status == "diproses" and case.current_step.no == 3
    return case.id


def stored(desk, case_id: int):
    return desk.case(desk.principal("sistem"), case_id, record_view=False)


def pdf_text(path: str) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def screen_lines(app) -> list[str]:
    """The screen as plain text lines, exactly as drawn (dialogs and footer included)."""
    console = Console(width=app.size.width, height=app.size.height, record=True, file=io.StringIO(),
                      color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()


def choices_shown(app) -> list[str]:
    """The lines of the open document list, as plain text (one per document)."""
    assert isinstance(app.screen, DocumentPicker)
    options = app.screen.query_one("#docpicker-list", OptionList)
    return [" ".join(str(options.get_option_at_index(i).prompt).split()) for i in range(options.option_count)]


def choice(app, label: str) -> str:
    """The list's line of the document ``label``."""
    return next(line for line in choices_shown(app) if f" {label}: " in f" {line}")


def footer_items(app) -> list[tuple[str, str]]:
    """(key, description) of each key the current screen's footer offers."""
    footer = app.screen.query_one(Footer)
    return [(item.key_display or item.key, item.description) for item in footer.query("FooterKey")]


async def open_by_nik(pilot, nik: str = NIK) -> None:
    """From the queue: c, type the NIK, Enter, open the (only) result."""
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SearchScreen)
    await pilot.press(*nik, "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseScreen)


async def documents_list(pilot) -> None:
    """Press d on the case screen and wait for the list."""
    await pilot.press("d")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DocumentPicker)


async def test_letter_prints_as_konsep_until_its_step_is_done_then_numbered(make_app, live_desk_service):
    desk = live_desk_service
    case_id = lengkap_case(desk)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_by_nik(pilot)
        assert app.screen.case.status == "diproses"
        items = footer_items(app)
        for wanted in (("s", "Selesaikan"), ("d", "Dokumen"), ("esc", "Kembali")):
            assert wanted in items
        bottom = screen_lines(app)[-1].rstrip()
        # every key the footer offers reads whole on the bottom line at 80 columns
        for key, description in items:
            assert f"{key} {description}" in bottom, f"{key} {description!r} not whole in {bottom!r}"
        assert re.search("(" + "|".join(re.escape(f"{k} {d}") for k, d in items) + r")$", bottom), bottom

        # the list: the rekomendasi only as KONSEP (and why), the disposisi can be issued now
        await documents_list(pilot)
        assert choice(app, "Surat rekomendasi") == "1 Surat rekomendasi: KONSEP (terbit setelah langkah 3 selesai)"
        assert choice(app, "Lembar disposisi") == "2 Lembar disposisi: siap terbit"
        screen = "\n".join(screen_lines(app))
        assert "Cetak dokumen" in screen and "terbit setelah langkah 3" in screen

        # its digit prints the KONSEP: no number, marked on the page
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        draft = stored(desk, case_id).documents[-1]
        assert draft.kind == "rekomendasi" and not draft.number
        assert any("KONSEP" in message and draft.path in message for message in notifications(app))
        assert Path(draft.path).is_file()
        text = pdf_text(draft.path)
        assert "KONSEP" in text and NUMBER_PREFIX not in text
        assert "KONSEP" in shown(app.screen.query_one("#case-docs-text", PlainStatic))

        # the back office finishes step 3: the list (read afresh) offers the letter for issue
        desk.finish_step(desk.login("petugas2", "petugas123", 2), case_id, step_no=3)
        await documents_list(pilot)
        assert choice(app, "Surat rekomendasi") == "1 Surat rekomendasi: siap terbit"
        await pilot.press("escape")
        await settle(pilot)

        # reopened later from the search, the letter is issued with its number
        await pilot.press("escape")  # the case screen goes back to the search
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await open_by_nik(pilot)
        assert app.screen.case.current_step.no == 4
        await documents_list(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        letter = next(d for d in stored(desk, case_id).documents if d.kind == "rekomendasi" and d.number)
        assert letter.number.startswith(NUMBER_PREFIX)
        # the notice names the numbered file (its name carries the number, "/" as "_")
        assert any(letter.path in message and not message.startswith("KONSEP") for message in notifications(app))
        assert letter.number.replace("/", "_") in Path(letter.path).name
        text = pdf_text(letter.path)
        assert letter.number in text and "KONSEP" not in text
        assert letter.number in shown(app.screen.query_one("#case-docs-text", PlainStatic))

        # d again: issued, with its number
        await documents_list(pilot)
        assert choice(app, "Surat rekomendasi") == f"1 Surat rekomendasi: terbit (Nomor {letter.number})"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)


async def test_markup_in_the_name_is_literal_and_escape_prints_nothing(make_app, live_desk_service, config):
    desk = live_desk_service
    case_id = lengkap_case(desk, org_name=MARKUP_ORG)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_by_nik(pilot)
        assert MARKUP_ORG in shown(app.screen.query_one("#case-header", PlainStatic))
        assert any(MARKUP_ORG in line for line in screen_lines(app))

        # Escape closes the list and prints nothing, even with another document highlighted
        before = notifications(app)
        files = sorted(Path(config.output_dir).rglob("*.pdf")) if Path(config.output_dir).exists() else []
        await documents_list(pilot)
        await pilot.press("down")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert notifications(app) == before
        assert stored(desk, case_id).documents == ()
        after = sorted(Path(config.output_dir).rglob("*.pdf")) if Path(config.output_dir).exists() else []
        assert after == files
        assert "belum ada" in shown(app.screen.query_one("#case-docs-text", PlainStatic))

        for digit, kind in (("1", "rekomendasi"), ("2", "disposisi")):
            await documents_list(pilot)
            assert len(choices_shown(app)) == 3
            await pilot.press(digit)
            await settle(pilot)
            assert isinstance(app.screen, CaseScreen)
            document = stored(desk, case_id).documents[-1]
            assert document.kind == kind
            assert any(document.path in message for message in notifications(app))
            assert MARKUP_ORG in " ".join(pdf_text(document.path).split())
        assert MARKUP_ORG in shown(app.screen.query_one("#case-header", PlainStatic))
        assert any(MARKUP_ORG in line for line in screen_lines(app))
