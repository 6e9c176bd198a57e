"""briefing.text.tfidf gives scikit-learn's tf-idf matrices and stop words without importing it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as SK_STOP
from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf
from sklearn.preprocessing import normalize as sk_normalize

from briefing.text import tfidf as textvec

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env
    ).stdout

DOCS = [
    "NATO leaders met in Vilnius on Tuesday; the summit agreed a €1.1bn package.",
    "The summit in Vilnius agreed on a package worth 1.1 billion euros, leaders said.",
    "Twenty-six allies backed the plan, and the plan was backed by 26 of the allies.",
    "It is what it is.",  # only stop words once they are dropped
    "Zelensky’s visit: “We are grateful,” he said — “grateful” twice, Zelensky Zelensky.",
    "",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii jj kk",
]


@pytest.mark.parametrize(
    "options",
    [
        {"sublinear_tf": True},
        {"sublinear_tf": True, "stop_words": "english"},
        {"sublinear_tf": True, "token_pattern": r"\S+"},
        {},
        # daily.stories' options
        {"sublinear_tf": True, "stop_words": sorted(SK_STOP), "ngram_range": (1, 2), "min_df": 2,
         "max_df": 0.5, "use_idf": True},
        {"sublinear_tf": True, "stop_words": sorted(SK_STOP), "ngram_range": (1, 2), "use_idf": False},
        {"sublinear_tf": True, "token_pattern": r"[^\s-]\S*", "lowercase": False, "min_df": 2,
         "max_df": 0.5},
    ],
)
def test_same_matrix_as_scikit_learn(options):
    ours, theirs = textvec.TfidfVectorizer(**options), SkTfidf(**options)
    A, B = ours.fit_transform(DOCS), theirs.fit_transform(DOCS)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert np.array_equal(A.indptr, B.indptr) and np.array_equal(A.indices, B.indices)
    assert np.array_equal(A.data, B.data)  # bit for bit, not approximately
    new = ["leaders agreed the package", "nothing known here", "Vilnius Vilnius summit"]
    assert np.array_equal(ours.transform(new).toarray(), theirs.transform(new).toarray())
    assert np.array_equal(textvec.unit_rows(A * 3.0).toarray(), sk_normalize(B * 3.0).toarray())
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())


def test_empty_vocabulary_is_a_value_error_as_in_scikit_learn():
    with pytest.raises(ValueError):
        textvec.TfidfVectorizer(stop_words="english").fit_transform(["it is what it is", "the"])


def test_stop_words_are_scikit_learns():
    assert textvec.ENGLISH_STOP_WORDS == frozenset(SK_STOP)


@pytest.mark.slow
def test_a_build_imports_neither_scikit_learn_nor_all_of_nltk(seeds_dir):
    code = (
        "import sys, json; from briefing.pipeline import build_briefing; build_briefing([sys.argv[1]]);"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'nltk')"
        " or m.startswith('scipy.stats'))))"
    )
    assert json.loads(_run(code, str(seeds_dir))) == []


@pytest.mark.slow
def test_nltk_imported_after_the_light_parts_is_whole():
    code = (
        "import briefing.text.punkt, nltk, nltk.tokenize.punkt as p, nltk.stem.snowball as s;"
        "print(nltk.tokenize.punkt is p, hasattr(nltk, 'word_tokenize'), s.SnowballStemmer('english').stem('running'))"
    )
    assert _run(code).split() == ["True", "True", "run"]
