"""The waiting-room voice call (output.voice): text, WAV rendering, engines, the background announcer."""

from __future__ import annotations

import math
import shlex
import shutil
import subprocess
import sys
import time
import wave
from array import array
from pathlib import Path

import pytest

from output.voice import (
    AFTER_CHIME,
    CHIME_SECONDS,
    CLIP_GAP,
    PLAYER_ENV,
    RATE,
    REPEAT_PAUSE,
    Announcer,
    VoiceError,
    VoiceSettings,
    announcement_text,
    chime_samples,
    find_player,
    read_wav,
    render_announcement,
)

ROOT = Path(__file__).resolve().parent.parent
ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (Debian package espeak-ng)")


def _rms(samples) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if len(samples) else 0.0


def _read(path: Path) -> tuple[wave._wave_params, array]:
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        samples = array("h", w.readframes(params.nframes))
    if sys.byteorder == "big":
        samples.byteswap()
    return params, samples


def _tone(path: Path, seconds: float, freq: float, *, rate: int = 16000, channels: int = 1, width: int = 2) -> None:
    """Write a test clip: a sine tone in the given WAV format."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        value = int(0.5 * math.sin(2 * math.pi * freq * i / rate) * (2 ** (8 * width - 1) - 1))
        sample = bytes([value + 128]) if width == 1 else value.to_bytes(width, "little", signed=True)
        frames += sample * channels
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


# -- what is said ---------------------------------------------------------------------------

def test_the_call_reads_letter_number_and_counter():
    assert announcement_text("A-012", 2) == "Nomor antrean, A, dua belas. Silakan menuju loket dua."


@pytest.mark.parametrize(("n", "words"), [
    (1, "satu"), (11, "sebelas"), (20, "dua puluh"), (100, "seratus"), (101, "seratus satu"),
    (115, "seratus lima belas"), (1000, "seribu"),
])
def test_numbers_are_read_as_indonesian_words(n, words):
    text = announcement_text(f"B-{n:03d}", n)
    assert f"Nomor antrean, B, {words}." in text
    assert text.endswith(f"Silakan menuju loket {words}.")


@pytest.mark.parametrize(("code", "said"), [
    ("PR-3", "P, R, tiga"), ("B7", "B, tujuh"), ("a-001", "A, satu"), ("C-000", "C, nol"), ("  Q 10 ", "Q, sepuluh"),
])
def test_codes_without_dash_or_with_several_letters(code, said):
    assert announcement_text(code, 1).startswith(f"Nomor antrean, {said}.")


def test_counter_name_is_said_unless_it_is_just_loket_n():
    assert announcement_text("A-1", 2, "Loket 2") == "Nomor antrean, A, satu. Silakan menuju loket dua."
    assert announcement_text("A-1", 2, "  loket2 ") == "Nomor antrean, A, satu. Silakan menuju loket dua."
    assert announcement_text("A-1", 3, "Pengaduan & Informasi") == (
        "Nomor antrean, A, satu. Silakan menuju loket tiga, Pengaduan dan Informasi.")


@pytest.mark.parametrize("name", [
    "[b]Siti[/]", "a [/x] b", "\x1b[31mRuang\x1b[0m\x07", "Ruang\nSatu\t\r", "[[p'e]] <speak>x</speak>", "-v en -w /x",
])
def test_markup_and_control_chars_in_counter_name_do_not_break_the_call(name):
    text = announcement_text("A-012", 2, name)
    assert text.startswith("Nomor antrean, A, dua belas. Silakan menuju loket dua")
    assert text.endswith(".")
    assert not any(ch in text for ch in "[]<>/\x1b\x07\n\t\r")
    assert len(announcement_text("A-1", 1, "x" * 500)) < 120


# -- sound ----------------------------------------------------------------------------------

def test_chime_is_a_soft_ding_dong_of_about_a_second():
    chime = chime_samples()
    assert len(chime) == int(CHIME_SECONDS * RATE)
    assert 1500 < _rms(chime) and max(abs(s) for s in chime) < 0.5 * 32767
    second_tone = chime[int(0.45 * RATE):int(0.55 * RATE)]
    assert _rms(second_tone) > _rms(chime[int(0.35 * RATE):int(0.45 * RATE)])  # the "dong" strikes
    assert abs(chime[-1]) < 50  # fades out, no click


@pytest.mark.parametrize(("rate", "channels", "width"), [(44100, 2, 2), (11025, 1, 1), (48000, 1, 3), (22050, 2, 4)])
def test_clips_of_any_pcm_format_are_converted(tmp_path, rate, channels, width):
    _tone(tmp_path / "x.wav", 0.5, 440, rate=rate, channels=channels, width=width)
    samples = read_wav(tmp_path / "x.wav")
    assert abs(len(samples) - RATE // 2) <= 2
    assert 0.3 * 32767 < _rms(samples) * math.sqrt(2) < 0.6 * 32767  # a 0.5 amplitude sine survives


@needs_espeak
def test_espeak_renders_chime_then_the_call(tmp_path):
    one = render_announcement(tmp_path / "satu.wav", "A-012", 2)
    params, samples = _read(one)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, RATE)
    seconds = params.nframes / RATE
    assert 2.5 < seconds < 12
    assert _rms(samples[: RATE]) > 1500  # the chime, not silence
    speech = samples[int((CHIME_SECONDS + AFTER_CHIME) * RATE):]
    assert _rms(speech) > 1000

    params2, _ = _read(render_announcement(tmp_path / "dua.wav", "A-012", 2, repeat=2))
    speech_seconds = seconds - CHIME_SECONDS - AFTER_CHIME
    assert params2.nframes / RATE == pytest.approx(seconds + REPEAT_PAUSE + speech_seconds, abs=0.01)

    params3, samples3 = _read(render_announcement(tmp_path / "tanpa.wav", "A-012", 2, chime=False, speed=250))
    assert params3.nframes / RATE < speech_seconds  # faster, and no chime
    assert _rms(samples3[: RATE // 2]) > 300  # speech straight away


@needs_espeak
def test_espeak_with_an_unknown_voice_is_a_clear_error(tmp_path):
    with pytest.raises(VoiceError, match="espeak-ng gagal"):
        render_announcement(tmp_path / "x.wav", "A-1", 1, voice="zz-tidak-ada")


def test_no_espeak_installed_is_reported_in_indonesian(tmp_path, monkeypatch):
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.delenv(PLAYER_ENV, raising=False)
    with pytest.raises(VoiceError, match="espeak-ng tidak terpasang"):
        render_announcement(tmp_path / "x.wav", "A-1", 1)
    assert find_player() is None
    problems = []
    announcer = Announcer(on_problem=problems.append)
    try:
        assert announcer.check() == ("Suara tidak aktif: mesin suara espeak-ng tidak terpasang "
                                     "(pasang paket Debian espeak-ng).")
        assert announcer.announce("A-1", 1) and announcer.announce("A-2", 1)
        assert announcer.wait_idle(5)
        assert problems == [announcer.check()]
    finally:
        announcer.close()


# -- recorded clips -------------------------------------------------------------------------

CLIPS = {"nomor_antrean": 0.3, "silakan_menuju_loket": 0.4, "a": 0.1, "be": 0.12, "dua": 0.15, "belas": 0.16,
         "satu": 0.17, "tiga": 0.18, "sebelas": 0.19}


@pytest.fixture
def clips(tmp_path) -> Path:
    folder = tmp_path / "rekaman"
    folder.mkdir()
    for i, (name, seconds) in enumerate(CLIPS.items()):
        _tone(folder / f"{name}.wav", seconds, 300 + 40 * i, rate=16000, channels=1 + i % 2)
    return folder


def test_recorded_clips_are_joined(tmp_path, clips):
    path = render_announcement(tmp_path / "x.wav", "A-012", 2, engine="rekaman", clips_dir=clips)
    params, samples = _read(path)
    words = ["nomor_antrean", "a", "dua", "belas", "silakan_menuju_loket", "dua"]
    expected = CHIME_SECONDS + AFTER_CHIME + sum(CLIPS[w] for w in words) + CLIP_GAP * (len(words) - 1)
    assert params.framerate == RATE
    assert params.nframes / RATE == pytest.approx(expected, abs=0.005)
    assert _rms(samples[int((CHIME_SECONDS + AFTER_CHIME) * RATE):]) > 3000

    twice = render_announcement(tmp_path / "y.wav", "B-11", 3, engine="rekaman", clips_dir=clips, repeat=2, chime=False)
    words = ["nomor_antrean", "be", "sebelas", "silakan_menuju_loket", "tiga"]  # B from be.wav
    once = sum(CLIPS[w] for w in words) + CLIP_GAP * (len(words) - 1)
    assert _read(twice)[0].nframes / RATE == pytest.approx(2 * once + REPEAT_PAUSE, abs=0.005)


def test_a_missing_clip_is_named(tmp_path, clips):
    with pytest.raises(VoiceError, match=r"tidak ada c\.wav atau ce\.wav") as caught:
        render_announcement(tmp_path / "x.wav", "C-115", 4, engine="rekaman", clips_dir=clips)
    message = str(caught.value)
    for name in ("seratus.wav", "lima.wav", "empat.wav"):
        assert name in message
    assert "belas.wav" not in message  # present
    with pytest.raises(VoiceError, match="tidak ditemukan"):
        render_announcement(tmp_path / "x.wav", "A-1", 1, engine="rekaman", clips_dir=tmp_path / "tidak-ada")


def test_engine_mati_is_silent(tmp_path):
    params, _ = _read(render_announcement(tmp_path / "x.wav", "A-1", 1, engine="mati", chime=False))
    assert params.nframes / RATE < 0.2
    announcer = Announcer(VoiceSettings(engine="mati"))
    assert announcer.check() is None
    assert announcer.announce("A-1", 1) is False
    announcer.close()
    with pytest.raises(VoiceError, match="tidak dikenal"):
        render_announcement(tmp_path / "x.wav", "A-1", 1, engine="robot")


# -- settings -------------------------------------------------------------------------------

def test_settings_from_the_config_section():
    assert VoiceSettings.from_mapping({}) == VoiceSettings()
    settings = VoiceSettings.from_mapping({"engine": "rekaman", "clips_dir": "/srv/suara", "repeat": 2,
                                           "chime": False, "speed": 130, "player": "aplay -D plughw:1"})
    assert (settings.engine, settings.repeat, settings.chime, settings.speed) == ("rekaman", 2, False, 130)


@pytest.mark.parametrize(("values", "message"), [
    ({"volume": 3}, "kunci tidak dikenal"),
    ({"engine": "google"}, "harus salah satu dari espeak, rekaman, mati"),
    ({"repeat": 0}, "bilangan bulat 1 sampai 5"),
    ({"repeat": "2"}, "bilangan bulat"),
    ({"speed": True}, "bilangan bulat 80 sampai 450"),
    ({"chime": "ya"}, "true atau false"),
    ({"voice": "id; rm -rf"}, "nama suara"),
    ({"player": 'aplay "tak tertutup'}, "perintah pemutar"),
    ({"engine": "rekaman"}, "clips_dir: wajib diisi"),
])
def test_bad_settings_get_an_indonesian_message(values, message):
    with pytest.raises(ValueError, match=message) as caught:
        VoiceSettings.from_mapping(values)
    assert str(caught.value).startswith("[suara].")


# -- playback -------------------------------------------------------------------------------

PLAYER = '''
import pathlib, shutil, sys, time
out = pathlib.Path(sys.argv[1])
n = len(list(out.glob("*.wav")))
(out / f"mulai{n}").touch()
deadline = time.time() + float(sys.argv[2])
while (out / "tahan").exists() and not (out / "lepas").exists() and time.time() < deadline:
    time.sleep(0.01)
shutil.copy(sys.argv[-1], out / f"{n:02d}.wav")
'''


def _fake_player(tmp_path: Path, hold_seconds: float = 10) -> tuple[str, Path]:
    script, out = tmp_path / "pemutar.py", tmp_path / "diputar"
    script.write_text(PLAYER, encoding="utf-8")
    out.mkdir()
    return " ".join(shlex.quote(str(a)) for a in (sys.executable, script, out, hold_seconds)), out


def _wait_for(path: Path, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.01)


def test_find_player_prefers_a_forced_command(tmp_path, monkeypatch):
    monkeypatch.setenv(PLAYER_ENV, f"{sys.executable} -c pass {{file}}")
    assert find_player() == [sys.executable, "-c", "pass", "{file}"]
    assert find_player("tidak-ada-pemutar-ini") is None
    assert find_player([sys.executable, "x"]) == [sys.executable, "x"]


def test_announcer_plays_calls_in_order_dropping_duplicates_and_bursts(tmp_path, clips):
    player, out = _fake_player(tmp_path)
    settings = VoiceSettings(engine="rekaman", clips_dir=str(clips), chime=False, player=player)
    announcer = Announcer(settings, max_waiting=2)
    try:
        assert announcer.check() is None
        (out / "tahan").touch()
        assert announcer.announce("A-1", 1)
        _wait_for(out / "mulai0")  # the first call plays (held); the next ones wait
        assert announcer.announce("A-2", 2)
        assert announcer.announce("A-2", 2) is False  # already waiting
        assert announcer.announce("B-3", 3)
        assert announcer.announce("A-11", 1)  # a third waiting call: the oldest waiting is dropped
        (out / "lepas").touch()
        assert announcer.wait_idle(10)
    finally:
        announcer.close()
    played = sorted(out.glob("*.wav"))
    expected = [render_announcement(tmp_path / f"e{i}.wav", code, no, engine="rekaman", clips_dir=clips, chime=False)
                for i, (code, no) in enumerate([("A-1", 1), ("B-3", 3), ("A-11", 1)])]
    assert [p.read_bytes() for p in played] == [e.read_bytes() for e in expected]


def test_a_failing_player_is_reported_once_and_the_board_goes_on(tmp_path, clips):
    player = f"{shlex.quote(sys.executable)} -c 'import sys; sys.exit(\"no soundcards found\")'"
    problems: list[str] = []
    announcer = Announcer(VoiceSettings(engine="rekaman", clips_dir=str(clips), player=player),
                          on_problem=problems.append)
    try:
        assert announcer.check() is None
        for n in (1, 2, 11):
            assert announcer.announce(f"A-{n}", 1)
            assert announcer.wait_idle(10)
        message = announcer.check()
        assert message is not None and message.startswith("Suara tidak aktif: pemutar suara")
        assert "no soundcards found" in message
        assert problems == [message]
        assert announcer.announce("A-2", 1)  # still no exception
    finally:
        announcer.close()


def test_missing_clips_and_missing_player_are_reported(tmp_path, clips, monkeypatch):
    problems: list[str] = []
    player, _ = _fake_player(tmp_path)
    announcer = Announcer(VoiceSettings(engine="rekaman", clips_dir=str(clips), player=player),
                          on_problem=problems.append)
    try:
        announcer.announce("Z-9", 1)
        assert announcer.wait_idle(10)
        assert "zet.wav" in announcer.check() and "sembilan.wav" in announcer.check()
        assert len(problems) == 1
    finally:
        announcer.close()
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(PLAYER_ENV, raising=False)
    assert "tidak ada pemutar suara" in Announcer(VoiceSettings(engine="rekaman", clips_dir=str(clips))).check()
    assert "tidak ditemukan" in Announcer(VoiceSettings(engine="rekaman", clips_dir=str(clips),
                                                        player="pemutar-tidak-ada")).check()


def test_close_stops_the_call_that_is_playing(tmp_path, clips):
    player, out = _fake_player(tmp_path, hold_seconds=30)
    announcer = Announcer(VoiceSettings(engine="rekaman", clips_dir=str(clips), chime=False, player=player))
    (out / "tahan").touch()
    announcer.announce("A-1", 1)
    _wait_for(out / "mulai0")
    started = time.monotonic()
    announcer.close()
    assert time.monotonic() - started < 3
    assert announcer.announce("A-2", 1) is False
    assert not list(out.glob("*.wav"))


def test_importing_runs_no_program():
    code = ("import subprocess\n"
            "def boom(*a, **k): raise SystemExit('a program was started at import')\n"
            "subprocess.Popen.__init__ = boom\n"
            "import output.voice\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.parametrize(("pcms", "problem"), [("null\n", True), ("null\npulse\n    PulseAudio Sound Server\n", False)])
def test_no_sound_card_is_found_before_the_first_call(tmp_path, clips, monkeypatch, pcms, problem):
    fake = tmp_path / "bin" / "aplay"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n"
                    'if [ "$1" = -l ]; then echo "aplay: device_list:274: no soundcards found..." >&2; fi\n'
                    f'if [ "$1" = -L ]; then printf "{pcms}"; fi\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    monkeypatch.delenv(PLAYER_ENV, raising=False)
    announcer = Announcer(VoiceSettings(engine="rekaman", clips_dir=str(clips)))
    expected = "Suara tidak aktif: tidak ada perangkat suara (aplay -l: no soundcards found)."
    assert announcer.check() == (expected if problem else None)
