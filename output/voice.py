"""Waiting-room voice call for the queue display board.

An announcement is one WAV (RATE Hz, mono, 16-bit): a soft "ding-dong" chime, then the call
("Nomor antrean, A, dua belas. Silakan menuju loket dua.") `repeat` times. Engines (`engine`):

* "espeak": espeak-ng (Debian package espeak-ng), voice "id". A prefix letter is written as a
  lone capital between commas, which the Indonesian voice says by its letter name (B "be", Q "ki",
  X "eks"; checked with `espeak-ng -v id -x`), with a better vowel than the spelled-out name.
* "rekaman": WAV clips (any PCM rate, width, channels) from `clips_dir`, joined with CLIP_GAP s of
  silence. Exact names: nomor_antrean.wav, silakan_menuju_loket.wav; per prefix letter a.wav ...
  z.wav, or its name from LETTER_NAMES (be.wav, ce.wav, ef.wav, ki.wav, eks.wav, zet.wav, ...);
  the number words (NUMBER_WORDS, as output.words.terbilang spells 0 to 999 999): nol satu dua
  tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh ratus seratus ribu
  seribu, each + ".wav". This engine does not say the counter name.
* "mati": sound off: no speech, and the Announcer plays nothing.

Playback: the first of PLAYERS on PATH, or the command of the `player` setting or of the
DESK_VOICE_PLAYER variable (the WAV path replaces "{file}", or is appended). Nothing runs at import.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import unicodedata
from array import array
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

from output.voicesettings import ENGINES, VoiceSettings, _argv
from output.words import terbilang

RATE = 22050         # Hz, mono, 16-bit: what espeak-ng writes
CHIME_SECONDS = 1.2
AFTER_CHIME = 0.25   # silence between the chime and the first call
REPEAT_PAUSE = 0.6   # silence between two calls
CLIP_GAP = 0.1       # silence between two recorded clips
ESPEAK_TIMEOUT = 30  # seconds
PLAYER_ENV = "DESK_VOICE_PLAYER"
LETTER_NAMES = dict(zip(string.ascii_uppercase, [
    "a", "be", "ce", "de", "e", "ef", "ge", "ha", "i", "je", "ka", "el", "em", "en", "o", "pe", "ki",
    "er", "es", "te", "u", "fe", "we", "eks", "ye", "zet"], strict=True))
NUMBER_WORDS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
                "sepuluh", "sebelas", "belas", "puluh", "ratus", "seratus", "ribu", "seribu")
PLAYERS = (("aplay", "-q"), ("paplay",), ("pw-play",),
           ("ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"), ("play", "-q"))
OFF = "Suara tidak aktif: "


class VoiceError(Exception):
    """The announcement cannot be made (message in Indonesian)."""


def _code_parts(code: str) -> list[tuple[str, str | int]]:
    """A ticket code as ("letter", "A") and ("number", 12) parts, in order."""
    plain = unicodedata.normalize("NFKD", str(code)).encode("ascii", "ignore").decode().upper()
    return [part for run in re.findall(r"[A-Z]+|[0-9]+", plain)
            for part in ([("number", int(run))] if run.isdigit() else [("letter", ch) for ch in run])]


def _clean_name(name: str) -> str:
    """A counter name fit to be spoken: no control or escape sequences, no markup, <= 40 chars."""
    text = re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]", " ", str(name or "")).replace("&", " dan ")
    text = " ".join("".join(ch if ch.isalnum() or ch in " .,'-" else " " for ch in text).split())
    if len(text) > 40:
        text = text[:41].rsplit(" ", 1)[0] if " " in text[:41] else text[:40]
    return text.strip(" .,'-")


def announcement_text(code: str, counter_no: int, counter_name: str = "") -> str:
    """The call as spoken, e.g. "Nomor antrean, A, dua belas. Silakan menuju loket dua."

    Leading zeros of the code are not read; the counter name (user data) is said after the
    number unless it is just "Loket N".
    """
    words = [terbilang(v) if kind == "number" else str(v) for kind, v in _code_parts(code)]
    text = "Nomor antrean, " + ", ".join(words) + "." if words else "Nomor antrean."
    text += f" Silakan menuju loket {terbilang(int(counter_no))}"
    name = _clean_name(counter_name)
    if name and not re.fullmatch(r"loket\s*\d*", name, re.IGNORECASE):
        text += f", {name}"
    return text + "."


def _silence(seconds: float) -> array:
    return array("h", bytes(2 * int(seconds * RATE)))


def chime_samples() -> array:
    """A soft two-tone "ding-dong" (E5 then C5, bell-like decay), CHIME_SECONDS long at RATE."""
    mix = [0.0] * (total := int(CHIME_SECONDS * RATE))
    for start, freq in ((0.0, 659.25), (0.45, 523.25)):
        first, w = int(start * RATE), 2 * math.pi * freq / RATE
        for i in range(total - first):
            env = min(1.0, i / (0.006 * RATE)) * math.exp(-4.5 * i / RATE)
            mix[first + i] += env * (math.sin(w * i) + 0.2 * math.sin(2 * w * i))
    fade, scale = 0.05 * RATE, 0.3 * 32767 / max(abs(v) for v in mix)
    return array("h", (int(v * scale * min(1.0, (total - i) / fade)) for i, v in enumerate(mix)))


def read_wav(path: str | Path) -> array:
    """A PCM WAV as 16-bit mono samples at RATE, converted as its header says."""
    import wave  # only the board reads and writes sound (the desks import the settings)

    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise VoiceError(f"Berkas suara {Path(path).name} tidak dapat dibaca: {exc}") from None
    if width == 1:
        values = [(b - 128) << 8 for b in raw]
    else:  # the top two bytes of each little-endian sample
        values = [int.from_bytes(raw[i - 2:i], "little", signed=True) for i in range(width, len(raw) + 1, width)]
    if channels > 1:
        values = [sum(values[i:i + channels]) // channels for i in range(0, len(values) - channels + 1, channels)]
    if rate != RATE and values:  # linear interpolation
        step, last = rate / RATE, len(values) - 1
        picks = ((min(int(i * step), last), i * step % 1) for i in range(max(1, round(len(values) / step))))
        values = [int(values[j] + (values[min(j + 1, last)] - values[j]) * f) for j, f in picks]
    return array("h", values)


def _write_wav(path: Path, samples: array) -> None:
    import wave

    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setparams((1, 2, RATE, len(data), "NONE", "not compressed"))
        w.writeframes(data.tobytes())


def _last_line(text: bytes | None) -> str:
    return ([""] + (text or b"").decode("utf-8", "replace").strip().splitlines())[-1].strip()[:160]


def _speak_espeak(text: str, speed: int, voice: str) -> array:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise VoiceError("Mesin suara espeak-ng tidak terpasang (pasang paket Debian espeak-ng).")
    with tempfile.TemporaryDirectory(prefix="desk-suara-") as tmp:
        out = Path(tmp) / "ucapan.wav"
        cmd = [exe, "-v", voice, "-s", str(int(speed)), "-w", str(out), "--stdin"]
        try:
            proc = subprocess.run(cmd, input=text.encode(), capture_output=True, timeout=ESPEAK_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise VoiceError(f"espeak-ng tidak dapat dijalankan: {exc}") from None
        if proc.returncode != 0 or not out.exists():
            raise VoiceError(f"espeak-ng gagal (suara '{voice}'): {_last_line(proc.stderr) or proc.returncode}")
        return read_wav(out)


def _clip_choices(code: str, counter_no: int) -> list[tuple[str, ...]]:
    """The clip files of one call; each entry lists the accepted names of one clip."""
    choices: list[tuple[str, ...]] = [("nomor_antrean.wav",)]
    for kind, v in _code_parts(code):
        if kind == "letter":
            choices.append(tuple(dict.fromkeys((f"{str(v).lower()}.wav", f"{LETTER_NAMES[str(v)]}.wav"))))
        else:
            choices += [(f"{w}.wav",) for w in terbilang(int(v)).split()]
    choices.append(("silakan_menuju_loket.wav",))
    return choices + [(f"{w}.wav",) for w in terbilang(int(counter_no)).split()]


def _speak_clips(code: str, counter_no: int, clips_dir: str | Path | None) -> array:
    folder = Path(clips_dir or "").expanduser()
    if not clips_dir or not folder.is_dir():
        raise VoiceError(f"Folder rekaman suara {clips_dir or '(clips_dir)'} tidak ditemukan.")
    files = [next((folder / n for n in names if (folder / n).is_file()), names)
             for names in _clip_choices(code, counter_no)]
    missing = dict.fromkeys(" atau ".join(f) for f in files if isinstance(f, tuple))
    if missing:
        raise VoiceError(f"Rekaman suara belum lengkap di {folder}: tidak ada {', '.join(missing)}.")
    out = array("h")
    for i, path in enumerate(files):
        out += _silence(CLIP_GAP if i else 0) + read_wav(path)
    return out


def render_announcement(path: str | Path, code: str, counter_no: int, *, engine: str = "espeak",
                        repeat: int = 1, chime: bool = True, clips_dir: str | Path | None = None,
                        speed: int = 150, counter_name: str = "", voice: str = "id") -> Path:
    """Write one WAV (RATE Hz, mono, 16-bit): the chime, then the call `repeat` times ("mati": no call).

    Raises:
        VoiceError: the engine is unknown, not installed or fails, or clips are missing.
    """
    if engine not in ENGINES:
        raise VoiceError(f"Mesin suara '{engine}' tidak dikenal (pilihan: {', '.join(ENGINES)}).")
    speech = (_speak_espeak(announcement_text(code, counter_no, counter_name), speed, voice) if engine == "espeak"
              else _speak_clips(code, counter_no, clips_dir) if engine == "rekaman" else array("h"))
    out = chime_samples() if chime else array("h")
    for i in range(max(1, int(repeat)) if speech else 0):
        out += _silence(REPEAT_PAUSE if i else AFTER_CHIME if chime else 0) + speech
    _write_wav(Path(path), out or _silence(0.1))
    return Path(path)


def find_player(command: str | Sequence[str] | None = None) -> list[str] | None:
    """The command that plays a WAV, or None: `command` ("aplay -D plughw:1"), else the one in
    DESK_VOICE_PLAYER, else the first of PLAYERS found on PATH."""
    forced = command or os.environ.get(PLAYER_ENV, "")
    if forced:
        argv = _argv(forced) if isinstance(forced, str) else [str(a) for a in forced]
        return argv if argv and shutil.which(argv[0]) else None
    return next((list(argv) for argv in PLAYERS if shutil.which(argv[0])), None)


def _device_problem(player: list[str]) -> str | None:
    """For aplay: no sound card and no PulseAudio/PipeWire output ("aplay -l", "aplay -L")."""
    if Path(player[0]).name == "aplay":
        try:
            cards, pcms = (subprocess.run([player[0], opt], capture_output=True, text=True, timeout=5, check=False)
                           for opt in ("-l", "-L"))
        except (OSError, subprocess.SubprocessError):
            return None
        if "no soundcards" in (cards.stdout + cards.stderr).lower() and not re.search("pulse|pipewire", pcms.stdout):
            return "tidak ada perangkat suara (aplay -l: no soundcards found)."
    return None


class Announcer:
    """Plays calls on the board from a daemon thread, one at a time, in order.

    `on_problem(message)` is called from the thread at most once per distinct problem, with the
    message check() gives. At most `max_waiting` calls wait; in a burst the oldest is dropped.
    """

    def __init__(self, settings: VoiceSettings | None = None, *,
                 on_problem: Callable[[str], object] | None = None, max_waiting: int = 5) -> None:
        self.settings = settings or VoiceSettings()
        self._on_problem, self._max_waiting = on_problem, max(1, int(max_waiting))
        self._cond, self._setup_lock = threading.Condition(), threading.Lock()
        self._waiting: deque[tuple[str, int, str]] = deque()
        self._busy = self._closed = False
        self._thread = self._proc = self._player = None  # the thread; the playing process; the player argv
        self._setup_error: str | None = "?"  # "?" = not looked for yet
        self._failure: str | None = None
        self._reported: set[str] = set()

    def check(self) -> str | None:
        """"Suara tidak aktif: ..." when sound cannot work, else None (may run `aplay -l` once)."""
        problem = self._setup() or self._failure
        return OFF + problem if problem else None

    def announce(self, code: str, counter_no: int, counter_name: str = "") -> bool:
        """Queue a call without blocking; False when not queued (sound off, closed, already waiting)."""
        try:
            item = (str(code), int(counter_no), str(counter_name or ""))
        except (TypeError, ValueError):
            return False
        with self._cond:
            if self._closed or self.settings.engine == "mati" or any(w[:2] == item[:2] for w in self._waiting):
                return False
            if len(self._waiting) >= self._max_waiting:
                self._waiting.popleft()
            self._waiting.append(item)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="desk-suara", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        return True

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing waits or plays; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._closed or not (self._waiting or self._busy), timeout)

    def close(self, timeout: float = 2.0) -> None:
        """Drop the waiting calls, stop the one playing and end the thread."""
        with self._cond:
            self._closed = True
            self._waiting.clear()
            self._cond.notify_all()
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()
        if self._thread is not None:
            self._thread.join(timeout)

    def _setup(self) -> str | None:
        """Engine, player and device problems, looked for once."""
        with self._setup_lock:
            if self._setup_error != "?":
                return self._setup_error
            s, forced = self.settings, self.settings.player or os.environ.get(PLAYER_ENV)
            self._player = None if s.engine == "mati" else find_player(forced)
            if s.engine == "espeak" and shutil.which("espeak-ng") is None:
                self._setup_error = "mesin suara espeak-ng tidak terpasang (pasang paket Debian espeak-ng)."
            elif s.engine == "rekaman" and not (s.clips_dir and Path(s.clips_dir).expanduser().is_dir()):
                self._setup_error = f"folder rekaman suara {s.clips_dir or '(clips_dir)'} tidak ditemukan."
            elif s.engine != "mati" and self._player is None:
                self._setup_error = (f"pemutar suara '{forced}' tidak ditemukan." if forced
                                     else "tidak ada pemutar suara (pasang paket Debian alsa-utils untuk aplay).")
            else:
                self._setup_error = _device_problem(self._player) if self._player else None
            return self._setup_error

    def _report(self, problem: str) -> None:
        self._failure = problem if problem != self._setup_error else None
        if OFF + problem not in self._reported and self._on_problem is not None:
            try:
                self._on_problem(OFF + problem)
            except Exception:  # noqa: BLE001, S110 - the board's callback must not end the thread
                pass
        self._reported.add(OFF + problem)

    def _run(self) -> None:
        with tempfile.TemporaryDirectory(prefix="desk-suara-") as tmp:
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._closed or self._waiting)
                    if self._closed:
                        return
                    item, self._busy = self._waiting.popleft(), True
                try:
                    self._play(item, Path(tmp) / "panggilan.wav")
                except Exception as exc:  # noqa: BLE001 - never let the board's sound thread die
                    self._report(str(exc) if isinstance(exc, VoiceError) else f"pemutar suara gagal: {exc}")
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _play(self, item: tuple[str, int, str], path: Path) -> None:
        s, problem = self.settings, self._setup()
        if problem or not self._player:
            return self._report(problem or "tidak ada pemutar suara.")
        render_announcement(path, item[0], item[1], counter_name=item[2], engine=s.engine, repeat=s.repeat,
                            chime=s.chime, clips_dir=s.clips_dir or None, speed=s.speed, voice=s.voice)
        argv = [a.replace("{file}", str(path)) for a in self._player]
        argv += [str(path)] if argv == self._player else []
        seconds = path.stat().st_size / (2 * RATE)
        with self._cond:
            if self._closed:
                return None
            proc = self._proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.PIPE)
        try:
            err = proc.communicate(timeout=seconds + 15)[1]
        except subprocess.TimeoutExpired:
            proc.kill()
            err = proc.communicate()[1] + b"\n(tidak selesai tepat waktu)"
        self._proc, self._failure = None, None
        if proc.returncode != 0 and not self._closed:
            self._report(f"pemutar suara {Path(argv[0]).name} gagal: {_last_line(err) or proc.returncode}")
        return None
