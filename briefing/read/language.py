"""Language check: articles not in English are skipped with a reason."""

from __future__ import annotations

import re
from functools import lru_cache

_EN_FUNCTION_WORDS = frozenset(
    "the of and to a in is was that for on with as by at it he she his her said from has have had "
    "be been are were will would not this an they their which who but or after its also more than "
    "we i you about into over up out new says could should there when what one two".split()
)


LANGUAGE_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "es": "Spanish", "et": "Estonian",
    "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician",
    "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian",
    "is": "Icelandic", "it": "Italian", "ja": "Japanese", "ko": "Korean", "lt": "Lithuanian",
    "lv": "Latvian", "mk": "Macedonian", "ms": "Malay", "mt": "Maltese", "nb": "Norwegian",
    "nl": "Dutch", "nn": "Norwegian", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian",
    "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "th": "Thai", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


@lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_problem(text: str) -> str | None:
    """A reason to skip the text if it is clearly not English, else None.

    English prose is full of function words (the, of, and, to ... about 40% of news text); only
    texts long enough to judge and nearly free of them are run through py3langid, so a short or
    unusual English text is never rejected.
    """
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 12:
        return None
    sample = words[:400]
    ratio = sum(w in _EN_FUNCTION_WORDS for w in sample) / len(sample)
    if ratio >= 0.12:
        return None
    lang, prob = _language_identifier().classify(text[:5000])
    if lang == "en" or prob < 0.9:
        return None
    name = LANGUAGE_NAMES.get(lang, lang)
    return f"language looks like {name} ({lang}), only English is supported"
