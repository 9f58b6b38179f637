"""Speaker labels on caption cues: what a viewer sees where the speaker changes.

The style is the reading-rule setting `Profile.speaker_labels`:

``name`` (default)
    The speaker's name in capitals and a colon before the first line of a cue
    where the speaker changes, as in SDH captions (DCMP, Netflix SDH):
    ``MARIA FERNÁNDEZ: Thank you.`` Not repeated on the same speaker's
    following cues. A name that will not fit on a line with the first word, or
    that pushes its cue over the reading-speed limit, gives way to ``>>``.
``chevrons``
    ``>>`` at each change, the broadcast convention.
``none``
    Nothing shown (WebVTT still names the speaker in its ``<v Name>`` span).

A voice the run is unsure of ("Speaker 2 (unsure)": it may be two people, see
speakers/names.py) is shown as ``>>`` at each change in every style but
``none``: saying less is better than a name a viewer would trust wrongly.

A dialogue cue holds two short turns by different speakers, one a line, each
line starting with a hyphen (Netflix SDH): ``- Thank you, Maria.`` /
``- Over to you, Kwame.``. With the ``name`` style each line also names its
speaker (``- KWAME MENSAH: Thank you, Maria.``): webinars are often listened
to, not watched, so the hyphen alone would not say who speaks; with
``chevrons`` the lines start with ``>>`` instead of the hyphen.

A cue keeps the words said in `Cue.lines` and what is shown before each line in
`Cue.labels`; `shown_lines` gives the lines as they appear on screen. Labels are
names, so translations show the same ones.
"""
from __future__ import annotations

from captioner.model import UNSURE, Cue

LABEL_STYLES = ("name", "chevrons", "none")
DEFAULT_LABEL_STYLE = "name"
CHEVRONS = ">>"
DASH = "-"


def name_label(speaker: str) -> str:
    """'Maria  Fernández' -> 'MARIA FERNÁNDEZ:'."""
    return " ".join(speaker.split()).upper() + ":"


def is_unsure(speaker: str | None) -> bool:
    return bool(speaker) and speaker.endswith(UNSURE)


def change_labels(speaker: str | None, style: str) -> list[str]:
    """Labels for a cue where `speaker` starts speaking, best first, shorter fallbacks after."""
    if not speaker or not speaker.strip():
        return []
    if is_unsure(speaker) and style != "none":
        return [CHEVRONS]
    if style == "name":
        return [name_label(speaker), CHEVRONS]
    if style == "chevrons":
        return [CHEVRONS]
    return []


def dialogue_labels(speaker: str | None, style: str) -> list[str]:
    """Labels for one line of a dialogue cue, best first."""
    if style == "chevrons":
        return [CHEVRONS]
    if style == "name" and speaker and speaker.strip() and not is_unsure(speaker):
        return [f"{DASH} {name_label(speaker)}", DASH]
    return [DASH]


def labelled(label: str, text: str) -> str:
    return f"{label} {text}" if label else text


def shown_lines(cue: Cue) -> list[str]:
    """The cue's lines as they appear on screen: each after its label."""
    labels = cue.labels
    return [labelled(labels[k] if k < len(labels) else "", line) for k, line in enumerate(cue.lines)]


def line_speakers(cue: Cue) -> list[str | None]:
    """The speaker of each line."""
    if cue.speakers:
        return list(cue.speakers) + [cue.speakers[-1]] * (len(cue.lines) - len(cue.speakers))
    return [cue.speaker] * len(cue.lines)


def split_label(line: str, speaker: str | None, dialogue: bool) -> tuple[str, str]:
    """(label, text) of a shown line that may start with one of our labels for `speaker`.

    Used when reading our WebVTT back; a bare hyphen counts only in a dialogue cue."""
    candidates = [CHEVRONS + " "]
    if speaker and speaker.strip():
        name = name_label(speaker)
        candidates = [f"{DASH} {name} ", f"{name} "] + candidates
    if dialogue:
        candidates.append(DASH + " ")
    for candidate in candidates:
        if line.startswith(candidate) and line[len(candidate):].strip():
            return candidate[:-1], line[len(candidate):]
    return "", line
