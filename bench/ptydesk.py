"""A real desk in an 80x24 pseudo-terminal, read as a person reads it (for bench/sessions.py).

The bench is the desk's terminal: it reads everything the desk writes (so the desk never blocks
on a full terminal), drops the escape sequences (cursor moves become line breaks) and waits for
text a person would look for, timing it from the keys typed.
"""

from __future__ import annotations

import asyncio
import codecs
import fcntl
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections import defaultdict
from pathlib import Path

DESK = shutil.which("desk", path=str(Path(sys.executable).parent))
CLK_TCK = os.sysconf("SC_CLK_TCK")
TAIL = 20000  # characters of plain text kept per session, for reports

#: Escape sequences: CSI (cursor moves become a line break), OSC, DCS, and two-byte ones.
ESC_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|[ -/]*[0-OQ-Z\\^-~])")
#: What a person would read as something gone wrong.
ERROR_RE = re.compile(r"Traceback|Terjadi kesalahan|Tidak berhasil|tidak terduga|tidak dapat dibuka|"
                      r"\b[A-Z][a-z]+Error\b|[Tt]erputus|Tidak ada antrean")


def _plain(match: re.Match) -> str:
    return "\n" if match.group().endswith(("H", "f")) and match.group().startswith("\x1b[") else ""


class ScreenError(Exception):
    """A session did not show what it should have."""


# -- one desk in a pseudo-terminal ---------------------------------------------------------------


