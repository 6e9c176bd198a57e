"""Budgets: a briefing's sentences or words, shared across its sections by what each finds.

A section gets a share of what is left by its weight (the prompt's own split), takes the best
facts that fit it, and what a section cannot use (a question nothing in the pool answers, too
few facts of its own) goes back to the others in the next round, until the budget is met or
no section can add a fact. A bullet is a whole sentence (`text.wording.whole_sentence`, an
index column): at least six words, ending as a sentence ends, never one cut off with "...".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from briefing.pool.index import PoolIndex
from briefing.rank.select import Budget, select_facts


@dataclass(frozen=True, slots=True)
class Plan:
    """One section to fill: its facts' scores, the facts it must not show, its weight."""

    scores: np.ndarray
    off_topic: Collection[str]
    weight: float = 1.0


def _shares(left: int, weights: Sequence[float]) -> list[int]:
    """`left` split by weight, rounding down, the remainder to the first."""
    total = sum(weights) or 1.0
    shares = [int(left * w / total) for w in weights]
    shares[0] += left - sum(shares)
    return shares


@dataclass(frozen=True, slots=True)
class Pick:
    """A chosen fact and the version of its claim the bullet shows (itself, or a shorter one)."""

    fact: int
    shown: int


def _take(
    index: PoolIndex, plan: Plan, budget: Budget, used: list[Pick], similar: Mapping[int, Sequence[int]],
    shorter: Mapping[int, int],
) -> list[Pick]:
    """The section's best facts within `budget`, none shown already nor a near repeat of one.
    A bullet hides the repeats of the version it shows: the longer fact it stands for may be
    linked to others by a detail the bullet leaves out, and those stay facts of their own."""
    facts = index.facts
    banned = {facts[k].id for p in used for k in (p.fact, p.shown)} | set(plan.off_topic)
    banned |= {facts[j].id for p in used for j in similar.get(p.shown, ())}
    got: list[Pick] = []
    for i in select_facts(index, plan.scores, budget, exclude=banned):
        if facts[i].id in banned:
            continue  # a near repeat of a fact picked in this same call
        shown = shorter.get(i, i)
        if facts[shown].id in banned:
            shown = i  # the shorter version repeats a bullet shown already
        got.append(Pick(i, shown))
        banned |= {facts[i].id, facts[shown].id} | {facts[j].id for j in similar.get(shown, ())}
    return got


def _cost(index: PoolIndex, picks: Sequence[Pick], words: bool) -> int:
    return int(sum(index.words[p.shown] for p in picks)) if words else len(picks)


def _round(index, plans, left, words, chosen, used, similar, shorter, starved) -> bool:
    """One round: each section takes up to its share of what is left; True when any took."""
    took = False
    available = left
    for k, share in enumerate(_shares(left, [p.weight for p in plans])):
        share = min(share, available)
        if k in starved or share <= 0:
            continue
        got = _take(index, plans[k], Budget(words=share) if words else Budget(sentences=share), used, similar, shorter)
        if not got:
            starved.add(k)  # its share buys nothing it has: the others get it next round
            continue
        chosen[k].extend(got)
        used.extend(got)
        available -= _cost(index, got, words)
        took = True
    return took


def _last_round(index, plans, left, words, chosen, used, similar, shorter) -> bool:
    """What is left, whole, to each section in turn, until one can use it."""
    for k, plan in enumerate(plans):
        got = _take(index, plan, Budget(words=left) if words else Budget(sentences=left), used, similar, shorter)
        if got:
            chosen[k].extend(got)
            used.extend(got)
            return True
    return False


def fill_sections(
    index: PoolIndex,
    plans: Sequence[Plan],
    total: Budget,
    similar: Mapping[int, Sequence[int]],
    shorter: Mapping[int, int] | None = None,
) -> list[list[Pick]]:
    """The picks of each section, best first, within the total budget (sentences or words);
    `shorter`: fact index -> a shorter version of its claim to show instead."""
    words = total.words is not None
    limit = (total.words if words else total.sentences) or 0
    shorter = shorter or {}
    chosen: list[list[Pick]] = [[] for _ in plans]
    used: list[Pick] = []
    starved: set[int] = set()
    while plans:
        left = limit - _cost(index, used, words)
        if left <= 0:
            break
        if not _round(index, plans, left, words, chosen, used, similar, shorter, starved) and not _last_round(
            index, plans, left, words, chosen, used, similar, shorter
        ):
            break
    return chosen
