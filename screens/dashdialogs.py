"""The dashboard's dialogs: a period typed as two dates (checked at their fields), and a list
to choose one line of (a period, an office)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from screens.dashparts import ALL_SINCE, fmt_tanggal, parse_tanggal
from screens.widgets import FieldError, FormInput, KeyFooter


class RangeDialog(ModalScreen[tuple[dt.date, dt.date] | None]):
    """Type a period: from and to, as dd-mm-yyyy; a wrong date is said at its field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Batal", id="range.cancel"),
        Binding("f10", "save", "Tampilkan", id="range.save"),
    ]

    def __init__(self, since: dt.date, until: dt.date, today: dt.date) -> None:
        """Create the dialog.

        Args:
            since: The period shown now (the fields start with it).
            until: Its last day.
            today: Today (a period may not start after it).
        """
        super().__init__(classes="dialog")
        self._since = since if since > ALL_SINCE else today.replace(day=1)
        self._until = until
        self._today = today

    def compose(self) -> ComposeResult:
        """Build the dialog."""
        with Vertical(classes="dialog-box range-box"):
            yield Label("Rentang tanggal", classes="dialog-title", markup=False)
            yield Label("Dari tanggal (hh-bb-tttt)", markup=False)
            yield FormInput(fmt_tanggal(self._since), id="range-since", max_length=10)
            yield FieldError(id="e-range-since")
            yield Label("Sampai tanggal (hh-bb-tttt)", markup=False)
            yield FormInput(fmt_tanggal(self._until), id="range-until", max_length=10)
            yield FieldError(id="e-range-until")
            yield Label("Enter: lanjut / tampilkan   Esc: batal", classes="dialog-hint",
                        markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Focus the first date."""
        self.query_one("#range-since", Input).focus()

    def _read(self, field: str) -> dt.date | None:
        """Read one field, saying at it what is wrong."""
        error = self.query_one(f"#e-range-{field}", FieldError)
        try:
            value = parse_tanggal(self.query_one(f"#range-{field}", Input).value)
        except ValueError as exc:
            error.show(str(exc))
            return None
        if value < ALL_SINCE:
            error.show(f"Tanggal sebelum {fmt_tanggal(ALL_SINCE)} tidak dipakai.")
            return None
        if field == "since" and value > self._today:
            error.show(f"Tanggal awal belum tiba (hari ini {fmt_tanggal(self._today)}).")
            return None
        error.show("")
        return value

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in the first date goes on to the second; in the second it shows the period."""
        event.stop()
        if event.input.id == "range-since":
            if self._read("since") is not None:
                self.query_one("#range-until", Input).focus()
            return
        self.action_save()

    def action_save(self) -> None:
        """Check both dates and return the period."""
        since, until = self._read("since"), self._read("until")
        if since is None:
            self.query_one("#range-since", Input).focus()
            return
        if until is None:
            self.query_one("#range-until", Input).focus()
            return
        if until < since:
            self.query_one("#e-range-until", FieldError).show(
                "Tanggal akhir tidak boleh sebelum tanggal awal.")
            self.query_one("#range-until", Input).focus()
            return
        self.dismiss((since, until))

    def action_cancel(self) -> None:
        """Keep the period shown."""
        self.dismiss(None)


class ListDialog(ModalScreen[int | None]):
    """Choose one line of a list (a period, an office); returns its index."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Batal", id="list.cancel"),
    ]

    def __init__(self, title: str, choices: list[str], current: int = 0) -> None:
        """Create the dialog.

        Args:
            title: The title.
            choices: The lines (plain text); a digit chooses one of the first nine.
            current: The line highlighted first.
        """
        super().__init__(classes="dialog")
        self._title = title
        self._choices = choices
        self._current = current

    def compose(self) -> ComposeResult:
        """Build the dialog."""
        with Vertical(classes="dialog-box picker-box"):
            yield Label(self._title, classes="dialog-title", markup=False)
            options = []
            for index, choice in enumerate(self._choices):
                prompt = Text(f"{index + 1}. " if index < 9 else "   ", style="bold")
                prompt.append(choice)
                options.append(Option(prompt, id=str(index)))
            yield OptionList(*options, id="list-options")
            yield Label("Ketik angka atau pilih dengan ↑↓ lalu Enter; Esc batal.",
                        classes="dialog-hint", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Highlight the current choice."""
        options = self.query_one(OptionList)
        options.focus()
        if self._choices:
            options.highlighted = min(max(0, self._current), len(self._choices) - 1)

    def on_key(self, event: events.Key) -> None:
        """A digit chooses."""
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < min(9, len(self._choices)):
                event.stop()
                self.dismiss(index)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        """Choose nothing."""
        self.dismiss(None)
