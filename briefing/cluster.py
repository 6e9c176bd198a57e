"""The executor's work on a Dask cluster (`dask.distributed`), when a scheduler is named.

Imported only by `briefing.executor` once a scheduler is named, so a run without one never
imports Dask. `map_ordered` cuts the items into shares of about equal cost (a few per worker
thread, so one slow worker holds up little), scatters the shares and the function (a
`functools.partial` carries a pool's signatures: sent once to every worker, not once per
share) and gathers the results in order. `run_later` scatters its arguments and submits one
call. The work is the same module-level function on the same plain records as in one
process, so the results are the same; a share whose task fails for any reason (its error, a
worker lost, the connection dropped) is computed again here, so an error surfaces exactly
as in one process.

Addresses: `tcp://host:8786` (or any Dask address) connects to a running scheduler, whose
workers must have the same version of briefing installed; `local` starts a LocalCluster of
one single-threaded worker process per CPU of this machine, `local:N` of N, on loopback,
closed when this process exits. Clients are kept per address for the life of the process.
"""

from __future__ import annotations

import atexit
import gc
import logging
import threading
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import partial
from itertools import accumulate
from typing import Any

from distributed import Client, LocalCluster

from briefing.errors import ConfigError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = "10s"  # an address with no scheduler behind it is an error this soon
SHARES_PER_THREAD = 2  # shares of a map per worker thread

_clients: dict[str, Client] = {}
_clusters: list[LocalCluster] = []
_lock = threading.Lock()


def _cpus() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _connect(address: str) -> Client:
    try:
        if address.startswith("local"):
            n = int(address.partition(":")[2] or _cpus())
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address="127.0.0.1:0")
            _clusters.append(cluster)
            log.info("started a LocalCluster of %d workers at %s", n, cluster.scheduler_address)
            return Client(cluster, set_as_default=False)
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler {address}: {exc}") from None


def client(address: str) -> Client:
    """The client of `address`, connected (or the local cluster started) on first use."""
    with _lock:
        found = _clients.get(address)
        if found is None or found.status not in ("running", "connecting"):
            found = _clients[address] = _connect(address)
        return found


@atexit.register
def close_all() -> None:
    """Close every client, then the local clusters this process started."""
    with _lock:
        for c in _clients.values():
            c.close()
        _clients.clear()
        for cluster in _clusters:
            cluster.close()
        _clusters.clear()


def _threads(c: Client) -> int:
    return max(1, sum(c.nthreads().values()))


def _run_share(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """On a worker: one share, the cycle collector paused as in a build (less CPU, same result)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        return [fn(x) for x in items]
    finally:
        if was_on:
            gc.enable()


def _call(fn: Callable[..., Any], args: tuple) -> Any:
    return fn(*args)


def shares(n: int, parts: int, cost: Callable[[Any], float] | None, items: Sequence[Any]) -> list[tuple[int, int]]:
    """`parts` runs of `range(n)` (fewer when there are fewer items) of about equal cost."""
    parts = max(1, min(parts, n))
    if cost is None:
        bounds = [round(n * k / parts) for k in range(parts + 1)]
    else:
        running = list(accumulate(map(cost, items)))
        total = running[-1] or 1.0
        bounds = [0] + [bisect_left(running, total * k / parts) + 1 for k in range(1, parts)] + [n]
    bounds = sorted(set(min(max(b, 0), n) for b in bounds))
    return list(zip(bounds, bounds[1:], strict=False))


def map_ordered(address: str, fn: Callable[[Any], Any], items: Sequence[Any],
                cost: Callable[[Any], float] | None = None) -> list[Any]:
    """`[fn(x) for x in items]`, computed on the cluster at `address` in shares."""
    c = client(address)
    runs = shares(len(items), SHARES_PER_THREAD * _threads(c), cost, items)
    parts = [list(items[a:b]) for a, b in runs]
    # a partial holds the stage's shared data: on every worker once; a plain function is a name
    fn_ref = c.scatter([fn], broadcast=True, hash=False)[0] if isinstance(fn, partial) else fn
    data = c.scatter(parts, hash=False)
    futures = [c.submit(_run_share, fn_ref, d, pure=False) for d in data]
    out: list[Any] = []
    for fut, part in zip(futures, parts, strict=True):
        out += _result(fut, lambda part=part: _run_share(fn, part))
    c.cancel([*futures, *data, *([fn_ref] if fn_ref is not fn else [])])
    return out


def _result(fut: Any, here: Callable[[], Any]) -> Any:
    try:
        return fut.result()
    except Exception as exc:  # redone here: the error (if it is one) surfaces as in one process
        log.warning("a share failed on the cluster (%s: %s); computing it here", type(exc).__name__, exc)
        return here()


class Remote:
    """The result of `run_later` on a cluster: `.result()` waits for it (or computes it here)."""

    def __init__(self, c: Client, fn: Callable[..., Any], args: tuple) -> None:
        self._fn, self._args, self._client = fn, args, c
        self._data = c.scatter([args], hash=False)[0]
        self._future = c.submit(_call, fn, self._data, pure=False)

    def result(self) -> Any:
        try:
            return _result(self._future, lambda: self._fn(*self._args))
        finally:
            self._client.cancel([self._future, self._data])


def run_later(address: str, fn: Callable[..., Any], args: tuple) -> Remote:
    """`fn(*args)` started on the cluster at `address`."""
    return Remote(client(address), fn, args)
