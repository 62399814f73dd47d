"""SIGTERM (an administrator's kill, a service stop, a shutdown) ends the desk, the board and
the kiosk the way their quit key would: the terminal is given back, not left on the alternate
screen with mouse reporting on (an ssh client then prints escape codes for every mouse move).

Each runs as the real command in an 80x24 tmux terminal, under a shell that stays to be looked
at afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tmuxterm import Terminal

DESK = shutil.which("desk", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(not (DESK and shutil.which("tmux")), reason="needs tmux and the desk command")

APPS = {
    "desk": ([], "Kata sandi"),
    "papan": (["papan", "--tanpa-suara"], "menunggu"),
    "anjungan": (["anjungan"], "SILAKAN PILIH LAYANAN"),
}


def _pid_of(marker: str) -> int:
    """The desk process whose command line holds ``marker``."""
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, check=False).stdout
    pids = [int(p) for p in out.split() if int(p) != os.getpid()]
    for pid in pids:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if any(part.endswith(b"python") or part.endswith(b"python3") or part.endswith(b"/desk") for part in cmdline[:2]):
            return pid
    raise AssertionError(f"no desk process for {marker}")


@pytest.mark.parametrize("app", list(APPS))
def test_sigterm_gives_the_terminal_back(tmp_path, db_url, app):
    args, shows = APPS[app]
    config = tmp_path / "desk.toml"
    config.write_text('[antrean]\nkunci_anjungan = "2468"\n\n[suara]\nmesin = "mati"\n', encoding="utf-8")
    desk = [DESK, "--db", db_url, "--config", str(config), "--data-dir", str(tmp_path), *args]
    script = " ".join(subprocess.list2cmdline([part]) for part in desk) + '; echo "SELESAI $?"; exec sleep 600'
    term = Terminal(tmp_path, ["sh", "-c", script])
    try:
        term.wait_for(shows)
        assert term.pane("#{alternate_on}") == "1"
        pid = _pid_of(str(tmp_path))
        os.kill(pid, signal.SIGTERM)
        term.wait_for("SELESAI")
        deadline = time.monotonic() + 10
        while term.pane("#{alternate_on}") != "0" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert term.pane("#{alternate_on}") == "0"  # the shell's screen again
        assert term.pane("#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}") == "000"
        assert "SELESAI 0" in term.screen()
    finally:
        term.close()
