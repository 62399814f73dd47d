"""An idle desk draws nothing: the real `desk` command in a terminal, signed in, on the queue
screen, writes no bytes to its terminal while nothing changes; a ticket taken at another desk
is drawn at once. (CPU use is measured by bench/idle.py.)"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DESK = shutil.which("desk", path=str(Path(sys.executable).parent))


def _read(fd: int, seconds: float) -> bytes:
    """Everything the terminal receives within ``seconds``."""
    out = b""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


def _until(fd: int, text: bytes, seconds: float) -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while text not in out and time.monotonic() < deadline:
        out += _read(fd, 0.1)
    assert text in out, out[-400:]
    return out


def _quiet(fd: int, seconds: float = 1.0, limit: float = 15) -> None:
    """Wait until the screen stops changing."""
    deadline = time.monotonic() + limit
    while _read(fd, seconds) and time.monotonic() < deadline:
        pass


@pytest.mark.skipif(DESK is None, reason="the desk command is not installed")
def test_an_idle_desk_writes_nothing_to_its_terminal(tmp_path, config):
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24", DESK_DB=config.db_url,
               DESK_DATA_DIR=str(tmp_path), HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    subprocess.run([DESK, "demo", "--siapkan-saja"], env=env, check=True, capture_output=True, timeout=120)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the desk in an 80x24 terminal
        os.execve(DESK, [DESK], env)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        _until(fd, b"Kata sandi", 60)
        _quiet(fd)
        assert _read(fd, 2.0) == b""  # the login form waits without a blinking cursor
        os.write(fd, b"petugas\r")
        time.sleep(0.3)
        os.write(fd, b"petugas123\r")
        _until(fd, b"Ambil tiket", 30)
        _quiet(fd)
        assert _read(fd, 3.0) == b""  # signed in, nothing changes: nothing is drawn
        # another desk takes a ticket: the queue draws it without a key press
        other = ("import os; from desk.config import load_config; from desk.wiring import make_service; "
                 "s = make_service(load_config()); s.open(); s.issue_ticket(s.principal('kiosk'), 'VETERAN')")
        subprocess.run([sys.executable, "-c", other], env=env, check=True, capture_output=True, timeout=60)
        drawn = _read(fd, 2.0)
        assert b"I-001" in drawn
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