class Session:
    """A desk process in an 80x24 pseudo-terminal, read by the event loop as it writes.

    The output is turned into plain text (escape sequences dropped, cursor moves as line
    breaks); ``expect`` waits for a pattern in the text written after a mark.
    """

    def __init__(self, no: int, env: dict[str, str], loop: asyncio.AbstractEventLoop,
                 transcript: Path | None = None) -> None:
        self.no = no
        #: Everything the desk wrote, as plain text with the time it came (for --transcripts).
        self.transcript = transcript.open("w", encoding="utf-8") if transcript else None
        self.loop = loop
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: size its terminal before the program looks at it
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
                os.execve(DESK, [DESK], env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.set_blocking(self.fd, False)
        self.started = time.perf_counter()
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.held = ""
        self.text = ""  # plain text written since the last mark
        self.tail = ""  # the last few thousand characters, for reports
        self.stacks = ""  # the desk's threads when a step timed out (py-spy dump)
        self.bytes_in = 0
        self.alive = True
        #: What went wrong, once per round and step: (round, step) -> messages (first first).
        self.errors: dict[tuple[int, str], list[str]] = {}
        self.round = 0
        self.doing = "start"
        self.waiter: tuple[re.Pattern, set[str], asyncio.Future] | None = None
        self.samples: dict[str, list[float]] = defaultdict(list)
        #: Wall-clock times the keys of each step were written (to match the audit rows).
        self.sent: dict[str, list[float]] = defaultdict(list)
        self.issued: list[str] = []
        self.called: list[str] = []
        self.finished: list[str] = []
        self.rounds_done = 0
        self.issue_unseen = 0  # issues whose "Tiket ... diambil" never showed
        loop.add_reader(self.fd, self._readable)

    # reading

    def _readable(self) -> None:
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        now = time.perf_counter()
        if not data:
            self.loop.remove_reader(self.fd)
            self.alive = False
            self._fail("exited", f"the desk process ended (exit status {self._exit_status()})")
            return
        self.bytes_in += len(data)
        s = self.held + self.decoder.decode(data)
        cut = s.rfind("\x1b")
        if cut != -1 and len(s) - cut < 512 and not ESC_RE.match(s, cut):
            s, self.held = s[:cut], s[cut:]  # an escape sequence cut in two: wait for the rest
        else:
            self.held = ""
        piece = ESC_RE.sub(_plain, s)
        if not piece:
            return
        seen = self.tail[-40:] + piece
        for m in ERROR_RE.finditer(seen):
            if m.end() > 40 or len(self.tail) < 40:
                self._fail(m.group(), f"{m.group()!r} on the screen: {self._around(seen, m.start())}")
        self.tail = (self.tail + piece)[-TAIL:]
        if self.transcript is not None:
            self.transcript.write(f"\n@{now - self.started:.3f}\n{piece}")
        self.text += piece
        if self.waiter is not None:
            pattern, exclude, future = self.waiter
            for m in pattern.finditer(self.text):
                if not m.groups() or m.group(1) not in exclude:
                    if not future.done():
                        future.set_result((now, m))
                    break

    def _around(self, text: str, at: int) -> str:
        """The words around ``at`` (frames and blocks left out)."""
        return " ".join(re.sub("[\u2500-\u259f]", " ", text[max(0, at - 60):at + 160]).split())

    def _exit_status(self) -> str:
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return "?"
        return str(os.waitstatus_to_exitcode(status)) if pid else "running"

    def _fail(self, key: str, message: str) -> None:
        """Record an error of the step being done (a message drawn again, or several words of
        one message, are one error) and end the wait for its result."""
        messages = self.errors.setdefault((self.round, self.doing), [])
        if not any(m.startswith(repr(key)) or m == message for m in messages):
            messages.append(message)
        if self.waiter is not None and not self.waiter[2].done():
            self.waiter[2].set_exception(ScreenError(message))
        if self.waiter is not None and not self.waiter[2].done():
            self.waiter[2].set_exception(ScreenError(message))

    # acting

    def mark(self) -> None:
        """Forget what was written so far: the next expect looks at what comes after."""
        self.text = ""

    def type(self, keys: str) -> float:
        """Write ``keys`` to the terminal (a person typing); returns the time written."""
        self.mark()
        if self.transcript is not None:
            self.transcript.write(f"\n@{time.perf_counter() - self.started:.3f} KEYS {keys!r}\n")
        os.write(self.fd, keys.encode())
        return time.perf_counter()

    async def expect(self, pattern: str, timeout: float, exclude: set[str] | None = None) -> tuple[float, re.Match]:
        """Wait for ``pattern`` in the text written since the mark (its first group, if any,
        not in ``exclude``). Returns (time seen, match)."""
        if not self.alive:
            raise ScreenError("the desk process has ended")
        future = self.loop.create_future()
        self.waiter = (re.compile(pattern), exclude or set(), future)
        self._readable_text_again()
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            self.stacks = self._stacks()
            raise ScreenError(f"{pattern!r} not shown within {timeout:g} s; screen: "
                              f"{' '.join(self.tail[-300:].split())}") from None
        finally:
            self.waiter = None

    def _stacks(self) -> str:
        """What every thread of the desk is doing (``py-spy dump``), for a step that never
        showed its result; "" without py-spy (``pip install py-spy``)."""
        spy = shutil.which("py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        if spy is None:
            return ""
        done = subprocess.run([spy, "dump", "--pid", str(self.pid)], capture_output=True, text=True,
                              timeout=30, check=False)
        return done.stdout + done.stderr

    def _readable_text_again(self) -> None:
        """Look at what was already written since the mark (a fast desk)."""
        pattern, exclude, future = self.waiter  # type: ignore[misc]
        for m in pattern.finditer(self.text):
            if not m.groups() or m.group(1) not in exclude:
                future.set_result((time.perf_counter(), m))
                return

    async def quiet(self, seconds: float, limit: float) -> None:
        """Wait until the desk has written something since the mark and then nothing for
        ``seconds`` (a screen that has settled), at most ``limit`` seconds."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            before = self.bytes_in
            await asyncio.sleep(seconds)
            if self.text and self.bytes_in == before:
                return
            if not self.alive:
                raise ScreenError("the desk process has ended")
        raise ScreenError(f"the screen did not settle within {limit:g} s")

    async def step(self, kind: str, keys: str, pattern: str, timeout: float,
                   exclude: set[str] | None = None) -> re.Match:
        """Type ``keys``, wait for ``pattern``, record the latency under ``kind``."""
        self.doing = kind
        self.sent[kind].append(time.time())
        sent = self.type(keys)
        seen, m = await self.expect(pattern, timeout, exclude)
        self.samples[kind].append((seen - sent) * 1000)
        return m

    # the process

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far (all its threads)."""
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def memory_kib(self) -> tuple[int, int]:
        """(RSS, PSS) in KiB from /proc/PID/smaps_rollup."""
        values = {"Rss:": 0, "Pss:": 0}
        try:
            with open(f"/proc/{self.pid}/smaps_rollup") as f:
                for line in f:
                    parts = line.split()
                    if parts and parts[0] in values:
                        values[parts[0]] = int(parts[1])
        except OSError:
            pass
        return values["Rss:"], values["Pss:"]

    def close(self) -> None:
        """End the desk (ours, by pid) and close its terminal."""
        if self.alive:
            self.loop.remove_reader(self.fd)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                try:
                    if os.waitpid(self.pid, os.WNOHANG)[0]:
                        break
                except ChildProcessError:
                    break
                time.sleep(0.05)
            else:
                continue
            break
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)
        if self.transcript is not None:
            self.transcript.close()
