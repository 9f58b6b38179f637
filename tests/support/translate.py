"""Domain text and a small glossary for the translation tests and benches.

The sentences follow the sample webinar ("A View to a Border"); the Spanish
renderings are the ones UN documents use (marked approved) or our proposals.
`GENDER_NUMBER` annotates the Spanish head nouns, for measuring article agreement
in bench/translate_protection.py only.
"""
from __future__ import annotations

from captioner.glossary.model import Concept, Glossary, Translation

SENTENCES = [
    "Good afternoon, and welcome to A View to a Border, a webinar series of the UN Office of Counter-Terrorism.",
    "Today, with our partners at IOM and the OSCE, we look at cross-border cooperation and information sharing.",
    "Security Council resolution 2396 asks states to use API, PNR and biometrics, while respecting human rights.",
    "Foreign terrorist fighters often cross borders using stolen travel documents.",
    "States must collect advance passenger information and passenger name record data.",
    "The returnees and relocators pose a serious challenge for border management.",
    "INTERPOL shares its databases with the border guards at every border crossing point.",
    "Project HOTSPOT supports the Western Balkans with biometrics and watchlists.",
    "We need better integrated border management and faster information sharing.",
    "The Accra Initiative brings together Burkina Faso, Ghana, Togo and Benin.",
    "Operation Koudanlgou II arrested 2.5 percent more suspects than in 2019.",
    "The foreign terrorist fighters were identified through the watchlist.",
    "Mr. Hartmann explained how the border guards check the watchlists every day.",
    "Information sharing between agencies saves lives.",
    "The border management agencies of the region exchanged advance passenger information.",
    "Write to info@un.org or visit https://www.un.org/counterterrorism for details.",
    "Returnees must be screened before they reach a border crossing point.",
    "The passenger name record helps officers find high-risk travellers.",
    "Biometrics and watchlists are the core of the programme.",
    "The Accra Initiative was launched in 2017 after the attacks in the region.",
    "Elena Petrović said that the foreign terrorist fighter had used a stolen passport.",
    "Each returnee is checked against the watchlist at the border crossing point.",
]


def _t(term: str, status: str = "approved") -> Translation:
    return Translation(term=term, status=status)


def domain_glossary() -> Glossary:
    return Glossary([
        Concept(id="unoct", term="UN Office of Counter-Terrorism", acronym="UNOCT",
                variants=["United Nations Office of Counter-Terrorism"],
                translations={"es": _t("Oficina de las Naciones Unidas de Lucha contra el Terrorismo")}),
        Concept(id="ftf", term="foreign terrorist fighter", acronym="FTF",
                translations={"es": _t("combatiente terrorista extranjero")}),
        Concept(id="api", term="advance passenger information", acronym="API",
                translations={"es": _t("información anticipada sobre los pasajeros")}),
        Concept(id="pnr", term="passenger name record", acronym="PNR",
                translations={"es": _t("registro de nombres de los pasajeros")}),
        Concept(id="ibm", term="integrated border management",
                translations={"es": _t("gestión integrada de fronteras")}),
        Concept(id="border-management", term="border management",
                translations={"es": _t("gestión de fronteras")}),
        Concept(id="information-sharing", term="information sharing",
                translations={"es": _t("intercambio de información")}),
        Concept(id="returnee", term="returnee", translations={"es": _t("retornado", "proposed")}),
        Concept(id="relocator", term="relocator", translations={"es": _t("reubicado", "proposed")}),
        Concept(id="bcp", term="border crossing point", translations={"es": _t("paso fronterizo")}),
        Concept(id="watchlist", term="watchlist", variants=["watch list"],
                translations={"es": _t("lista de vigilancia")}),
        Concept(id="biometrics", term="biometrics", translations={"es": _t("datos biométricos")}),
        Concept(id="border-guard", term="border guard", translations={"es": _t("guardia de fronteras", "proposed")}),
        Concept(id="accra", term="Accra Initiative", translations={"es": _t("Iniciativa de Accra")}),
        Concept(id="unsc", term="Security Council", translations={"es": _t("Consejo de Seguridad")}),
        Concept(id="human-rights", term="human rights", translations={"es": _t("derechos humanos")}),
        Concept(id="interpol", term="INTERPOL", expansion="International Criminal Police Organization", keep=True),
        Concept(id="hotspot", term="Project HOTSPOT", keep=True),
        Concept(id="iom", term="IOM", expansion="International Organization for Migration", keep=True),
        Concept(id="osce", term="OSCE", keep=True),
        Concept(id="koudanlgou", term="Operation Koudanlgou II", variants=["Koudanlgou"], keep=True),
        Concept(id="burkina-faso", term="Burkina Faso", keep=True),
        Concept(id="hartmann", term="Hartmann", variants=["Daniel Hartmann"], keep=True),
        Concept(id="petrovic", term="Elena Petrović", keep=True),
        Concept(id="deprecated-demo", term="travel documents",
                translations={"es": _t("papeles de viaje", "deprecated")}),
    ], name="translate-test")


# Spanish head noun gender/number of each rendering (measurement only).
GENDER_NUMBER = {
    "Oficina de las Naciones Unidas de Lucha contra el Terrorismo": ("f", "sg"),
    "combatiente terrorista extranjero": ("m", "sg"),
    "combatientes terroristas extranjeros": ("m", "pl"),
    "información anticipada sobre los pasajeros": ("f", "sg"),
    "registro de nombres de los pasajeros": ("m", "sg"),
    "gestión integrada de fronteras": ("f", "sg"),
    "gestión de fronteras": ("f", "sg"),
    "intercambio de información": ("m", "sg"),
    "retornado": ("m", "sg"),
    "retornados": ("m", "pl"),
    "reubicados": ("m", "pl"),
    "paso fronterizo": ("m", "sg"),
    "lista de vigilancia": ("f", "sg"),
    "listas de vigilancia": ("f", "pl"),
    "datos biométricos": ("m", "pl"),
    "guardias de fronteras": ("m", "pl"),
    "Iniciativa de Accra": ("f", "sg"),
    "Consejo de Seguridad": ("m", "sg"),
}


def sample_source_track(truth_path=None):
    """English cues of the sample webinar with its chapter boundaries.

    From recordings/view-to-a-border.truth.json (the exact text and time of every
    sentence the synthetic speakers say) when it exists, laid out with the English
    profile as the captions stage does; else SENTENCES at 14 characters/s.
    """
    import json
    from pathlib import Path

    from captioner.captions.rules import profile_for_language
    from captioner.captions.segment import layout_text_in_span
    from captioner.model import CueTrack

    profile = profile_for_language("en")
    truth_path = Path(truth_path or Path(__file__).resolve().parents[2] / "recordings" / "view-to-a-border.truth.json")
    if truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        timed = [(s["text"], s["start"], s["end"], s["speaker"]) for s in truth["sentences"]]
        boundaries = [item["start"] for item in truth["items"][1:]]
    else:
        timed, t = [], 0.5
        for n, text in enumerate(SENTENCES):
            duration = len(text) / 14.0
            timed.append((text, t, t + duration, ["Daniel Hartmann", "Elena Petrović"][n // 4 % 2]))
            t += duration + 0.6
        boundaries = [timed[8][1], timed[16][1]]
    cues = []
    for text, start, end, speaker in timed:
        for cue in layout_text_in_span(text, start, end, profile, "en", boundaries):
            cue.speaker = speaker
            cues.append(cue)
    return CueTrack("en", cues), boundaries
