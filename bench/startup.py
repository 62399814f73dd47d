"""Startup benchmark: time from launch to the first usable screen, against a minimal Textual app.

Usage:  .venv/bin/python bench/startup.py [--runs 5]

Each run starts a fresh Python process (as a user starting `desk` does) and stops the clock when
the login screen is shown and ready for typing (for desk) or when a one-label app has mounted (the
baseline). The database is a prepared SQLite file in a temp folder (schema current, demo staff),
so the figure is a normal morning start, not the first-ever start. Prints the medians and the
ratio desk / minimal. Target: ratio below 4 (see README "Benchmarks").
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD_MINIMAL = """
import sys, time
from textual.app import App
from textual.widgets import Label

class Minimal(App):
    def compose(self):
        yield Label("siap")

async def ready(pilot):
    await pilot.pause()
    print(time.time(), flush=True)
    pilot.app.exit()

Minimal().run(headless=True, size=(80, 24), auto_pilot=ready)
"""

CHILD_DESK = """
import asyncio, sys, time
from desk.app import create_app
from desk.config import load_config
from desk.wiring import make_service
from screens.login import LoginScreen

config = load_config(db=sys.argv[1], data_dir=sys.argv[2])
app = create_app(make_service(config))

async def ready(pilot):
    while not isinstance(pilot.app.screen, LoginScreen):
        await asyncio.sleep(0.002)
    await pilot.pause()
    print(time.time(), flush=True)
    pilot.app.exit()

app.run(headless=True, size=(80, 24), auto_pilot=ready)
"""


def run_once(code: str, *args: str) -> float:
    """Start a child process and return seconds from spawn to its ready line."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=120)
    ready = float(out.stdout.strip().splitlines()[-1])
    return ready - start


def main() -> None:
    """Run the benchmark and print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'desk.db'}"
        subprocess.run([sys.executable, "-m", "desk", "--db", db, "--data-dir", tmp, "demo", "--siapkan-saja"],
                       cwd=ROOT, check=True, capture_output=True)
        run_once(CHILD_MINIMAL)  # warm the file cache for both
        run_once(CHILD_DESK, db, tmp)
        minimal = [run_once(CHILD_MINIMAL) for _ in range(args.runs)]
        desk = [run_once(CHILD_DESK, db, tmp) for _ in range(args.runs)]
    m, d = statistics.median(minimal), statistics.median(desk)
    print(f"minimal Textual app : median {m * 1000:7.0f} ms  ({', '.join(f'{x * 1000:.0f}' for x in minimal)})")
    print(f"desk (login ready)  : median {d * 1000:7.0f} ms  ({', '.join(f'{x * 1000:.0f}' for x in desk)})")
    print(f"ratio desk/minimal  : {d / m:.2f}")


if __name__ == "__main__":
    main()
