"""Print a queue ticket directly on an ESC/POS thermal printer.

python-escpos is an optional dependency (`pip install 'desk[escpos]'`); it
is imported only inside the functions that need it. A printer is named
by a target string:

    escpos:net:HOST[:PORT]          network printer (port 9100 by default)
    escpos:usb:VID:PID              USB printer, hex ids (0x04b8:0x0202); needs pyusb
    escpos:serial:DEVICE[:BAUD]     serial printer (9600 baud by default); needs pyserial
    escpos:file:PATH                a device file such as /dev/usb/lp0

The whole ticket is built in memory first and sent in one write, so a
printer that cannot be reached prints nothing rather than half a ticket.
Text is reduced to ASCII (accents dropped, anything else becomes "?")
because cheap printers' code pages differ; user text can never carry a
printer command because control characters are removed first.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import Any, NamedTuple

from output.pdf import clean, clean_line
from output.ticket import (
    TICKET_WIDTHS,
    TicketSlip,
    ahead_parts,
    issued_parts,
    wait_parts,
)

__all__ = [
    "COLUMNS",
    "PrinterTarget",
    "PrinterTargetError",
    "TicketPrinterError",
    "ascii_text",
    "is_escpos_target",
    "parse_target",
    "print_ticket_escpos",
    "ticket_escpos_bytes",
]

COLUMNS = {58: 32, 80: 48}  # characters per line in the printer's font A
DEFAULT_PORT = 9100
DEFAULT_BAUD = 9600
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)
MISSING = "Dukungan printer ESC/POS belum terpasang: pip install 'desk[escpos]'"
EXAMPLES = ("escpos:net:192.168.1.50[:9100], escpos:usb:0x04b8:0x0202, "
            "escpos:serial:/dev/ttyS0[:9600] atau escpos:file:/dev/usb/lp0")

_HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")
_HEX_ID = re.compile(r"(0[xX])?[0-9A-Fa-f]{1,4}")
_TYPOGRAPHY = str.maketrans({
    "±": "+/-", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
    "…": "...", "•": "*", "×": "x", "\u00a0": " ",
})


class TicketPrinterError(Exception):
    """The ticket could not be printed; the message is for the operator."""


class PrinterTargetError(TicketPrinterError, ValueError):
    """A printer target string is malformed."""


class PrinterTarget(NamedTuple):
    """A parsed printer target.

    Attributes:
        kind: "net", "usb", "serial" or "file".
        args: Keyword arguments for the python-escpos printer class.
    """

    kind: str
    args: dict[str, Any]


# ----------------------------------------------------------------- targets
def is_escpos_target(target: str) -> bool:
    """Tell whether a printer setting names an ESC/POS printer.

    Args:
        target: A printer setting.

    Returns:
        True when it starts with "escpos:" (it may still be malformed).
    """
    return str(target).strip().lower().startswith("escpos:")


def _fail(target: str, why: str) -> PrinterTargetError:
    """Build the error for a malformed target."""
    return PrinterTargetError(f"Alamat printer tiket {target!r} tidak sah: {why}. "
                              f"Contoh: {EXAMPLES}.")


def _number(text: str, target: str, what: str, low: int, high: int) -> int:
    """Parse a decimal number in [low, high] or fail."""
    if not text.isdigit() or not low <= int(text) <= high:
        raise _fail(target, f"{what} harus angka {low} sampai {high}")
    return int(text)


def parse_target(target: str) -> PrinterTarget:
    """Parse and check an ESC/POS printer target.

    Args:
        target: E.g. "escpos:net:192.168.1.50:9100" (see the module docs).

    Returns:
        The kind and the printer class's keyword arguments, e.g.
        ("net", {"host": "192.168.1.50", "port": 9100}).

    Raises:
        PrinterTargetError: With an Indonesian message when malformed.
    """
    text = str(target).strip()
    scheme, _, rest = text.partition(":")
    if scheme.lower() != "escpos":
        raise _fail(text, "harus diawali 'escpos:'")
    kind, _, rest = rest.partition(":")
    kind = kind.lower()
    if any(ch.isspace() or not ch.isprintable() for ch in rest):
        raise _fail(text, "tidak boleh berisi spasi atau karakter kendali")
    if kind == "net":
        host, has_port, port_text = rest.partition(":")
        if not _HOST.fullmatch(host):
            raise _fail(text, "nama host atau alamat IPv4 printer kosong atau tidak sah")
        port = _number(port_text, text, "port", 1, 65535) if has_port else DEFAULT_PORT
        return PrinterTarget("net", {"host": host, "port": port})
    if kind == "usb":
        parts = rest.split(":")
        if len(parts) != 2 or not all(_HEX_ID.fullmatch(p) for p in parts):
            raise _fail(text, "USB butuh VID:PID heksadesimal, misalnya 0x04b8:0x0202")
        vid, pid = (int(p, 16) for p in parts)
        if not vid or not pid:
            raise _fail(text, "VID dan PID USB tidak boleh 0")
        return PrinterTarget("usb", {"idVendor": vid, "idProduct": pid})
    if kind == "serial":
        device, sep, baud_text = rest.rpartition(":")
        if not sep or not baud_text.isdigit():
            device, baud_text = rest, ""
        if not device:
            raise _fail(text, "nama perangkat serial kosong")
        baud = int(baud_text) if baud_text else DEFAULT_BAUD
        if baud not in BAUD_RATES:
            raise _fail(text, "kecepatan serial harus salah satu dari "
                              + ", ".join(str(b) for b in BAUD_RATES))
        return PrinterTarget("serial", {"devfile": device, "baudrate": baud})
    if kind == "file":
        if not rest:
            raise _fail(text, "nama berkas perangkat kosong")
        return PrinterTarget("file", {"devfile": rest})
    raise _fail(text, "jenis sambungan harus net, usb, serial atau file")


# -------------------------------------------------------------------- text
def ascii_text(text: object) -> str:
    """Reduce user text to one printable ASCII line.

    Args:
        text: Any value.

    Returns:
        E.g. "Nguyen Van An" for "Nguyễn Văn An"; characters without an
        ASCII form become "?".
    """
    line = clean_line(text).translate(_TYPOGRAPHY)
    decomposed = unicodedata.normalize("NFKD", line)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return kept.encode("ascii", "replace").decode("ascii")


def _wrap(text: str, cols: int) -> list[str]:
    """Wrap one ASCII line to `cols` characters (long words are split)."""
    return textwrap.wrap(text, cols, break_on_hyphens=False) or []


def _load_escpos() -> Any:
    """Import python-escpos's printer module or explain how to install it."""
    try:
        from escpos import printer  # optional dependency, imported lazily
    except ImportError:
        raise TicketPrinterError(MISSING) from None
    return printer


