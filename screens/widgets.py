"""Small widgets and formatting helpers shared by the screens.

Everything here renders user data literally: labels are built with ``markup=False`` and rich
``Text`` objects, never by formatting strings into console markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.widgets import Footer, Input, Label, Static

from forms.validators import clean_pasted

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen
    from textual.widgets import DataTable  # annotations only: the login screen has no table
    from models.dto import DocumentInfo

#: Indonesian month abbreviations, January first.
MONTHS_SHORT: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
)


def fmt_time(value: dt.datetime | None) -> str:
    """Format a time of day the Indonesian way.

    Args:
        value: An aware datetime in office time, or None.

    Returns:
        ``"10.05"``, or ``"-"`` when there is no value.
    """
    if value is None:
        return "-"
    return f"{value.hour:02d}.{value.minute:02d}"


def fmt_date(value: dt.date | dt.datetime | None) -> str:
    """Format a date as ``"26 Nov 2026"``.

    Args:
        value: A date or datetime, or None.

    Returns:
        The formatted date, or ``"-"``.
    """
    if value is None:
        return "-"
    return f"{value.day} {MONTHS_SHORT[value.month - 1]} {value.year}"


def fmt_datetime(value: dt.datetime | None) -> str:
    """Format a moment as ``"26 Nov 2026 10.00"``.

    Args:
        value: An aware datetime in office time, or None.

    Returns:
        The formatted moment, or ``"-"``.
    """
    if value is None:
        return "-"
    return f"{fmt_date(value)} {fmt_time(value)}"


def fmt_moment(value: dt.datetime | None, today: dt.date | None) -> str:
    """Format a moment compactly: only the time when it is today.

    Args:
        value: The moment, or None.
        today: Today's date in office time (None: always show the date).

    Returns:
        ``"10.05"`` for today, ``"25 Nov 10.05"`` otherwise, ``"-"`` for None.
    """
    if value is None:
        return "-"
    if today is not None and value.date() == today:
        return fmt_time(value)
    return f"{value.day} {MONTHS_SHORT[value.month - 1]} {fmt_time(value)}"


def clip(value: str, width: int) -> str:
    """Cut ``value`` to ``width`` characters, ending with an ellipsis when cut.

    Args:
        value: The text.
        width: The most characters wanted (at least 1).

    Returns:
        The text, whole or cut.
    """
    width = max(1, width)
    return value if len(value) <= width else value[: width - 1] + "…"


def document_notice(document: DocumentInfo) -> tuple[str, str]:
    """What to tell the operator about a document just produced, and how loudly.

    Args:
        document: The document (its PDF is on disk; it may have gone to the printer).

    Returns:
        ``(message, severity)`` for ``notify``: "information" when the PDF was saved (and,
        with a print command configured, printed), "warning" when printing failed.
    """
    if document.number:  # the number first: the operator writes it in the register
        document = dataclasses.replace(document, title=f"{document.title} Nomor {document.number}")
    if document.print_error:
        return (f"{document.title} tersimpan di {document.path}, tetapi tidak tercetak. "
                f"{document.print_error}", "warning")
    if document.printed:
        return f"{document.title} dikirim ke printer. Berkas: {document.path}", "information"
    return f"{document.title} tersimpan: {document.path}", "information"


def fmt_elapsed(seconds: int) -> str:
    """Format a duration as ``HH:MM:SS``, with days in front when needed.

    Args:
        seconds: Non-negative number of seconds.

    Returns:
        ``"00:03:12"`` or ``"2 hari 01:00:00"``.
    """
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{days} hari {clock}" if days else clock


class FieldError(Label):
    """A message shown under a form field; hidden while empty. Never parses markup."""

    DEFAULT_CSS = """
    FieldError {
        color: $error;
        display: none;
        width: 100%;
        padding: 0 0 0 1;
    }
    FieldError.-shown {
        display: block;
    }
    """
    """Red text, hidden until there is something to say."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """Create an empty, hidden error label.

        Args:
            id: The widget id.
            classes: Extra CSS classes.
        """
        super().__init__("", id=id, classes=classes, markup=False)

    def show(self, message: str) -> None:
        """Show ``message`` (literally), or hide the label when it is empty.

        Args:
            message: The Indonesian message, or ``""`` to clear.
        """
        self.update(Text(message))
        self.set_class(bool(message), "-shown")


class FormInput(Input):
    """An input field that keeps type-ahead in order.

    Keys reach a widget through its own message queue, and Enter or Tab move the focus only
    when they have bubbled up to the app. Typed quickly (or arriving in one burst over a slow
    SSH link), ``petugas⏎petugas123⏎`` would otherwise all land in the first field. Here Enter
    (when ``advance``) and Tab move the focus at once, and keys that were already queued for
    this field after that are passed on to the field that now has the focus.
    """

    def __init__(self, *args: Any, advance: bool = False, **kwargs: Any) -> None:
        """Create the field.

        Args:
            *args: As for ``Input``.
            advance: Enter submits and then moves to the next field.
            **kwargs: As for ``Input``.
        """
        super().__init__(*args, **kwargs)
        self.advance = advance
        # a steady cursor: a blinking one redraws twice a second, all day, over every SSH link
        self.set_reactive(Input.cursor_blink, False)

    async def _on_key(self, event: events.Key) -> None:
        """Pass on type-ahead meant for the next field; move the focus at once."""
        # (has_focus follows the Focus/Blur events, which come later; screen.focused is now)
        focused = self.screen.focused if self.is_attached else None
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            # as the app forwards keys: a key the widget does not use bubbles up without
            # being taken for new terminal input (and sent a second time)
            focused._forward_event(events.Key(event.key, event.character))  # noqa: SLF001
            return
        if event.key in ("tab", "shift+tab") or (event.key == "enter" and self.advance):
            event.stop()
            event.prevent_default()
            if event.key == "enter":
                await self.action_submit()
            if event.key == "shift+tab":
                self.screen.focus_previous()
            else:
                self.screen.focus_next()
        # otherwise Input's own key handler runs next (Textual calls each class's _on_key)

    def _on_paste(self, event: events.Paste) -> None:
        """Insert pasted text in its order, as one line (line breaks become spaces); terminal
        escape sequences and control characters are dropped, and a limited field takes the
        start of a longer text; the field says what it did."""
        event.stop()
        event.prevent_default()  # Input's own handler would insert the raw first line
        text, dropped = clean_pasted(event.text)
        selection = self.selection
        start, end = sorted((selection.start, selection.end))
        cut = False
        if self.max_length:
            room = max(0, self.max_length - (len(self.value) - (end - start)))
            cut, text = len(text) > room, text[:room]
        before = self.value
        if text:
            self.replace(text, start, end)
        notes = []
        if dropped:
            notes.append("karakter kontrol pada teks yang ditempel dibuang")
        if cut and self.value != before:  # not refused by the field's character rule (restrict)
            notes.append(f"teks dipotong: isian ini paling banyak {self.max_length} karakter")
        if notes:
            message = "; ".join(notes)
            self.notify(message[0].upper() + message[1:] + ".", severity="warning", markup=False)


class PlainStatic(Static):
    """A Static that never parses markup, whatever it is given."""

    def __init__(
        self,
        content: str | Text = "",
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create the widget.

        Args:
            content: Plain text or a rich Text.
            id: The widget id.
            classes: Extra CSS classes.
        """
        super().__init__(content, id=id, classes=classes, markup=False)
        self._shown: Text | None = None

    def set_text(self, content: str | Text) -> None:
        """Replace the content; plain strings are shown literally. The same content again
        redraws nothing (timers call this every second).

        Args:
            content: Plain text or a rich Text.
        """
        text = Text(content) if isinstance(content, str) else content
        if self._shown is not None and text == self._shown:
            return
        self.update(text)
        self._shown = text.copy()

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        """Replace the content (whatever set it, :meth:`set_text` compares with it next).

        Args:
            content: New content.
            layout: Whether the layout may change.
        """
        self._shown = None
        super().update(content, layout=layout)


