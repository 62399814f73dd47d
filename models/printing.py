"""Sending a PDF to the office's printer (``print_command``), always outside any transaction."""

from __future__ import annotations

import dataclasses
import subprocess

from models.dto import DocumentInfo
from models.settings import OfficeSettings

#: Seconds a print command may take.
PRINT_TIMEOUT = 30


def send(settings: OfficeSettings, document: DocumentInfo, command: str | None = None) -> DocumentInfo:
    """Print ``document`` when a print command is configured; say how it went.

    Args:
        command: A command to use instead of ``print_command`` (the ticket printer's).

    Returns:
        The document with ``printed`` or ``print_error`` set (unchanged without a command).
    """
    command = (settings.print_command if command is None else command).strip()
    if not command:
        return document
    import shlex  # a desk that never prints does not load it

    args = shlex.split(command)
    args = [a.replace("{file}", document.path) for a in args] if "{file}" in command else [*args, document.path]
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=PRINT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return dataclasses.replace(document, print_error=f"Gagal mencetak ({args[0]}): {exc}")
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[-1] if detail else result.returncode
        return dataclasses.replace(document, print_error=f"Gagal mencetak ({args[0]}): {reason}")
    return dataclasses.replace(document, printed=True)


def send_ticket(settings: OfficeSettings, document: DocumentInfo, slip: object) -> DocumentInfo:
    """Print a ticket: to the ESC/POS printer or the command in ``ticket_printer``, else as any
    document (``print_command``)."""
    target = settings.ticket_printer.strip()
    if not target:
        return send(settings, document)
    from output import escpos

    if not escpos.is_escpos_target(target):
        return send(settings, document, command=target)
    try:
        escpos.print_ticket_escpos(target, slip, width_mm=settings.ticket_width)  # type: ignore[arg-type]
    except escpos.TicketPrinterError as exc:
        return dataclasses.replace(document, print_error=str(exc))
    return dataclasses.replace(document, printed=True)
