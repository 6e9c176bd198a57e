"""Rank: score every fact of a pool (the own ranker or any of sumy's), and select facts into a budget.

The method names live here, not in `methods`, so the command line can check them without
importing the ranking code (scipy, sumy)."""

SUMY_METHODS = (
    "lex-rank",
    "text-rank",
    "lsa",
    "luhn",
    "edmundson",
    "kl",
    "sum-basic",
    "reduction",
    "random",
)
METHODS = ("default", *SUMY_METHODS)
