"""Independent work on a second core: a forked child computes, the parent carries on.

Only large inputs are split (a fork and the pickling of results cost a few milliseconds), and
only where `fork` exists. The result is the one the parent would have computed itself: work is
split in order and joined in order, and if the child fails for any reason the parent does that
part itself, so errors surface exactly as without a child. The child never prints, writes files
or calls callbacks: it computes, sends its result down a pipe and leaves with `os._exit`.

`BRIEFING_WORKERS=1` turns it off, `BRIEFING_WORKERS=2` forces it; by default a second process
is used only when about a whole CPU is idle.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """How many processes may work at once: 2 when this process may use two CPUs and about a
    whole one is idle (on a busy machine a second process only adds contention), else 1.
    `BRIEFING_WORKERS` (1 or 2) decides instead."""
    env = os.environ.get("BRIEFING_WORKERS", "").strip()
    if not hasattr(os, "fork"):
        return 1
    if env.isdigit() and int(env) >= 1:
        return min(2, int(env))
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        idle = cpus - os.getloadavg()[0]
    except OSError:
        idle = cpus
    return 2 if cpus >= 2 and idle >= 0.8 else 1


class Background(Generic[T]):
    """`fn()` started in a forked child (or run now when there is no second core); `result()`
    returns it."""

    def __init__(self, fn: Callable[[], T], use_child: bool = True):
        self._fn = fn
        self._pid = 0
        self._read = -1
        self._done = False
        self._value: T | None = None
        if use_child and workers() > 1:
            self._start()
        if not self._pid:
            self._value, self._done = fn(), True

    def _start(self) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: compute, send, leave (no atexit, no buffered output)
            code = 1
            try:
                os.close(read)
                data = pickle.dumps(self._fn(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                code = 0
            except BaseException:  # the parent redoes the work and meets the error itself
                pass
            os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
        if self._done:
            return self._value  # type: ignore[return-value]
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._done = True
        if os.waitstatus_to_exitcode(status) == 0 and data:
            self._value = pickle.loads(data)
        else:
            self._value = self._fn()
        return self._value  # type: ignore[return-value]


def map_ordered(fn: Callable[[T], R], items: Sequence[T], min_items: int) -> list[R]:
    """`[fn(x) for x in items]`, the second half computed in a forked child when there are at
    least `min_items` items and a second core."""
    if len(items) < min_items or workers() < 2:
        return [fn(x) for x in items]
    half = (len(items) + 1) // 2
    tail = items[half:]
    rest = Background(lambda: [fn(x) for x in tail])
    head = [fn(x) for x in items[:half]]
    return head + rest.result()
