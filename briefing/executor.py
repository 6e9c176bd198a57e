"""Independent work on a second core: a forked child computes, the parent carries on.

Only large inputs are split (a fork and the pickling of results cost a few milliseconds), and
only where `fork` exists. The result is the one the parent would have computed itself: work is
split in order and joined in order, and if the child fails for any reason the parent does that
part itself, so errors surface exactly as without a child. The child never prints, writes files
or calls callbacks: it computes, sends its result down a pipe and leaves with `os._exit`.

`BRIEFING_WORKERS=1` turns it off, `BRIEFING_WORKERS=2` forces it; by default a second process
is used only when other processes leave about a whole CPU idle. That is measured, where Linux
tells (/proc/stat), as the machine's busy time since the last look minus this process's own
(and its children's): the load average would count this build's own recent work, so a build
run right after another would wrongly see a busy machine.
"""

from __future__ import annotations

import os
import pickle
import time
from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


R = TypeVar("R")


# Another process may use up to this much of a CPU, on average, for a second one to pay off.
OTHERS_MAX = 0.5


def _machine_busy() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (None where /proc/stat is not)."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = fh.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu" or len(fields) < 5:
        return None
    ticks = [int(v) for v in fields[1:8]]
    busy = sum(ticks) - ticks[3] - (ticks[4] if len(ticks) > 4 else 0)  # minus idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


_children: set[int] = set()  # forked children not yet waited for


def _child_cpu(pid: int) -> float:
    """CPU seconds of a running child so far (its own time counts as ours, not another's)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system + sum(map(_child_cpu, _children))


class _Sample:
    """One look at the machine: when, its busy seconds, and this process's own CPU seconds."""

    def __init__(self) -> None:
        self.wall = time.monotonic()
        self.busy = _machine_busy()
        self.own = _own_cpu()


_last = _Sample()  # taken at import, early in a build


_others: float | None = None  # the latest measure


def _others_load() -> float | None:
    """CPUs other processes kept busy, on average, since the previous look (the latest measure
    when that was too recent to tell; None when unknown)."""
    global _last, _others
    now = _Sample()
    if now.busy is None or _last.busy is None:
        return None
    if now.wall - _last.wall >= 0.2:
        busy = (now.busy - _last.busy) - (now.own - _last.own)
        _others = max(0.0, busy / (now.wall - _last.wall))
        _last = now
    return _others


def workers() -> int:
    """How many processes may work at once: 2 when this process may use two CPUs and other
    processes leave about a whole one idle (on a busy machine a second process only adds
    contention), else 1. `BRIEFING_WORKERS` (1 or 2) decides instead."""
    env = os.environ.get("BRIEFING_WORKERS", "").strip()
    if not hasattr(os, "fork"):
        return 1
    if env.isdigit() and int(env) >= 1:
        return min(2, int(env))
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return 1
    others = _others_load()
    if others is None:
        try:
            others = os.getloadavg()[0]
        except OSError:
            others = 0.0
    return 2 if cpus - others >= 2 - OTHERS_MAX else 1


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
        _children.add(pid)

    def result(self) -> T:
        if self._done:
            return self._value  # type: ignore[return-value]
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        _children.discard(self._pid)
        self._done = True
        if os.waitstatus_to_exitcode(status) == 0 and data:
            self._value = pickle.loads(data)
        else:
            self._value = self._fn()
        return self._value  # type: ignore[return-value]


def map_ordered(
    fn: Callable[[T], R], items: Sequence[T], min_items: int, cost: Callable[[T], float] | None = None
) -> list[R]:
    """`[fn(x) for x in items]`, the items after the middle computed in a forked child when
    there are at least `min_items` items and a second core. The middle is by `cost` (each
    item's expected work; by default all alike), so that both processes finish together."""
    if len(items) < min_items or workers() < 2:
        return [fn(x) for x in items]
    half = (len(items) + 1) // 2
    if cost is not None:
        running = list(accumulate(map(cost, items)))
        half = min(max(1, bisect_left(running, running[-1] / 2) + 1), len(items) - 1)
    tail = items[half:]
    rest = Background(lambda: [fn(x) for x in tail])
    head = [fn(x) for x in items[:half]]
    return head + rest.result()
