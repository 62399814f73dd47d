"""Startup benchmark: the real `desk` command against a minimal Textual app, as over SSH.

Usage:  .venv/bin/python bench/startup.py [--runs 10] [--pass cold|warm|both] [--no-queue]

Each run is a fresh process in its own pseudo-terminal of 80x24 with TERM=xterm-256color, the
way sshd gives one to `ssh -t`: `.venv/bin/desk --db <file> --data-dir <dir>` on a database
prepared once before timing (`desk demo --siapkan-saja`: schema, demo staff, three waiting
tickets), and the floor, a minimal Textual app with one focused Input started the same way.
The two run interleaved (minimal, desk, minimal, desk ...), N runs each, in two passes:

- cold: no compiled bytecode at all (PYTHONDONTWRITEBYTECODE=1 and an empty
  PYTHONPYCACHEPREFIX: every module is compiled from source, as after an install that wrote
  no .pyc);
- warm: .pyc files in place (one untimed run of each first writes them).

"Ready for typing": the screen (parsed with pyte) shows the input field's placeholder, then a
key is sent and the clock stops when the field echoes it: the time a person waits before what
they type lands. Then memory, from /proc/PID/smaps_rollup (RSS and PSS): at login once the
process has settled (at least 2 s after ready, past desk's background warm-up, until RSS stops
changing), and for desk also on the queue after signing in as petugas (the queue's ticket
list shown, settled the same way), both against the minimal app's settled figure.

Targets (issue 11): ready within 1.5x the minimal app's time (median), at most 1.5x its
memory at login and on the queue (median RSS, as the issue measured it; PSS, which shares
out the pages of libraries other processes map too, is printed beside it). Prints PASS/FAIL
per line; exits 1 when any target of the measured passes is missed. Needs pyte
(`pip install -e .[bench]`).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    import pyte
except ImportError:  # pragma: no cover - bench-only dependency
    sys.exit("bench/startup.py needs pyte: .venv/bin/pip install -e '.[bench]'")

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COLS, ROWS = 80, 24

#: Time target and memory target (ratio desk / minimal).
TIME_TARGET = 1.5
MEMORY_TARGET = 1.5

#: The floor: the least a Textual app that takes typing does (one focused Input).
MINIMAL = """
from textual.app import App
from textual.widgets import Input

class Minimal(App):
    def compose(self):
        yield Input(placeholder="mis. petugas", id="nama")

    def on_mount(self):
        self.query_one(Input).focus()

Minimal().run()
"""

#: What the login field shows before typing (desk's username placeholder; the minimal app's too).
PLACEHOLDER = "mis. petugas"
#: The key typed to see the field take it (the first letter of the username signed in with).
PROBE = "p"
#: The queue screen with its tickets read: "Rina Wulandari · Loket 1 · 3 menunggu".
QUEUE_READY = re.compile(r"\d+ menunggu")


@dataclass
class Run:
    """One run's figures (seconds, MiB)."""

    shown: float = 0.0
    ready: float = 0.0
    cpu: float = 0.0
    rss_login: float = 0.0
    pss_login: float = 0.0
    rss_queue: float = 0.0
    pss_queue: float = 0.0
    resent: int = 0


@dataclass
class Series:
    """The runs of one app in one pass."""

    runs: list[Run] = field(default_factory=list)

    def values(self, name: str) -> list[float]:
        return [getattr(r, name) for r in self.runs if getattr(r, name)]


