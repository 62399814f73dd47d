"""The [suara] settings of desk.toml: which engine, how often, which player.

Apart from output.voice (the engine, the chime, the players) so that every desk, which reads
the configuration, does not load the board's sound code to know its settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

ENGINES = ("espeak", "rekaman", "mati")


def _argv(command: str) -> list[str] | None:
    """A player command split as a shell would, or None when it cannot be."""
    import shlex

    try:
        return shlex.split(command)
    except ValueError:
        return None


_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "engine": (lambda x: x in ENGINES, f"harus salah satu dari {', '.join(ENGINES)}"),
    "repeat": (lambda x: type(x) is int and 1 <= x <= 5, "harus bilangan bulat 1 sampai 5"),
    "chime": (lambda x: type(x) is bool, "harus true atau false"),
    "clips_dir": (lambda x: type(x) is str, "harus teks (folder rekaman)"),
    "speed": (lambda x: type(x) is int and 80 <= x <= 450, "harus bilangan bulat 80 sampai 450"),
    "voice": (lambda x: type(x) is str and bool(re.fullmatch(r"[\w+/-]{1,40}", x)), "harus nama suara (contoh: id)"),
    "player": (lambda x: type(x) is str and _argv(x) is not None, "harus perintah pemutar yang sah"),
}


@dataclass(frozen=True)
class VoiceSettings:
    """The [suara] section of the configuration file."""

    engine: str = "espeak"
    repeat: int = 1
    chime: bool = True
    clips_dir: str = ""
    speed: int = 150
    voice: str = "id"
    player: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, object] | None) -> VoiceSettings:
        """Settings from the parsed TOML table; ValueError (in Indonesian) for a bad key or value."""
        values = dict(values or {})
        for key, value in values.items():
            if key not in _CHECKS:
                raise ValueError(f"[suara].{key}: kunci tidak dikenal (yang dikenal: {', '.join(_CHECKS)})")
            if not _CHECKS[key][0](value):
                raise ValueError(f"[suara].{key}: {_CHECKS[key][1]}")
        if values.get("engine") == "rekaman" and not str(values.get("clips_dir", "")).strip():
            raise ValueError('[suara].clips_dir: wajib diisi bila engine = "rekaman"')
        return cls(**values)  # type: ignore[arg-type]
