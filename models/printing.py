"""Sending a PDF to the office's printer (``print_command``), always outside any transaction."""

from __future__ import annotations

import dataclasses
import shlex
import subprocess

from models.dto import DocumentInfo
from models.settings import OfficeSettings

#: Seconds a print command may take.
PRINT_TIMEOUT = 30


def send(settings: OfficeSettings, document: DocumentInfo) -> DocumentInfo:
    """Print ``document`` when a print command is configured; say how it went.

    Returns:
        The document with ``printed`` or ``print_error`` set (unchanged without a command).
    """
    command = settings.print_command.strip()
    if not command:
        return document
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
