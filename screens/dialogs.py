"""Modal dialogs: confirm, message, text input and the service picker.

Each dialog is a ``ModalScreen[T]`` that returns its answer through ``dismiss``. User data is
always shown literally (``markup=False`` / rich ``Text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from models.settings import PRIORITY_KINDS
from screens.widgets import FormInput, KeyFooter, PlainStatic

if TYPE_CHECKING:
    from models.dto import ServiceInfo


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; returns True for *Ya*."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Ya", id="confirm.yes"),
        Binding("t,escape", "answer(False)", "Tidak", id="confirm.no"),
        Binding("left,right", "switch", "Pindah", show=False, id="confirm.switch"),
    ]
    """y = yes, t / Escape = no; Enter presses the focused button."""

    def __init__(self, message: str, *, title: str = "Konfirmasi", yes: str = "Ya",
                 no: str = "Tidak", default_yes: bool = True) -> None:
        """Create the dialog.

        Args:
            message: The question (plain text).
            title: The dialog's title.
            yes: Label of the yes button.
            no: Label of the no button.
            default_yes: Focus the yes button first (else the no button).
        """
        super().__init__(classes="dialog")
        self._message = message
        self._title = title
        self._yes = yes
        self._no = no
        self._default_yes = default_yes

    def compose(self) -> ComposeResult:
        """Build the dialog."""
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield PlainStatic(self._message, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Text(f"{self._yes} (y)"), id="yes", variant="primary")
                yield Button(Text(f"{self._no} (t)"), id="no")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Focus the default answer."""
        self.query_one("#yes" if self._default_yes else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        """Answer with the pressed button."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        """Answer the question.

        Args:
            value: The answer.
        """
        self.dismiss(value)

    def action_switch(self) -> None:
        """Move focus between the two buttons."""
        yes = self.query_one("#yes", Button)
        (self.query_one("#no", Button) if yes.has_focus else yes).focus()


class ChoiceDialog(ModalScreen[int | None]):
    """Choose one of a few answers by number (1, 2, ...); returns its index, None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Batal", id="choice.cancel"),
        Binding("left,right", "switch", "Pindah", show=False, id="choice.switch"),
    ]
    """A digit chooses, Enter presses the focused button, Escape cancels."""

    def __init__(self, message: str, choices: Sequence[str], *, title: str = "Pilih") -> None:
        """Create the dialog.

        Args:
            message: The question (plain text).
            choices: The answers (plain text), at most 9.
            title: The dialog's title.
        """
        super().__init__(classes="dialog")
        self._message = message
        self._choices = tuple(choices)[:9]
        self._title = title

    def compose(self) -> ComposeResult:
        """Build the dialog."""
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield PlainStatic(self._message, classes="dialog-body")
            with Vertical(classes="choice-buttons"):
                for index, choice in enumerate(self._choices):
                    button = Button(Text(f"{index + 1}. {choice}"), id=f"choice-{index}",
                                    variant="primary" if index == 0 else "default")
                    yield button
            yield Label("Tekan angka pilihan, atau Esc untuk batal.", classes="dialog-hint")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Focus the first answer."""
        self.query_one("#choice-0", Button).focus()

    def on_key(self, event: events.Key) -> None:
        """Choose by number."""
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self._choices):
                event.stop()
                self.dismiss(index)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        """Answer with the pressed button."""
        if event.button.id and event.button.id.startswith("choice-"):
            self.dismiss(int(event.button.id.removeprefix("choice-")))

    def action_switch(self) -> None:
        """Move focus to the next answer."""
        self.focus_next()

    def action_cancel(self) -> None:
        """Cancel."""
        self.dismiss(None)


class MessageDialog(ModalScreen[None]):
    """Show a message (and optionally a list of lines) until the user presses Enter or Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Tutup", id="message.close"),
        Binding("down", "scroll_text(1)", "Gulir", key_display="↑↓", id="message.down"),
        Binding("up", "scroll_text(-1)", "Gulir naik", show=False, id="message.up"),
        Binding("pagedown", "scroll_text(5)", "Gulir", show=False, id="message.pagedown"),
        Binding("pageup", "scroll_text(-5)", "Gulir naik", show=False, id="message.pageup"),
    ]
    """Enter or Escape closes the dialog; arrows and Page Up/Down scroll a long message."""

    def __init__(self, title: str, message: str, lines: Sequence[str] = (),
                 *, error: bool = False) -> None:
        """Create the dialog.

        Args:
            title: The dialog's title.
            message: The main message (plain text).
            lines: Extra lines shown as a bulleted list (plain text).
            error: Style the dialog as an error.
        """
        super().__init__(classes="dialog -error" if error else "dialog")
        self._title = title
        self._message = message
        self._lines = tuple(lines)

    def compose(self) -> ComposeResult:
        """Build the dialog."""
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-scroll"):
                yield PlainStatic(self._message, classes="dialog-body")
                if self._lines:
                    body = Text()
                    for number, line in enumerate(self._lines, start=1):
                        if number > 1:
                            body.append("\n")
                        body.append(f"{number}. ")
                        body.append(line)
                    yield PlainStatic(body, classes="dialog-list")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Tutup (Enter)", id="close", variant="primary")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Focus the close button."""
        self.query_one("#close", Button).focus()

    def action_scroll_text(self, lines: int) -> None:
        """Scroll the message (a long list of missing items does not fit at 80x24)."""
        self.query_one(".dialog-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    @on(Button.Pressed)
    def _pressed(self) -> None:
        """Close."""
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)


