"""Idle benchmark: what a desk nobody is typing at costs, against a minimal Textual app.

Usage:  .venv/bin/python bench/idle.py [--seconds 10] [--rounds 3] [--settle 2] [--db URL]

The real ``desk`` command runs from a fresh process in a pseudo-terminal (80x24,
TERM=xterm-256color), as over SSH, on a prepared demo database (``desk demo --siapkan-saja``).
It is measured twice per run: at the login screen (before signing in), then signed in as
petugas / petugas123 on the queue screen (footer "Ambil tiket"). Each time the bench waits until
the terminal has been quiet for a second, lets it settle ``--settle`` seconds more (start-up work
such as the background warm-up ends), then measures for ``--seconds``:

- CPU: utime + stime of the process (all its threads, /proc/<pid>/stat) over the window, divided
  by the wall time: percent of one core;
- bytes written to the terminal per second.

Its floor is measured the same way in the same run: a one-Label Textual app started with
``python -c`` in the same kind of terminal. Desk and minimal alternate for ``--rounds`` rounds;
the medians are printed.

The database: a fresh SQLite file in a temp folder by default; ``--db postgresql://...`` gets a
fresh schema ``bench_<random>`` (dropped at the end).

Target (issue 6): an idle desk draws nothing and writes nothing to the terminal when nothing
changes, at most ~1.5% of a core: for the login and the queue screen, 0 bytes written in every
window and median CPU <= 1.5%. Prints PASS/FAIL per target; exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import fresh_database  # noqa: E402

DESK = shutil.which("desk", path=str(Path(sys.executable).parent))
CPU_TARGET = 1.5  # percent of one core
CLK_TCK = os.sysconf("SC_CLK_TCK")

MINIMAL = """
from textual.app import App
from textual.widgets import Label

class Minimal(App):
    def compose(self):
        yield Label("siap")

Minimal().run()
"""


# -- a program in a pseudo-terminal ---------------------------------------------------------------


class Terminal:
    """A program running in an 80x24 pseudo-terminal; everything it writes is read (and
    counted) so that it never blocks on a full terminal."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: size its terminal before the program looks at it
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.seen = b""

    def read(self, seconds: float) -> bytes:
        """Everything the terminal receives within ``seconds``."""
        out = b""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
        self.seen = (self.seen + out)[-200_000:]
        return out

    def until(self, text: bytes, seconds: float) -> None:
        """Read until ``text`` has been written (raises after ``seconds``)."""
        out = b""
        deadline = time.monotonic() + seconds
        while text not in out and time.monotonic() < deadline:
            out += self.read(0.1)
        if text not in out:
            raise RuntimeError(f"{text!r} not shown within {seconds} s; last output: {out[-300:]!r}")

    def quiet(self, seconds: float = 1.0, limit: float = 15.0) -> None:
        """Wait until nothing has been written for ``seconds`` (at most ``limit`` seconds)."""
        deadline = time.monotonic() + limit
        while self.read(seconds) and time.monotonic() < deadline:
            pass

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far (all threads)."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def measure(self, seconds: float) -> tuple[float, float, int]:
        """Idle for ``seconds``: (CPU % of one core, bytes written per second, bytes written)."""
        cpu0, wall0 = self.cpu_seconds(), time.monotonic()
        written = len(self.read(seconds))
        cpu1, wall1 = self.cpu_seconds(), time.monotonic()
        wall = wall1 - wall0
        return 100 * (cpu1 - cpu0) / wall, written / wall, written

    def write(self, data: bytes) -> None:
        """Type ``data``."""
        os.write(self.fd, data)

    def close(self) -> None:
        """Kill the program (ours, by pid) and close the terminal."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


# -- the rounds --------------------------------------------------------------------------------


def measure_desk(env: dict[str, str], seconds: float, settle: float) -> dict[str, tuple[float, float, int]]:
    """One desk process: measured at the login screen, then signed in on the queue screen."""
    term = Terminal([DESK], env)
    try:
        term.until(b"Kata sandi", 60)
        term.quiet()
        term.read(settle)
        login = term.measure(seconds)
        term.write(b"petugas\r")
        term.read(0.3)
        term.write(b"petugas123\r")
        term.until(b"Ambil tiket", 30)
        term.quiet()
        term.read(settle)
        queue = term.measure(seconds)
        return {"login": login, "queue": queue}
    finally:
        term.close()


def measure_minimal(env: dict[str, str], seconds: float, settle: float) -> tuple[float, float, int]:
    """The one-Label Textual app, measured the same way."""
    term = Terminal([sys.executable, "-c", MINIMAL], env)
    try:
        term.until(b"siap", 60)
        term.quiet()
        term.read(settle)
        return term.measure(seconds)
    finally:
        term.close()


def main() -> int:
    """Alternate desk and minimal, print the medians; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each idle window")
    parser.add_argument("--rounds", type=int, default=3, help="desk / minimal pairs")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds after the screen is quiet")
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    if DESK is None:
        print("the desk command is not installed in this environment (pip install -e .)")
        return 1
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as tmpdir, fresh_database(args.db, Path(tmpdir)) as url:
        tmp = Path(tmpdir)
        env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24", DESK_DB=url,
                   DESK_DATA_DIR=str(tmp), HOME=str(tmp), XDG_CONFIG_HOME=str(tmp / "cfg"))
        env.pop("TEXTUAL", None)
        subprocess.run([DESK, "demo", "--siapkan-saja"], env=env, check=True, capture_output=True, timeout=300)
        print(f"idle windows of {args.seconds:g} s, {args.rounds} rounds, 80x24 pty, "
              f"database {url.split('?')[0]}", flush=True)
        rows: dict[str, list[tuple[float, float, int]]] = {"login": [], "queue": [], "minimal": []}
        for r in range(1, args.rounds + 1):
            desk = measure_desk(env, args.seconds, args.settle)
            rows["login"].append(desk["login"])
            rows["queue"].append(desk["queue"])
            rows["minimal"].append(measure_minimal(env, args.seconds, args.settle))
            print(f"round {r}: " + "; ".join(f"{name} {cpu:.2f}% {rate:.0f} B/s"
                                             for name, (cpu, rate, _) in
                                             ((k, v[-1]) for k, v in rows.items())), flush=True)

    labels = {"login": "desk, login screen", "queue": "desk, queue (signed in)", "minimal": "minimal Textual app"}
    print(f"{'':<26} {'CPU % (median)':>15} {'B/s (median)':>13} {'bytes (max)':>12}")
    for name, values in rows.items():
        print(f"{labels[name]:<26} {statistics.median(v[0] for v in values):>15.2f} "
              f"{statistics.median(v[1] for v in values):>13.1f} {max(v[2] for v in values):>12}")
    floor = statistics.median(v[0] for v in rows["minimal"])
    failed = False
    for name in ("login", "queue"):
        cpu = statistics.median(v[0] for v in rows[name])
        written = max(v[2] for v in rows[name])
        ok_cpu, ok_bytes = cpu <= CPU_TARGET, written == 0
        failed |= not (ok_cpu and ok_bytes)
        print(f"{labels[name]:<26} CPU {cpu:.2f}% (floor {floor:.2f}%)  target <= {CPU_TARGET}%  "
              f"{'PASS' if ok_cpu else 'FAIL'}")
        print(f"{labels[name]:<26} bytes written {written}  target 0  {'PASS' if ok_bytes else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
