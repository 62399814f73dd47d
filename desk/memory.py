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