class Terminal:
    """A child process in a pseudo-terminal of 80x24, its screen parsed by pyte."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.master = master
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                     start_new_session=True, preexec_fn=_controlling_tty, close_fds=True)
        os.close(slave)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def lines(self) -> list[str]:
        return self.screen.display

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, seconds: float, *, first: bool = False) -> None:
        """Read and parse whatever the child writes for up to ``seconds`` (``first``: return
        after the first read, so a waiting caller looks at the screen as soon as it changes)."""
        end = time.perf_counter() + seconds
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                return
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                return
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the child closed the terminal
                raise RuntimeError(f"the program ended (code {self.proc.poll()}):\n{self.text()}") from None
            if not data:
                raise RuntimeError(f"the program ended:\n{self.text()}")
            self.stream.feed(data)
            self._answer(data)
            if first:
                return

    def _answer(self, data: bytes) -> None:
        """Answer the cursor-position query as a terminal does (Textual asks at start)."""
        if b"\x1b[6n" in data:
            os.write(self.master, f"\x1b[{self.screen.cursor.y + 1};{self.screen.cursor.x + 1}R".encode())

    def wait_for(self, found, timeout: float, what: str) -> float:
        """Pump until ``found(self)`` holds; return the elapsed seconds since spawn. The screen
        is looked at after every read, so the figure is when the output arrived (not rounded
        up to a polling step)."""
        end = time.perf_counter() + timeout
        while not found(self):
            if time.perf_counter() > end:
                raise RuntimeError(f"timed out waiting for {what}; the screen:\n{self.text()}")
            self.pump(0.05, first=True)
        return self.elapsed

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def cpu(self) -> float:
        """CPU seconds the child used so far (all its threads; user + system)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory(self) -> tuple[float, float]:
        """RSS and PSS of the child in MiB."""
        values = {}
        with open(f"/proc/{self.proc.pid}/smaps_rollup") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("Rss", "Pss"):
                    values[key] = int(rest.split()[0]) / 1024
        return values["Rss"], values["Pss"]

    def settled_memory(self, at_least: float = 2.0, limit: float = 15.0) -> tuple[float, float]:
        """Memory once the process is quiet: after ``at_least`` seconds, when RSS held within
        0.1 MiB over three half-second samples (up to ``limit`` seconds)."""
        self.pump(at_least)
        end = time.perf_counter() + limit
        history = [self.memory()[0]]
        while time.perf_counter() < end:
            self.pump(0.5)
            history.append(self.memory()[0])
            if len(history) >= 3 and max(history[-3:]) - min(history[-3:]) < 0.1:
                break
        return self.memory()

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.master)


def _controlling_tty() -> None:
    """In the child (a new session): make its terminal the controlling one, as sshd does."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _field_row(term: Terminal) -> int | None:
    for i, line in enumerate(term.lines()):
        if PLACEHOLDER in line:
            return i
    return None


def measure(argv: list[str], env: dict[str, str], *, queue: bool) -> Run:
    """One run: spawn, time to the field shown and to the typed key echoed, memory settled at
    login, then (``queue``) sign in as petugas and take memory on the queue."""
    run = Run()
    term = Terminal(argv, env)
    try:
        run.shown = term.wait_for(lambda t: _field_row(t) is not None, 60, "the input field")
        row = _field_row(term)
        term.send(PROBE)
        resend_at = term.elapsed + 3.0

        def echoed(t: Terminal) -> bool:
            nonlocal resend_at
            line = t.lines()[row]
            if PLACEHOLDER not in line and PROBE in line:
                return True
            if t.elapsed > resend_at:  # the key was lost: the field did not take typing yet
                run.resent += 1
                resend_at = t.elapsed + 3.0
                t.send(PROBE)
            return False

        run.ready = term.wait_for(echoed, 30, "the typed key")
        run.cpu = term.cpu()
        run.rss_login, run.pss_login = term.settled_memory()
        if queue:
            if "pp" in term.lines()[row]:
                raise RuntimeError("a key sent again arrived twice")
            for keys in ("etugas", "\t", "petugas123", "\r"):  # as typed, not one pasted burst
                term.send(keys)
                term.pump(0.1)
            term.wait_for(lambda t: QUEUE_READY.search(t.text()) is not None, 60, "the queue")
            run.rss_queue, run.pss_queue = term.settled_memory()
    finally:
        term.close()
    return run


def child_env(cold: bool, prefix: str) -> dict[str, str]:
    """The environment of an SSH session's command: the same for both apps."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "PYTHON", "DESK_", "COLUMNS", "LINES", "TMUX"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG=env.get("LANG", "C.UTF-8"))
    if cold:
        env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=prefix)
    return env


