"""The terminal as a person meets it: pasted text keeps its order (control characters dropped
with a note, in every field), and Textual's own footer words are Indonesian."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult

from desk.paste import PasteSafeParser
from forms.validators import clean_pasted
from screens.widgets import FormInput

SCRAMBLER = "\x1b[200~Budi\x1b[2J Santoso\x1b[201~"


def parse(*chunks: str) -> list:
    parser = PasteSafeParser()
    out = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    return out


def test_a_paste_with_an_escape_sequence_arrives_whole_and_in_order():
    for chunks in ([SCRAMBLER], [SCRAMBLER[:9], SCRAMBLER[9:14], SCRAMBLER[14:-3], SCRAMBLER[-3:]],
                   ["x" + SCRAMBLER[:3], SCRAMBLER[3:] + "y"]):
        tokens = parse(*chunks)
        pastes = [t for t in tokens if isinstance(t, events.Paste)]
        keys = [t.key for t in tokens if isinstance(t, events.Key)]
        assert len(pastes) == 1, chunks
        assert clean_pasted(pastes[0].text) == ("Budi Santoso", True)
        assert keys in ([], ["x", "y"])  # no part of the paste arrived as keys


def test_keys_outside_a_paste_are_untouched():
    assert [t.key for t in parse("ab\x1b[A")] == ["a", "b", "up"]


def test_clean_pasted_keeps_text_and_reports_what_it_dropped():
    assert clean_pasted("Siti\r\nAminah") == ("Siti Aminah", False)
    assert clean_pasted("Siti\tAminah\x07") == ("Siti Aminah", True)
    assert clean_pasted("[b]Siti[/]") == ("[b]Siti[/]", False)


class OneField(App[None]):
    def compose(self) -> ComposeResult:
        yield FormInput(id="f", max_length=20)


async def test_a_field_inserts_the_cleaned_paste_at_the_cursor_and_says_so():
    app = OneField()
    async with app.run_test() as pilot:
        field = app.query_one(FormInput)
        field.focus()
        await pilot.press(*"Pak ")
        field.post_message(events.Paste("Budi\x1a[2J Santoso"))
        await pilot.pause()
        assert field.value == "Pak Budi Santoso"
        assert any("dibuang" in n.message for n in app._notifications)
        field.post_message(events.Paste(" Wibowo Hadi Kusumo"))  # cut at max_length
        await pilot.pause()
        assert field.value == "Pak Budi Santoso Wib"


async def test_an_open_choice_list_speaks_indonesian(make_app):
    """The footer under an open Select says "Tutup pilihan", not Textual's "Dismiss menu"."""
    from textual.widgets import Select

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        select = app.screen.query(Select).first()  # the login's loket choice
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        descriptions = [b.description for _, b, _, _ in app.screen.active_bindings.values()]
        assert "Tutup pilihan" in descriptions and "Dismiss menu" not in descriptions
