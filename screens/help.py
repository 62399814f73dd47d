"""The help screen (F1): the keys of the screen underneath and a short guide."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label

from screens.widgets import KeyFooter, PlainStatic

#: Friendlier names for keys in the help table.
KEY_NAMES: dict[str, str] = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Spasi",
    "tab": "Tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "delete": "Del",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "shift+tab": "Shift+Tab",
    "backspace": "Backspace",
}

#: What the app-wide keys do, shown under every screen's own keys.
GENERAL_HELP = (
    "Tombol umum: F1 bantuan, Tab / Shift+Tab pindah kolom isian, panah atas/bawah memilih "
    "baris, Esc kembali atau batal."
)


def key_label(key: str) -> str:
    """Render a binding's key list for people, e.g. ``"t,f2"`` -> ``"t / F2"``.

    Args:
        key: The binding's key string (comma-separated keys).

    Returns:
        A readable label.
    """
    names = []
    for part in key.split(","):
        part = part.strip()
        if part in KEY_NAMES:
            names.append(KEY_NAMES[part])
        elif part.startswith("ctrl+"):
            names.append("Ctrl+" + part[5:].upper())
        elif part.startswith("f") and part[1:].isdigit():
            names.append(part.upper())
        else:
            names.append(part)
    return " / ".join(names)


def screen_bindings(screen: Screen) -> list[tuple[str, str]]:
    """List the desk's described, available bindings of a screen and of the app.

    Only bindings with an id (the desk's own) are listed; Textual's generic ones (Tab, copy)
    are explained in :data:`GENERAL_HELP`. Reads the nodes' live binding maps, so per-screen descriptions (e.g. "Cetak Rekomendasi")
    and a remapped keymap are shown as they are.

    Args:
        screen: The screen whose keys to list.

    Returns:
        ``(keys, description)`` pairs: the screen's first, then the app's.
    """
    rows: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for node in (screen, screen.app):
        grouped: dict[tuple[str, str], list[str]] = {}
        for key, bindings in node._bindings.key_to_bindings.items():  # noqa: SLF001
            for binding in bindings:
                if not binding.description or binding.system or not binding.id:
                    continue
                check = getattr(node, "check_action", None)
                if check is not None and check(binding.action, ()) is False:
                    continue
                grouped.setdefault((binding.action, binding.description), []).append(key)
        for ident, keys in grouped.items():
            row = (key_label(",".join(keys)), ident[1])
            # the same key and words from the screen and the app (e.g. Ctrl+Q Keluar) once
            if ident in seen or row in rows:
                continue
            seen.add(ident)
            rows.append(row)
    return rows


class HelpScreen(ModalScreen[None]):
    """Shows the keys of the screen underneath and its guide."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Tutup", id="help.close"),
    ]
    """Escape, F1 or q closes the help."""

    def __init__(self, screen: Screen) -> None:
        """Create the help for ``screen``.

        Args:
            screen: The screen the user was on.
        """
        super().__init__(classes="dialog")
        self._target = screen

    def compose(self) -> ComposeResult:
        """Build the help."""
        title = getattr(self._target, "HELP_TITLE", "Bantuan")
        guide = getattr(self._target, "HELP_TEXT", "")
        keys = Text()
        rows = screen_bindings(self._target)
        width = max((len(k) for k, _ in rows), default=4) + 2
        for index, (key, description) in enumerate(rows):
            if index:
                keys.append("\n")
            keys.append(key.ljust(width), style="bold")
            keys.append(description)
        with Vertical(classes="dialog-box help-box"):
            yield Label(f"Bantuan: {title}", classes="dialog-title", markup=False)
            with VerticalScroll(id="help-scroll"):
                yield Label("Tombol", classes="help-heading")
                yield PlainStatic(keys, classes="help-keys")
                if guide:
                    yield Label("Petunjuk", classes="help-heading")
                    yield PlainStatic(guide, classes="help-guide")
                yield PlainStatic(GENERAL_HELP, classes="help-general")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Focus the scrollable text so arrows scroll it."""
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