class InputDialog(ModalScreen[str | None]):
    """Ask for one line of text; returns it, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Batal", id="input.cancel"),
    ]
    """Enter saves (in the input), Escape cancels."""

    def __init__(self, title: str, prompt: str, value: str = "", *,
                 placeholder: str = "", max_length: int = 0, required: str = "") -> None:
        """Create the dialog.

        Args:
            title: The dialog's title.
            prompt: What to type (plain text).
            value: The initial value.
            placeholder: Placeholder of the input.
            max_length: The most characters the input takes (0: no limit); the hint shows
                how many are left.
            required: When set, an empty answer is refused with this message at the field
                (e.g. "Alasan wajib diisi.").
        """
        super().__init__(classes="dialog")
        self._required = required
        self._title = title
        self._prompt = prompt
        self._value = value
        self._placeholder = placeholder
        self._max_length = max_length

    def compose(self) -> ComposeResult:
        """Build the dialog."""
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield PlainStatic(self._prompt, classes="dialog-body")
            yield FormInput(self._value, placeholder=self._placeholder, id="dialog-input",
                            max_length=self._max_length)
            yield Label(self._hint(self._value), classes="dialog-hint", id="dialog-hint",
                        markup=False)
        yield KeyFooter(compact=True)

    def _hint(self, value: str) -> str:
        """The key hint, with the characters left when the input is limited."""
        hint = "Enter: simpan   Escape: batal"
        if self._max_length:
            hint += f"   ({len(value)}/{self._max_length} karakter)"
        return hint

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        """Count the characters typed."""
        if self._max_length:
            self.query_one("#dialog-hint", Label).update(self._hint(event.value))

    def on_mount(self) -> None:
        """Focus the input."""
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Return the typed text."""
        event.stop()
        if self._required and not event.value.strip():
            self.query_one("#dialog-hint", Label).update(self._required)
            self.query_one("#dialog-hint", Label).add_class("-error")
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Cancel."""
        self.dismiss(None)


class ServicePicker(ModalScreen[tuple[str, str] | None]):
    """Choose a jenis layanan (and, for tickets, a priority group).

    Returns ``(service_code, priority_kind)`` ("" = not priority) or None when cancelled.
    Typing a service's queue prefix letter chooses it at once. Every service is listed in
    catalog order; the line under the list says which of how many is highlighted.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Batal", id="picker.cancel"),
        Binding("f4", "toggle_priority", "Prioritas", id="picker.priority"),
    ]
    """Enter chooses, a prefix letter chooses its service, F4 cycles the priority group,
    Escape cancels."""

    def __init__(self, services: Sequence[ServiceInfo], *, title: str = "Pilih layanan",
                 allow_priority: bool = True) -> None:
        """Create the picker.

        Args:
            services: The services to offer.
            title: The dialog's title.
            allow_priority: Offer the priority groups (tickets only).
        """
        super().__init__(classes="dialog")
        self._services = tuple(services)
        self._title = title
        self._allow_priority = allow_priority
        self._kinds = ("", *PRIORITY_KINDS)
        self._kind = 0

    def compose(self) -> ComposeResult:
        """Build the dialog."""
        with Vertical(classes="dialog-box picker-box"):
            yield Label(self._title, classes="dialog-title", markup=False)
            options = []
            for service in self._services:
                prompt = Text()
                prompt.append(f" {service.prefix or '-'} ", style="bold reverse")
                prompt.append("  ")
                prompt.append(service.short_name or service.name)
                options.append(Option(prompt, id=service.code))
            yield OptionList(*options, id="picker-list")
            yield Label("", id="picker-position", classes="dialog-hint", markup=False)
            if self._allow_priority:
                yield Label("", id="picker-priority", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Focus the list."""
        option_list = self.query_one(OptionList)
        option_list.focus()
        if self._services:
            option_list.highlighted = 0
        self._show_priority()
        self._show_position()

    @on(OptionList.OptionHighlighted)
    def _show_position(self) -> None:
        """Say which service of how many is highlighted, and how to move."""
        index = self.query_one(OptionList).highlighted
        count = len(self._services)
        where = f"Layanan {index + 1} dari {count}" if index is not None and count else f"{count} layanan"
        self.query_one("#picker-position", Label).update(Text(f"{where} · ↑↓ PgUp PgDn · ketik huruf atau Enter"))

    def _show_priority(self) -> None:
        if not self._allow_priority:
            return
        kind = self._kinds[self._kind]
        label = Text("F4 Prioritas: ", style="bold")
        label.append(PRIORITY_KINDS[kind] if kind else "tidak (antrean biasa)",
                     style="bold reverse" if kind else "")
        self.query_one("#picker-priority", Label).update(label)

    def on_key(self, event: events.Key) -> None:
        """Choose a service by its prefix letter."""
        if not event.character or not event.character.isalpha() or len(event.character) != 1:
            return
        letter = event.character.upper()
        matches = [i for i, s in enumerate(self._services) if s.prefix.upper() == letter]
        if not matches:
            return
        event.stop()
        event.prevent_default()
        if len(matches) == 1:
            self._choose(self._services[matches[0]].code)
        else:
            option_list = self.query_one(OptionList)
            current = option_list.highlighted
            later = [i for i in matches if current is None or i > current]
            option_list.highlighted = (later or matches)[0]

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Choose the selected option."""
        event.stop()
        if event.option.id:
            self._choose(event.option.id)

    def _choose(self, code: str) -> None:
        """Return the chosen service code and the priority group."""
        self.dismiss((code, self._kinds[self._kind] if self._allow_priority else ""))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer F4 Prioritas only where there is a priority line (taking a ticket)."""
        if action == "toggle_priority":
            return self._allow_priority
        return True

    def action_toggle_priority(self) -> None:
        """Next priority group (none, lansia, disabilitas, ibu hamil / menyusui, anak)."""
        if self._allow_priority:
            self._kind = (self._kind + 1) % len(self._kinds)
            self._show_priority()

    def action_cancel(self) -> None:
        """Cancel."""
        self.dismiss(None)
