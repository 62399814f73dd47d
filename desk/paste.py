"""Bracketed paste that keeps its order, whatever it contains.

Textual's terminal parser reads an ESC inside a bracketed paste as the start of a key sequence:
a paste of ``Budi<ESC>[2J Santoso`` (text copied from a terminal or a spreadsheet can carry
such bytes) reached the field as keys ``[2J Santoso`` followed by the paste ``Budi``, and was
stored scrambled. :class:`PasteSafeParser` replaces every ESC inside a paste, except the one that
ends it, with SUB (U+001A) before the parser sees it, so the whole paste arrives as one Paste
event in its order; the fields (screens.widgets.FormInput) then drop the control sequences and
say so (forms.validators.clean_pasted).

:func:`install` puts the parser into Textual's Linux driver (the terminal desk runs on, locally
and over SSH); it is called by the app factory, never at import.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual._xterm_parser import XTermParser

START = "\x1b[200~"
END = "\x1b[201~"
#: What an ESC inside a paste becomes (a control character the fields drop).
SUB = "\x1a"


class PasteSafeParser(XTermParser):
    """XTermParser that never lets an ESC inside a bracketed paste break the paste."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_paste = False
        self._held = ""

    def guard(self, data: str) -> str:
        """Rewrite ``data`` (one chunk read from the terminal); an incomplete marker at the end
        of a chunk is held back until the next one."""
        data = self._held + data
        self._held = ""
        out: list[str] = []
        i = 0
        while i < len(data):
            if not self._in_paste:
                at = data.find(START, i)
                if at < 0:  # (a lone ESC is never held: it is the Escape key)
                    tail = _marker_prefix(data, i, START)
                    tail = tail if tail >= 2 else 0
                    out.append(data[i:len(data) - tail])
                    self._held = data[len(data) - tail:]
                    break
                out.append(data[i:at + len(START)])
                i = at + len(START)
                self._in_paste = True
                continue
            at = data.find("\x1b", i)
            if at < 0:
                out.append(data[i:])
                break
            out.append(data[i:at])
            if data.startswith(END, at):
                out.append(END)
                i = at + len(END)
                self._in_paste = False
            elif END.startswith(data[at:]):  # the end marker may continue in the next chunk
                self._held = data[at:]
                break
            else:
                out.append(SUB)
                i = at + 1
        return "".join(out)

    def tick(self) -> Iterable[Any]:
        """The driver's idle tick: a held-back start of a marker that no chunk completed was a
        key sequence after all (outside a paste); pass it on."""
        if self._held and not self._in_paste:
            held, self._held = self._held, ""
            yield from super().feed(held)
        yield from super().tick()

    def feed(self, data: str) -> Iterable[Any]:
        """Feed the parser (an empty string flushes what is held back)."""
        if not data:
            held, self._held = self._held, ""
            return super().feed(held) if held else super().feed(data)
        guarded = self.guard(data)
        return super().feed(guarded) if guarded else ()


def _marker_prefix(data: str, start: int, marker: str) -> int:
    """Length of the longest end of ``data[start:]`` that begins ``marker`` (0: none)."""
    for size in range(min(len(marker) - 1, len(data) - start), 0, -1):
        if marker.startswith(data[len(data) - size:]):
            return size
    return 0


def install() -> None:
    """Use :class:`PasteSafeParser` for the terminal (idempotent)."""
    from textual.drivers import linux_driver

    linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]
