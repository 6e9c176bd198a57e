"""The two pieces of nltk the pipeline uses, Punkt and the Snowball stemmer, without all of nltk.

Any `from nltk.x import y` first runs `nltk/__init__`, which imports nearly all of nltk and, through
it, scipy.stats and scikit-learn: about 2 s of CPU in every process, most of a small build. Punkt and
the Snowball stemmer themselves need only a few light nltk modules. They are loaded here under empty
stand-ins for their parent packages; afterwards every nltk module loaded that way is taken out of
`sys.modules` again, so a later `import nltk` elsewhere (sumy) gets the real, complete package. The
classes keep working: their functions hold their own modules' globals. When nltk is already
imported, the real modules are used as they are.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from functools import lru_cache

# Parent packages whose __init__ would import far more than the modules below need.
# `nltk.corpus` is only reached by snowball for its optional stop words, never used here.
_STAND_INS = ("nltk", "nltk.stem", "nltk.tokenize", "nltk.corpus")


def _load() -> tuple[type, type, type, object, int, int]:
    if "nltk" in sys.modules:
        from nltk.stem.snowball import SnowballStemmer
        from nltk.tokenize import punkt

        return _parts(punkt, SnowballStemmer)
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("nltk is not installed")
    root = list(spec.submodule_search_locations)[0]
    before = set(sys.modules)
    for name in _STAND_INS:
        stand_in = types.ModuleType(name)
        stand_in.__path__ = [os.path.join(root, *name.split(".")[1:])]
        sys.modules[name] = stand_in
    sys.modules["nltk.corpus"].stopwords = None  # type: ignore[attr-defined]
    try:
        from nltk.stem.snowball import SnowballStemmer
        from nltk.tokenize import punkt

        return _parts(punkt, SnowballStemmer)
    finally:
        for name in set(sys.modules) - before:
            if name == "nltk" or name.startswith("nltk."):
                del sys.modules[name]


def _parts(punkt: types.ModuleType, stemmer: type) -> tuple[type, type, type, object, int, int]:
    """Punkt's classes, the installed English model's parameters (None when absent: never
    downloaded) and its two orthographic flags, and the stemmer class."""
    try:  # inside _load, so the model lookup (nltk.data) is loaded light too
        model = punkt.PunktTokenizer("english")._params
    except Exception:
        model = None
    return (
        punkt.PunktParameters,
        punkt.PunktSentenceTokenizer,
        stemmer,
        model,
        punkt._ORTHO_BEG_UC,
        punkt._ORTHO_MID_LC,
    )


(
    PunktParameters,
    PunktSentenceTokenizer,
    SnowballStemmer,
    PUNKT_ENGLISH_MODEL,
    ORTHO_BEG_UC,
    ORTHO_MID_LC,
) = _load()


_ENGLISH = SnowballStemmer("english")


@lru_cache(maxsize=1 << 17)
def snowball_stem(word: str) -> str:
    """nltk's English Snowball stem, cached once for the whole process (pool, compose and
    disagreements stem the same words; nltk's stemmer is pure Python, ~20 us a word)."""
    return _ENGLISH.stem(word)
