"""An 80x24 tmux terminal running one command, read and typed into as a person would."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

TMUX = shutil.which("tmux") or "tmux"


class Terminal:
    """An 80x24 tmux terminal (own server socket) running one command."""

    def __init__(self, tmp: Path, command: list[str]):
        self.sock = f"desk-ssh-{uuid.uuid4().hex[:8]}"
        conf = tmp / "tmux.conf"
        conf.write_text("set -g status off\nset -g remain-on-exit on\nset -s escape-time 0\n")
        self.tmux("-f", str(conf), "new-session", "-d", "-x", "80", "-y", "24",
                  "exec " + " ".join(subprocess.list2cmdline([part]) for part in command))

    def tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-L", self.sock, *args], check=True, capture_output=True,
                              text=True, timeout=20).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def wait_for(self, *texts: str, timeout: float = 40) -> str:
        """The screen once every text is on it (a person waiting for what they expect)."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if all(text in shown for text in texts):
                return shown
            assert time.monotonic() < deadline, f"waited for {texts}; the screen shows:\n{shown}"
            time.sleep(0.2)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def pane(self, fmt: str) -> str:
        return self.tmux("display-message", "-p", fmt).strip()

    def wait_dead(self, timeout: float = 20) -> int:
        """The exit status of the command once it ended."""
        deadline = time.monotonic() + timeout
        while self.pane("#{pane_dead}") != "1":
            assert time.monotonic() < deadline, f"the session did not end:\n{self.screen()}"
            time.sleep(0.2)
        return int(self.pane("#{pane_dead_status}") or 0)

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.sock, "kill-server"], capture_output=True, timeout=20,
                       check=False)
