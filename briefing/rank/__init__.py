"""Rank: score every fact of a pool (the own ranker or any of sumy's), and select facts into a budget."""