def ticket_escpos_bytes(slip: TicketSlip, *, width_mm: int = 80) -> bytes:
    """Build the ESC/POS byte stream of a ticket (init, text, feed, cut).

    Args:
        slip: What the ticket shows.
        width_mm: The roll width, 58 or 80.

    Returns:
        The bytes to send to the printer.

    Raises:
        ValueError: For a width other than 58 or 80.
        TicketPrinterError: When python-escpos is not installed.
    """
    if width_mm not in TICKET_WIDTHS:
        raise ValueError(f"Lebar kertas tiket harus 58 atau 80 mm, bukan {width_mm!r}.")
    cols = COLUMNS[width_mm]
    p = _load_escpos().Dummy()

    def style(*, bold: bool = False, big: bool = False, tall: bool = False,
              invert: bool = False) -> None:
        """Set every text attribute the ticket uses (nothing carries over)."""
        p.set(bold=bold, double_width=big, double_height=big or tall, invert=invert,
              normal_textsize=True)

    def say(text: object, *, bold: bool = False, big: bool = False, tall: bool = False,
            invert: bool = False) -> None:
        """Print centred wrapped text in a style (skipped when empty)."""
        room = (cols // 2 if big else cols) - (2 if invert else 0)
        lines = _wrap(ascii_text(text), room)
        if not lines:
            return
        style(bold=bold, big=big, tall=tall, invert=invert)
        if invert:  # a space either side makes the black band wider than the text
            lines = [f" {line} " for line in lines]
        p.text("\n".join(lines) + "\n")

    def pair(parts: tuple[str, str], *, bold: bool = False) -> None:
        """Print "head tail" on one line, or on two lines when too long."""
        head, tail = (ascii_text(part) for part in parts)
        joined = f"{head} {tail}".strip()
        if len(joined) <= cols:
            say(joined, bold=bold)
        else:
            say(head, bold=bold)
            say(tail, bold=bold)

    def rule(char: str) -> None:
        """Print a full-width line of `char`."""
        style()
        p.text(char * cols + "\n")

    p.hw("INIT")
    p.set(align="center")
    say(slip.pemerintah, bold=True)
    say(slip.dinas, bold=True, tall=True)
    say(slip.alamat)
    rule("-")
    say("NOMOR ANTREAN")
    code = ascii_text(slip.code) or "-"
    say(code, bold=True, big=len(code) <= cols // 2, tall=True)
    say(slip.priority_label, bold=True, invert=True)
    say(slip.service_name, bold=True)
    say(slip.line_name)
    pair(issued_parts(slip))
    pair(ahead_parts(slip.waiting_ahead), bold=True)
    pair(wait_parts(slip.estimated_wait_min))
    free = [ascii_text(part) for part in clean(slip.free_text).split("\n")]
    rule("=" if any(free) else "-")
    if any(free):
        for part in free:
            say(part, bold=True, tall=True)
        rule("=")
    for part in clean(slip.footer).split("\n"):
        say(part)
    style()
    p.cut()
    return bytes(p.output)


def print_ticket_escpos(target: str, slip: TicketSlip, *, width_mm: int = 80,
                        timeout: float = 10.0) -> None:
    """Print a ticket on an ESC/POS printer.

    Args:
        target: The printer, e.g. "escpos:net:192.168.1.50" (see module docs).
        slip: What the ticket shows.
        width_mm: The roll width, 58 or 80.
        timeout: Seconds to wait for a network or USB printer.

    Raises:
        PrinterTargetError: When the target is malformed.
        TicketPrinterError: When python-escpos (or pyusb/pyserial for that
            kind of printer) is missing or the printer cannot be reached.
        ValueError: For a width other than 58 or 80.
    """
    kind, args = parse_target(target)
    data = ticket_escpos_bytes(slip, width_mm=width_mm)
    printer = _load_escpos()
    from escpos.exceptions import (
        Error as EscposError,  # optional dependency, imported lazily
    )

    where = str(target).strip()
    device = None
    try:
        if kind == "net":
            device = printer.Network(timeout=timeout, **args)
        elif kind == "usb":
            device = printer.Usb(timeout=int(timeout * 1000), **args)
        elif kind == "serial":
            device = printer.Serial(**args)
        else:
            device = printer.File(**args)
        device.open()
        device._raw(data)  # the whole ticket in one write (python-escpos's raw channel)
    except RuntimeError as exc:  # python-escpos's way of saying pyusb/pyserial is missing
        extra = "pyusb" if kind == "usb" else "pyserial"
        raise TicketPrinterError(
            f"Printer {where} butuh pustaka {extra}: pip install {extra}") from exc
    except (EscposError, OSError) as exc:
        raise TicketPrinterError(
            f"Tiket tidak dapat dicetak ke {where}: printer tidak dapat dihubungi "
            f"atau menolak data ({exc})") from exc
    finally:
        if device is not None:
            try:
                device.close()
            except (EscposError, OSError):
                pass
