"""Give memory a desk no longer uses back to the operating system.

Loading the domain (and, without compiled bytecode, compiling it) allocates and frees many
megabytes; glibc keeps the freed pages in the process. On a central server running one desk
per branch operator over SSH those pages add up, so a desk returns them once it has loaded
what it keeps: after the database is open and after the first queue is shown (README
"Benchmarks": bench/startup.py measures memory at login and on the queue).
"""

from __future__ import annotations

import ctypes
import gc
import sys

_trim = None

#: mallopt's parameter for the number of malloc arenas (glibc's malloc.h M_ARENA_MAX).
M_ARENA_MAX = -8


def one_malloc_arena() -> None:
    """Let all threads allocate from one glibc arena (call first thing, before any thread).

    glibc gives each thread that allocates (a desk's workers, its event listener, Textual's
    input and output threads) an arena of its own, whose freed pages stay with it: 0.4 MiB
    more per desk on the queue screen (bench/startup.py). The threads take Python's lock
    to allocate anyway, so sharing one arena costs no waiting worth measuring.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 1)
        except (OSError, AttributeError):  # not glibc
            pass


def release_free_memory() -> None:
    """Collect garbage, then hand freed heap pages back (glibc's malloc_trim; elsewhere only
    the collection). Takes a few milliseconds; call it from a worker thread at a quiet moment."""
    global _trim
    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    if _trim is None:
        try:
            _trim = ctypes.CDLL("libc.so.6").malloc_trim  # (find_library would run ldconfig)
        except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to trim
            _trim = False
    if _trim:
        _trim(0)