class KeyFooter(Footer):
    """Textual's footer of keys, with its keys in the screen's first frame and rebuilt only when
    the keys it shows change.

    Textual's Footer starts empty and builds its keys after the first frame, then again after
    every change of focus or of the screen's bindings: one more frame (over SSH, the typed key
    waits behind it: 20-40 ms at the login form, bench/startup.py) and a rebuild of every key
    for each focus move, mostly to show the same keys.
    """

    def __init__(self, *, compact: bool = False) -> None:
        """Create the footer.

        Args:
            compact: Textual's compact style (no padding around each key).
        """
        super().__init__(compact=compact)
        self._keys: tuple[tuple[Any, ...], ...] | None = None

    def compose(self) -> ComposeResult:
        """The keys of the screen as it is now (focus and bindings are set again later)."""
        self.set_reactive(Footer._bindings_ready, True)
        self._keys = self._shown_keys()
        yield from super().compose()

    def _shown_keys(self) -> tuple[tuple[Any, ...], ...]:
        """What the footer shows: each shown binding's key, label and whether it acts now."""
        return tuple((binding.key, binding.key_display, binding.description, enabled, tooltip)
                     for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
                     if binding.show)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Rebuild the keys only when what they show changed.

        Args:
            screen: The screen whose bindings changed.
        """
        if not self.is_attached or screen is not self.screen or not screen.app.app_focus:
            super().bindings_changed(screen)  # Textual's rules (no rebuild): the keys stay due
            return
        keys = self._shown_keys()
        if keys == self._keys:
            return
        self._keys = keys
        super().bindings_changed(screen)


def labelled(label: str, value: str, label_style: str = "bold") -> Text:
    """Build ``"Label: value"`` as a Text, the value literal.

    Args:
        label: The (trusted) label.
        value: The (untrusted) value.
        label_style: Rich style of the label.

    Returns:
        The combined Text.
    """
    text = Text()
    text.append(label, style=label_style)
    text.append(": ")
    text.append(value)
    return text


def sync_table(
    table: DataTable[Any],
    rows: list[tuple[str, list[Text]]],
    column_keys: list[str],
    order_column: str | None = None,
) -> None:
    """Bring a DataTable to ``rows`` by row key, without clearing it (no flicker).

    Rows no longer wanted are removed, changed cells are updated, new rows are added; when
    ``order_column`` (a column with unique values) is given, rows are then sorted into the order
    of ``rows``. The cursor stays on the same row key where it still exists.

    Args:
        table: The table (columns already added with ``column_keys``).
        rows: ``(row_key, cells)`` in the wanted order.
        column_keys: The table's column keys, in order.
        order_column: Key of a column whose plain values are unique, used to reorder.
    """
    cursor_key: str | None = None
    if table.row_count and 0 <= table.cursor_row < table.row_count:
        cursor_key = table.ordered_rows[table.cursor_row].key.value
    wanted = {key for key, _ in rows}
    for row in list(table.ordered_rows):
        if row.key.value not in wanted:
            table.remove_row(row.key)
    for key, cells in rows:
        if key in table.rows:
            old = table.get_row(key)
            for column, new, previous in zip(column_keys, cells, old):
                if new != previous:
                    table.update_cell(key, column, new)
        else:
            table.add_row(*cells, key=key)
    if order_column is not None and rows:
        wanted_order = [key for key, _ in rows]
        current_order = [row.key.value for row in table.ordered_rows]
        if current_order != wanted_order:
            index = column_keys.index(order_column)
            position = {str(cells[index]): i for i, (_, cells) in enumerate(rows)}
            table.sort(order_column, key=lambda cell: position.get(str(cell), len(position)))
    if cursor_key is not None and cursor_key in table.rows:
        new_index = table.get_row_index(cursor_key)
        if new_index != table.cursor_row:
            table.move_cursor(row=new_index)
