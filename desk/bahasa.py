"""Textual's own words an operator can see, in Indonesian.

The one that shows: an open Select's overlay puts "esc Dismiss menu" in the footer. The overlay
is Textual's class, built inside Select; its bindings are replaced here, once, by the app
factory (never at import).
"""

from __future__ import annotations

from textual.binding import Binding


def install() -> None:
    """Indonesian descriptions for Textual's built-in bindings shown in the footer (idempotent)."""
    from textual.widgets._select import SelectOverlay

    SelectOverlay.BINDINGS = [Binding("escape", "dismiss", "Tutup pilihan")]
    SelectOverlay._merged_bindings = SelectOverlay._merge_bindings()