def prepare(tmp: Path) -> list[str]:
    """Prepare the database once (schema, demo staff and tickets); return desk's command."""
    db = f"sqlite:///{tmp / 'desk.db'}"
    subprocess.run([str(BIN / "desk"), "--db", db, "--data-dir", str(tmp), "demo", "--siapkan-saja"],
                   cwd=ROOT, check=True, capture_output=True, env=child_env(False, ""))
    return [str(BIN / "desk"), "--db", db, "--data-dir", str(tmp)]


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, minimal: Series, desk: Series, queue: bool) -> bool:
    """Print one pass's figures and verdicts; return whether all targets hold."""
    ok = True

    def verdict(ratio: float, target: float) -> str:
        nonlocal ok
        good = ratio <= target
        ok = ok and good
        return f"{'PASS' if good else 'FAIL'} (target <= {target}x)"

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:5.0f} ms  p90 {quantile(values, 0.9) * 1000:5.0f} ms"

    print(f"\n== {name} ({len(desk.runs)} runs each, interleaved)")
    for label, attr in (("field shown", "shown"), ("ready (key echoed)", "ready"), ("CPU used by then", "cpu")):
        m, d = minimal.values(attr), desk.values(attr)
        print(f"  {label:18} minimal {ms(m)} | desk {ms(d)}")
    m, d = statistics.median(minimal.values("ready")), statistics.median(desk.values("ready"))
    print(f"  time ratio         {d / m:.2f}x  {verdict(d / m, TIME_TARGET)}")
    lost = sum(r.resent for r in desk.runs + minimal.runs)
    if lost:
        print(f"  keys lost before the field took typing: {lost} (sent again after 3 s)")
    base_rss, base_pss = statistics.median(minimal.values("rss_login")), statistics.median(minimal.values("pss_login"))
    print(f"  minimal app        RSS {base_rss:5.1f} MiB  PSS {base_pss:5.1f} MiB")
    points = [("login", "login")] + ([("queue", "queue")] if queue else [])
    for label, suffix in points:
        rss = statistics.median(desk.values(f"rss_{suffix}"))
        pss = statistics.median(desk.values(f"pss_{suffix}"))
        print(f"  desk at {label:10} RSS {rss:5.1f} MiB  PSS {pss:5.1f} MiB  "
              f"ratio RSS {rss / base_rss:.2f}x PSS {pss / base_pss:.2f}x  {verdict(rss / base_rss, MEMORY_TARGET)}")
    return ok


def main() -> None:
    """Run the benchmark, print the figures, exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each app per pass (default 10)")
    parser.add_argument("--pass", dest="passes", choices=("cold", "warm", "both"), default="both")
    parser.add_argument("--no-queue", action="store_true", help="skip signing in (no queue memory)")
    args = parser.parse_args()
    queue = not args.no_queue
    minimal_argv = [sys.executable, "-c", MINIMAL]
    passes = ["cold", "warm"] if args.passes == "both" else [args.passes]
    ok = True
    with tempfile.TemporaryDirectory(prefix="desk-startup-") as tmp_name:
        tmp = Path(tmp_name)
        desk_argv = prepare(tmp)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; "
              f"terminal {COLS}x{ROWS} TERM=xterm-256color; database {desk_argv[2]}")
        for name in passes:
            cold = name == "cold"
            prefix = tempfile.mkdtemp(prefix="pycache-", dir=tmp)
            env = child_env(cold, prefix)
            # untimed: writes the .pyc files for the warm pass, fills the file cache for both
            measure(minimal_argv, env, queue=False)
            measure(desk_argv, env, queue=False)
            minimal, desk = Series(), Series()
            for i in range(args.runs):
                minimal.runs.append(measure(minimal_argv, env, queue=False))
                desk.runs.append(measure(desk_argv, env, queue=queue))
                print(f"  {name} {i + 1}/{args.runs}: minimal {minimal.runs[-1].ready * 1000:.0f} ms, "
                      f"desk {desk.runs[-1].ready * 1000:.0f} ms", file=sys.stderr)
            if cold:
                assert not any(Path(prefix).rglob("*.pyc")), "the cold pass wrote bytecode"
            ok = report(f"{name}: {'no .pyc, compiled from source' if cold else '.pyc in place'}",
                        minimal, desk, queue) and ok
    print(f"\n{'PASS' if ok else 'FAIL'}: targets time <= {TIME_TARGET}x, memory (RSS) <= {MEMORY_TARGET}x at login"
          + (" and on the queue" if queue else ""))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
