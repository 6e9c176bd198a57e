"""Module-level work for the executor tests: a pool process or a Dask worker imports it by name."""

from __future__ import annotations

import os


def boom(x: int) -> int:
    if x == 7:
        raise ValueError("bad item 7")
    return x


def pid_and(x: int) -> tuple[int, int]:
    return os.getpid(), x
