"""The piece of nltk the pipeline uses, Punkt, without all of nltk.

Any `from nltk.x import y` first runs `nltk/__init__`, which imports nearly all of nltk and, through
it, scipy.stats and scikit-learn: about 2 s of CPU in every process, most of a small build. Punkt
itself needs only a few light nltk modules. They are loaded here under empty
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

# Parent packages whose __init__ would import far more than the modules below need.
_STAND_INS = ("nltk", "nltk.tokenize")


def _load() -> tuple[type, type, object, int, int]:
    if "nltk" in sys.modules:
        from nltk.tokenize import punkt

        return _parts(punkt)
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("nltk is not installed")
    root = list(spec.submodule_search_locations)[0]
    before = set(sys.modules)
    for name in _STAND_INS:
        stand_in = types.ModuleType(name)
        stand_in.__path__ = [os.path.join(root, *name.split(".")[1:])]
        sys.modules[name] = stand_in
    try:
        from nltk.tokenize import punkt

        return _parts(punkt)
    finally:
        for name in set(sys.modules) - before:
            if name == "nltk" or name.startswith("nltk."):
                del sys.modules[name]


def _parts(punkt: types.ModuleType) -> tuple[type, type, object, int, int]:
    """Punkt's classes, the installed English model's parameters (None when absent: never
    downloaded) and its two orthographic flags."""
    try:  # inside _load, so the model lookup (nltk.data) is loaded light too
        model = punkt.PunktTokenizer("english")._params
    except Exception:
        model = None
    return (
        punkt.PunktParameters,
        punkt.PunktSentenceTokenizer,
        model,
        punkt._ORTHO_BEG_UC,
        punkt._ORTHO_MID_LC,
    )


(
    PunktParameters,
    PunktSentenceTokenizer,
    PUNKT_ENGLISH_MODEL,
    ORTHO_BEG_UC,
    ORTHO_MID_LC,
) = _load()
