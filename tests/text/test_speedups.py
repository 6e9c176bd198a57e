"""The fast paths of the briefing step give exactly what the plain ways give."""

from __future__ import annotations

import random

from briefing.text import figures

PIECES = [
    "US$", "us$", "$", "€", "£", "¥", " ", "  ", "\n", "-", ",", ".", "%", " per cent", "(", ")",
    "twenty", "Twenty-one", "TEN", "ten", "often", "someone", "one", "nine", "nineteen", "eighty",
    "1", "26", "1,000", "3.5", "12,345.6", "٣", "2024", "bn", " million", "m", "k", "of", "the",
    "allies", "drones", "ſix", "İ", "ı", "K", "Seven", "fourteen", "tent", "zero", "x", "q",
    "Sept", "sep", "SEPTEMBER", "may", "Mayor", "March", "dec.", "4th", "21st", "on", "Jan",
]


def random_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30))) for _ in range(n)]


def test_every_number_word_has_a_start_to_find():
    words = figures._WORD_NUM.split("|")
    assert all(any(w.startswith(p) for p in figures._NUMBER_WORD_STARTS) for w in words)


def test_numbers_finds_what_the_regex_finds():
    for text in random_texts(3000):
        want = [(m.span(), m.groups()) for m in figures._NUMBER.finditer(text)]
        got = [(m.span(), m.groups()) for m in figures._numbers(text)]
        assert got == want, text


def test_date_matches_are_what_the_regex_finds():
    for text in random_texts(3000, seed=5):
        want = [(m.span(), m.groups()) for m in figures.DATE.finditer(text)]
        got = [(m.span(), m.groups()) for m in figures._date_matches(text)]
        assert got == want, text


def test_without_figures_is_the_regex_substitution():
    for text in random_texts(1000, seed=11):
        plain = figures.WEEKDAY.sub(" ", figures.DATE.sub(" ", figures._NUMBER.sub(" ", text)))
        assert figures.without_figures(text) == plain, text


def _random_rows(seed: int, n: int = 300, m: int = 120):
    """L2-normalised tf-idf rows over a skewed vocabulary (a few words in most rows), as
    textvec makes them, so rows keep the order terms were first seen."""
    from briefing.text.tfidf import TfidfVectorizer

    rng = random.Random(seed)
    words = [f"w{k}" for k in range(m)]
    weights = [1.0 / (k + 1) ** 1.1 for k in range(m)]
    docs = []
    for _ in range(n):
        size = rng.randint(1, 25)
        doc = rng.choices(words, weights, k=size)
        if docs and rng.random() < 0.1:  # some near copies
            doc = rng.choice(docs).split() + doc[:2]
        docs.append(" ".join(doc))
    return TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+").fit_transform(docs)


def test_pairs_possibly_above_hold_every_pair_above_the_threshold():
    import numpy as np

    from briefing.text.neighbours import pairs_possibly_above

    for seed in range(6):
        X = _random_rows(seed)
        full = (X @ X.T).toarray()
        for t in (0.1, 0.25, 0.35, 0.6):
            want = {(i, j) for i, j in zip(*np.nonzero(full > t), strict=True) if i < j}
            i, j = pairs_possibly_above(X, t)
            got = set(zip(i.tolist(), j.tolist(), strict=True))
            assert want <= got
            assert all(a < b for a, b in got)
        assert len(pairs_possibly_above(X, 0.35)[0]) < X.shape[0] * (X.shape[0] - 1) // 2


def test_exact_cosines_are_the_product_floats_in_the_product_order():
    import numpy as np

    from briefing.text.neighbours import (
        alike_pairs_by_product,
        as_product_lists,
        exact_cosines,
        in_stored_order,
    )

    for seed in range(4):
        X = _random_rows(seed)
        Xs = in_stored_order(X)
        assert Xs is not None
        want = list(alike_pairs_by_product(X, 0.2))
        i = np.array([a for a, b, _ in want if a < b])
        j = np.array([b for a, b, _ in want if a < b])
        sims = exact_cosines(Xs, i, j)
        assert list(as_product_lists(Xs, i, j, sims)) == want  # same pairs, floats and order


def test_fast_scans_agree_on_real_articles(seeds_dir):
    lines = [
        line
        for path in sorted(seeds_dir.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    found = 0
    for text in lines:
        dates = [(m.span(), m.groups()) for m in figures.DATE.finditer(text)]
        numbers = [(m.span(), m.groups()) for m in figures._NUMBER.finditer(text)]
        assert [(m.span(), m.groups()) for m in figures._date_matches(text)] == dates
        assert [(m.span(), m.groups()) for m in figures._numbers(text)] == numbers
        found += len(dates) + len(numbers)
    assert found > 20
