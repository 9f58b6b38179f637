"""The room and the line around a synthetic webinar: reverberation, noise, hum, babble.

A script's `recording:` block sets them for the whole recording:

    recording:
      reverb: 30                       # sox reverberance, 0-100 (0 or absent: a dry room)
      noise: {colour: pink, rms: 0.003}  # pink or brown; RMS of full scale 1.0
      hum: {hz: 50, rms: 0.002}        # mains hum with its first harmonics
      babble: {rms: 0.003}             # a faint other voice, played backwards so it says no words
      bitrate: 64k                     # of the MP3 or Opus file

Reverberation is applied to the speech only (the room), noise and hum after it
(the microphone's line), so no effect moves a sentence's onset.
"""

from __future__ import annotations

import numpy as np
from synth_engines import TTS_RATE, Renderer, SynthError, sox, voice_spec

NOISE_COLOURS = ("pink", "brown")
DEFAULT_NOISE = {"colour": "pink", "rms": 0.003}
BABBLE_TEXT = (
    "We will now go through the administrative arrangements for the next meeting of the working group. "
    "Delegations are kindly requested to send their written comments to the secretariat before the end of the month, "
    "and to confirm the names of the participants who will travel to the meeting in person. "
    "Interpretation will be provided in the six official languages, and the documents will be posted online."
)
BABBLE_VOICE = {"engine": "espeak", "voice": "en-us+m4", "speed": 175, "pitch": 40}


def recording_spec(script: dict, source: str = "script") -> dict:
    """The script's recording block, checked and with defaults filled in."""
    block = script.get("recording") or {}
    if not isinstance(block, dict):
        raise SynthError(f"{source}: 'recording' must be a mapping (reverb, noise, hum, babble, bitrate)")
    try:
        reverb = float(block.get("reverb", 0) or 0)
        noise = {**DEFAULT_NOISE, **(block.get("noise") or {})}
        noise["rms"] = float(noise["rms"])
        hum = block.get("hum")
        hum = {"hz": float(hum.get("hz", 50)), "rms": float(hum.get("rms", 0.002))} if hum else None
        babble = block.get("babble")
        babble = {"rms": float(babble.get("rms", 0.003))} if babble else None
    except (TypeError, ValueError, AttributeError):
        raise SynthError(f"{source}: 'recording' values must be numbers (see scripts/synth_room.py)") from None
    if not 0 <= reverb <= 100:
        raise SynthError(f"{source}: recording reverb must be between 0 and 100, not {reverb}")
    if noise["colour"] not in NOISE_COLOURS:
        raise SynthError(f"{source}: noise colour must be one of {', '.join(NOISE_COLOURS)}, not {noise['colour']!r}")
    bitrate = str(block.get("bitrate", "")).strip() or None
    return {"reverb": reverb, "noise": noise, "hum": hum, "babble": babble, "bitrate": bitrate}


def coloured_noise(length: int, colour: str, rng: np.random.Generator) -> np.ndarray:
    """Noise with a 1/f (pink) or 1/f² (brown) power spectrum and unit RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(length))
    frequencies = np.arange(spectrum.size, dtype=np.float64)
    frequencies[0] = 1.0
    if colour == "brown":  # below 20 Hz it would be all rumble and no hiss
        frequencies = np.maximum(frequencies, 20.0 * length / TTS_RATE)
    exponent = 0.5 if colour == "pink" else 1.0
    noise = np.fft.irfft(spectrum / frequencies**exponent, n=length)
    return noise / (np.sqrt(np.mean(noise**2)) or 1.0)


def mains_hum(length: int, hz: float, rate: int = TTS_RATE) -> np.ndarray:
    """A mains hum with its 2nd and 3rd harmonics, unit RMS."""
    t = np.arange(length) / rate
    hum = np.sin(2 * np.pi * hz * t) + 0.5 * np.sin(4 * np.pi * hz * t + 0.3) + 0.25 * np.sin(6 * np.pi * hz * t + 1.1)
    return hum / (np.sqrt(np.mean(hum**2)) or 1.0)


def babble(length: int, renderer: Renderer, rng: np.random.Generator) -> np.ndarray:
    """Another voice, reversed (speech-like but without words), looped; unit RMS."""
    voice = renderer.render(BABBLE_TEXT, voice_spec("babble", BABBLE_VOICE))[::-1]
    voice = np.concatenate([voice, np.zeros(int(0.7 * TTS_RATE), dtype=voice.dtype)])
    offset = int(rng.integers(0, voice.size))
    looped = np.resize(np.roll(voice, -offset), length).astype(np.float64)
    return looped / (np.sqrt(np.mean(looped**2)) or 1.0)


def reverberate(speech: np.ndarray, reverberance: float) -> np.ndarray:
    """The speech in a room (sox reverb: dry and wet mixed, no pre-delay), same length."""
    if reverberance <= 0:
        return speech
    wet = sox(speech.astype(np.float32), TTS_RATE, ["reverb", f"{reverberance:g}", "50", "80"])
    out = np.zeros_like(speech)
    out[: min(wet.size, speech.size)] = wet[: speech.size]
    return out


def dress(speech: np.ndarray, recording: dict, seed: int, renderer: Renderer) -> np.ndarray:
    """The speech timeline with the room, the noise, the hum and the babble added."""
    mix = reverberate(speech, recording["reverb"])
    rng = np.random.default_rng(seed)
    length = mix.size
    if recording["noise"]["rms"] > 0:
        mix = mix + recording["noise"]["rms"] * coloured_noise(length, recording["noise"]["colour"], rng)
    if recording["hum"]:
        mix = mix + recording["hum"]["rms"] * mains_hum(length, recording["hum"]["hz"])
    if recording["babble"]:
        mix = mix + recording["babble"]["rms"] * babble(length, renderer, np.random.default_rng(seed + 1))
    return mix
