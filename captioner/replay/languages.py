"""Language names in their own language, for BCP 47 tags (writing direction: captioner.lang)."""
from __future__ import annotations

from captioner.lang import primary

# What a speaker of each language calls it: a language menu is read by people
# looking for their own language, so it names each in its own words.
AUTONYMS = {
    "af": "Afrikaans", "am": "አማርኛ", "ar": "العربية", "az": "Azərbaycan dili", "be": "Беларуская",
    "bg": "Български", "bn": "বাংলা", "bs": "Bosanski", "ca": "Català", "cs": "Čeština",
    "cy": "Cymraeg", "da": "Dansk", "de": "Deutsch", "el": "Ελληνικά", "en": "English",
    "eo": "Esperanto", "es": "Español", "et": "Eesti", "eu": "Euskara", "fa": "فارسی",
    "fi": "Suomi", "fr": "Français", "ga": "Gaeilge", "gl": "Galego", "gu": "ગુજરાતી",
    "ha": "Hausa", "he": "עברית", "hi": "हिन्दी", "hr": "Hrvatski", "hu": "Magyar",
    "hy": "Հայերեն", "id": "Bahasa Indonesia", "ig": "Igbo", "is": "Íslenska", "it": "Italiano",
    "ja": "日本語", "ka": "ქართული", "kk": "Қазақ тілі", "km": "ខ្មែរ", "ko": "한국어",
    "ky": "Кыргызча", "lt": "Lietuvių", "lv": "Latviešu", "mk": "Македонски", "ml": "മലയാളം",
    "mn": "Монгол", "ms": "Bahasa Melayu", "mt": "Malti", "my": "မြန်မာ", "nb": "Norsk bokmål",
    "ne": "नेपाली", "nl": "Nederlands", "nn": "Norsk nynorsk", "no": "Norsk", "pa": "ਪੰਜਾਬੀ",
    "pl": "Polski", "ps": "پښتو", "pt": "Português", "ro": "Română", "ru": "Русский",
    "sk": "Slovenčina", "sl": "Slovenščina", "so": "Soomaali", "sq": "Shqip", "sr": "Српски",
    "sv": "Svenska", "sw": "Kiswahili", "ta": "தமிழ்", "te": "తెలుగు", "tg": "Тоҷикӣ",
    "th": "ไทย", "tk": "Türkmençe", "tl": "Tagalog", "tr": "Türkçe", "uk": "Українська",
    "ur": "اردو", "uz": "Oʻzbek", "vi": "Tiếng Việt", "wo": "Wolof", "yo": "Yorùbá",
    "zh": "中文", "zh-hans": "简体中文", "zh-hant": "繁體中文", "zu": "isiZulu",
}

def autonym(tag: str) -> str:
    """'es' -> 'Español'; an unknown tag is returned as written."""
    normalized = tag.replace("_", "-").lower()
    return AUTONYMS.get(normalized) or AUTONYMS.get(primary(tag)) or tag


def same_language(a: str, b: str) -> bool:
    return a.replace("_", "-").lower() == b.replace("_", "-").lower()
