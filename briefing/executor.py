"""Where parallel work runs: one seam, chosen by the `workers` setting.

Stages hand work to `map_ordered` (a function over items) and `run_later` (one call whose
result is needed later). The work is a module-level function, or a `functools.partial` of one,
over plain records, so any executor can run it; results come back in order, and are the ones
the calling process would have computed itself. With one worker everything runs in this
process. With two, the second share runs in a process of a `concurrent.futures` process pool
while this process does the first: on Linux the pool's process is forked after the work is
set aside, so it inherits the work instead of having it pickled (a pool's sentences or
signatures would cost more to pickle than to process). If that process fails for any reason,
this process does its share itself, so errors surface exactly as with one worker.

A cluster: `using(n, scheduler)` (the CLI's `--scheduler`, a daily config's `[run] scheduler`),
else the `BRIEFING_SCHEDULER` environment variable, names a Dask scheduler (`tcp://host:8786`)
or `local` (a LocalCluster started for this process): then the same work goes to that cluster
(`briefing.cluster`, imported only then) in shares, and this process only gathers it. With
none named, nothing of Dask is imported and the work runs as below.

The setting: `using(n)` for a block of work (the CLI's `--workers`, a daily config's
`[run] workers`), else the `BRIEFING_WORKERS` environment variable, else automatic: two when
this process may use two CPUs and other processes leave about a whole one idle (on a busy
machine a second process only adds contention), measured as the machine's busy CPU time since
the last look minus this process's own and its children's (the load average would count this
build's own recent work, so a build run right after another would see a busy machine).
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import multiprocessing
import os
import threading
import time
import types
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 2  # the work is split in two shares: more would not pay on two cores
OTHERS_MAX = 0.5  # other processes may use this much of a CPU for a second worker to pay off

_setting: contextvars.ContextVar[int | None] = contextvars.ContextVar("briefing_workers", default=None)
_scheduler: contextvars.ContextVar[str | None] = contextvars.ContextVar("briefing_scheduler", default=None)

SCHEDULER_ENV = "BRIEFING_SCHEDULER"
NO_SCHEDULER = ("", "none")  # names that keep the work in this process
_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")  # Dask's address schemes


@contextlib.contextmanager
def using(workers: int | None, scheduler: str | None = None) -> Iterator[None]:
    """Work inside the block uses this many workers (None: the environment, else automatic)
    and this scheduler (None: the environment, else none; "none": none)."""
    token = _setting.set(workers)
    named = _scheduler.set(scheduler)
    try:
        yield
    finally:
        _scheduler.reset(named)
        _setting.reset(token)


def check_scheduler(text: str) -> str:
    """A scheduler setting, normalised: "none", "local", "local:N" or `scheme://host[:port]`;
    ValueError says what is wrong."""
    value = text.strip()
    low = value.lower()
    if low in NO_SCHEDULER:
        return "none"
    if low == "local" or (low.startswith("local:") and low[6:].isdigit() and int(low[6:]) >= 1):
        return low
    scheme, sep, rest = value.partition("://")
    if sep and scheme.lower() in _SCHEMES and rest and not any(c.isspace() for c in rest):
        return f"{scheme.lower()}://{rest}"
    raise ValueError(f"must be a Dask scheduler address (tcp://host:8786), local, local:N or none, got {text!r}")


def _cluster() -> types.ModuleType:
    """`briefing.cluster`, imported only once a scheduler is named (it imports Dask)."""
    try:
        from briefing import cluster
    except ImportError as exc:
        from briefing.errors import ConfigError

        raise ConfigError(f"a Dask scheduler is named but Dask is not installed "
                          f"(pip install 'briefing[dask]'): {exc}") from None
    return cluster


def scheduler() -> str:
    """The Dask scheduler work goes to ("" for none): the setting, else the environment."""
    chosen = _scheduler.get()
    if chosen is None:
        chosen = os.environ.get(SCHEDULER_ENV, "")
    value = check_scheduler(chosen)
    return "" if value == "none" else value


def _fork_context() -> multiprocessing.context.BaseContext | None:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: the work stays in this process
        return None


def workers() -> int:
    """How many processes may work at once (1 or 2), by the setting, else the environment,
    else the machine's idle CPUs."""
    if _fork_context() is None:
        return 1
    chosen = _setting.get()
    env = os.environ.get("BRIEFING_WORKERS", "").strip()
    if chosen is None and env.isdigit() and int(env) >= 1:
        chosen = int(env)
    if chosen is not None:
        return max(1, min(MAX_WORKERS, chosen))
    return 2 if _idle_cpus() >= 2 - OTHERS_MAX else 1


