"""Choose one of a case's documents to print: each listed with whether it is issued (its
number), can be issued now, or prints only as a KONSEP (and why)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from models.casedto import DocumentChoice
from screens.widgets import KeyFooter

#: How each state reads in the list.
STATE_WORDS: dict[str, tuple[str, str]] = {
    "terbit": ("terbit", "bold green"),
    "siap": ("siap terbit", "bold"),
    "konsep": ("KONSEP", "bold yellow"),
}


def choice_text(index: int, choice: DocumentChoice) -> Text:
    """One line of the list (user data printed literally)."""
    words, style = STATE_WORDS.get(choice.state, (choice.state, ""))
    text = Text()
    text.append(f" {index} ", style="bold reverse")
    text.append(f" {choice.label}: ")
    text.append(words, style=style)
    if choice.note:
        text.append(f" ({choice.note})", style="dim")
    return text


class DocumentPicker(ModalScreen[str | None]):
    """The case's documents; a digit or Enter chooses (returns the kind), Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Batal", id="docpicker.cancel"),
    ]

    def __init__(self, choices: Sequence[DocumentChoice], *, title: str = "Cetak dokumen") -> None:
        super().__init__(classes="dialog")
        self._choices = tuple(choices)[:9]
        self._title = title

    def compose(self) -> ComposeResult:
        """Build the dialog."""
        with Vertical(classes="dialog-box picker-box"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield OptionList(*[Option(choice_text(i, c), id=c.kind) for i, c in enumerate(self._choices, 1)],
                             id="docpicker-list")
            yield Label(Text("Angka atau Enter: cetak. Esc: batal."), classes="dialog-hint")
            if any(c.state == "konsep" for c in self._choices):
                yield Label(Text("KONSEP: tanpa nomor dan kode verifikasi, belum berlaku."),
                            classes="dialog-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Focus the list on the first document."""
        option_list = self.query_one(OptionList)
        option_list.focus()
        if self._choices:
            option_list.highlighted = 0

    def on_key(self, event: events.Key) -> None:
        """Choose by number."""
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self._choices):
                event.stop()
                self.dismiss(self._choices[index].kind)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Cancel."""
        self.dismiss(None)