def _idle_cpus() -> float:
    """CPUs this process may use, minus what other processes kept busy since the last look."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return float(cpus)
    return cpus - _load.others()


class _Load:
    """CPUs other processes kept busy, on average, between two looks at the machine."""

    def __init__(self) -> None:
        self._last = self._look()
        self._others: float | None = None

    @staticmethod
    def _look() -> tuple[float, float, float]:
        import psutil

        busy = psutil.cpu_times()
        machine = sum(busy) - busy.idle - getattr(busy, "iowait", 0.0)
        me = psutil.Process()
        own = sum(me.cpu_times()[:4])  # user, system and waited-for children
        for child in multiprocessing.active_children():  # our pool's running processes
            with contextlib.suppress(psutil.Error, ValueError):
                own += sum(psutil.Process(child.pid).cpu_times()[:2])
        return time.monotonic(), machine, own

    def others(self) -> float:
        now = self._look()
        wall, machine, own = (a - b for a, b in zip(now, self._last, strict=True))
        if wall >= 0.2 or self._others is None:
            self._others = max(0.0, (machine - own) / max(wall, 1e-3))
            self._last = now
        return self._others


_load = _Load()  # the first look is taken at import, early in a run

# Work set aside for the pool's process, by key: a forked process inherits it.
_inherited: dict[int, tuple[Callable, tuple]] = {}
_keys = itertools.count()


def _exit_with(parent: int) -> None:
    """In a pool's process: leave as soon as the process that started it is gone (killed), so
    no orphan keeps computing or holds the parent's output pipes open."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _run_inherited(key: int) -> object:
    fn, args = _inherited[key]
    return fn(*args)


def _apply(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    return [fn(x) for x in items]


class Later(Generic[R]):
    """The result of `run_later`: computed in the pool's process, or here."""

    def __init__(self, fn: Callable[..., R], args: tuple, parallel: bool) -> None:
        self._fn, self._args = fn, args
        self._future: Future | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._key = -1
        if parallel and workers() > 1:
            self._start()
        if self._future is None:
            self._value, self._done = fn(*args), True
        else:
            self._done = False

    def _start(self) -> None:
        self._key = next(_keys)
        _inherited[self._key] = (self._fn, self._args)
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=_fork_context(), initializer=_exit_with, initargs=(os.getpid(),)
            )
            self._future = self._pool.submit(_run_inherited, self._key)
        except (OSError, RuntimeError):
            self._close()

    def _close(self) -> None:
        _inherited.pop(self._key, None)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._future = None

    def result(self) -> R:
        if not self._done:
            try:
                self._value = self._future.result()  # type: ignore[union-attr]
            except Exception:  # the work is redone here and meets its error itself
                self._value = self._fn(*self._args)
            finally:
                self._close()
            self._done = True
        return self._value


def run_later(fn: Callable[..., R], *args: object, parallel: bool = True) -> Later[R]:
    """`fn(*args)`, started in a second process when there is a second worker (and `parallel`),
    or on the named cluster, else now; `.result()` returns it."""
    address = scheduler() if parallel else ""
    if address:
        return _cluster().run_later(address, fn, args)  # type: ignore[return-value]
    return Later(fn, args, parallel)


def map_ordered(
    fn: Callable[[T], R], items: Sequence[T], min_items: int, cost: Callable[[T], float] | None = None
) -> list[R]:
    """`[fn(x) for x in items]`; with at least `min_items` items and a second worker, the items
    after the middle run in a second process. The middle is by `cost` (each item's expected
    work; by default all alike), so that both processes finish together."""
    if len(items) < min_items:
        return _apply(fn, items)
    address = scheduler()
    if address:
        return _cluster().map_ordered(address, fn, items, cost)
    if workers() < 2:
        return _apply(fn, items)
    half = (len(items) + 1) // 2
    if cost is not None:
        running = list(accumulate(map(cost, items)))
        half = min(max(1, bisect_left(running, running[-1] / 2) + 1), len(items) - 1)
    rest = run_later(_apply, fn, items[half:])
    head = _apply(fn, items[:half])
    return head + rest.result()
