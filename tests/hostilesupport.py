"""Servers that misbehave on purpose, on loopback: a raw-socket HTTP server whose every
connection runs a script (trickle, bombs, redirects), a scripted raw-socket SMTP server, and a
way to run a command in a subprocess and read its peak memory."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

Script = Callable[[socket.socket], None]


def read_request(conn: socket.socket) -> bytes:
    """The request head (up to the blank line)."""
    data = b""
    while b"\r\n\r\n" not in data:
        got = conn.recv(4096)
        if not got:
            break
        data += got
    return data


@contextlib.contextmanager
def raw_http(script: Script, host: str = "127.0.0.1") -> Iterator[str]:
    """A server on `host` running `script(conn)` for each connection; yields its base URL.
    Leaving the block closes the listening socket and every connection still open."""
    listener = socket.create_server((host, 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    conns: list[socket.socket] = []

    def serve_one(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            script(conn)
        with contextlib.suppress(OSError):
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conns.append(conn)
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        listener.close()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()


def respond(body: bytes, content_type: str = "text/html; charset=utf-8",
            extra: str = "", status: str = "200 OK") -> Script:
    def script(conn: socket.socket) -> None:
        read_request(conn)
        head = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n")
        conn.sendall(head.encode() + body)
    return script


def trickle(interval: float = 0.2, headers_too: bool = False, stop_after: float = 30.0) -> Script:
    """Headers (or, with headers_too, the headers themselves) then one byte every `interval`
    seconds: each read is quick, the download never ends."""
    def script(conn: socket.socket) -> None:
        read_request(conn)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n"
        start = time.monotonic()
        if not headers_too:
            conn.sendall(head)
            head = b""
        for byte in head + b"x" * 1_000_000:
            if time.monotonic() - start > stop_after:
                return
            conn.sendall(bytes([byte]))
            time.sleep(interval)
    return script


def varied_paragraphs(n: int, seed: int = 7) -> bytes:
    """`n` paragraphs of invented sentences, no two alike."""
    rng = random.Random(seed)
    syllables = "ba ko ri ne stu par mon tel vi gra den lo sa mer ton fi".split()
    words = ["".join(rng.choices(syllables, k=rng.randint(2, 3))) for _ in range(3000)]
    paras = (" ".join(rng.choices(words, k=18)).capitalize() + " said the council."
             for _ in range(n))
    return "".join(f"<p>{p}</p>\n" for p in paras).encode()


def chunked_stream(total: int, piece: bytes | None = None) -> Script:
    """A page of `total` bytes sent chunked (no Content-Length), as fast as it is read."""
    piece = piece or varied_paragraphs(400)

    def script(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"1b\r\n<!DOCTYPE html><html><body>\r\n")
        sent = 0
        while sent < total:
            conn.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            sent += len(piece)
        conn.sendall(b"0\r\n\r\n")
    return script


def gzip_bytes(chunks: Iterator[bytes] | list[bytes]) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [packer.compress(c) for c in chunks]
    return b"".join([*out, packer.flush()])


@lru_cache(maxsize=2)
def stacked_gzip_bomb(megabytes: int = 256) -> bytes:
    """`Content-Encoding: gzip, gzip` bomb: a few kilobytes that decode to `megabytes` MB."""
    zeros = bytes(16 << 20)
    inner = gzip_bytes(zeros for _ in range(megabytes // 16))
    return gzip_bytes([inner])


# ------------------------------------------------------------------ peak memory of a command


_MEASURE = """
import resource, sys, time
import briefing.cli.main, briefing.pipeline, briefing.render.formats, briefing.deliver.files
import briefing.read.web, trafilatura, httpx  # imports done first
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
try:
    briefing.cli.main.app(sys.argv[1:])
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stderr.write(f"\\nMEASURE {code} {(peak - before) / 1024:.1f} {time.perf_counter() - t:.2f}\\n")
"""


def measured(args: list[str], cwd: Path, env: dict[str, str] | None = None,
             timeout: float = 120) -> tuple[int, str, float, float]:
    """`briefing ARGS` in a fresh process: exit code, stderr, MB of peak memory the command
    added on top of its imports, and seconds."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True,
                          env=full, cwd=cwd, timeout=timeout, check=False)
    stderr, _, measure = proc.stderr.rpartition("MEASURE ")
    assert measure, proc.stderr[-3000:]
    code, grown, secs = measure.split()[:3]
    assert code.lstrip("-").isdigit(), proc.stderr[-3000:]
    return int(code), stderr, float(grown), float(secs)


# ------------------------------------------------------------------ a scripted SMTP server


class ScriptedSMTP:
    """A raw-socket SMTP server on loopback, one line at a time, that keeps each message it
    received whole (DATA up to its final ".") with what became of it: "accepted" (250 sent),
    "refused" (an error reply sent) or "unanswered" (no reply: it may count as delivered).

    `hold`: "quit" keeps the reply to QUIT back, "dot" the reply to the final "."; `held` is set
    once the client waits on it (when a test kills the client). `faults` maps a step (greeting,
    ehlo, mail, rcpt, data, dot, quit) to what happens there instead of the normal reply, in the
    first session only: "drop" (close the connection), "slow" (say nothing for `slow` seconds,
    then close) or a reply such as "451 4.3.0 later"."""

    def __init__(self, hold: str = "", faults: dict[str, str] | None = None, slow: float = 1.0) -> None:
        self.hold = hold
        self.faults = dict(faults or {})
        self.slow = slow
        self.held = threading.Event()
        self.messages: list[bytes] = []
        self.fates: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> ScriptedSMTP:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(2)

    def _serve(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with contextlib.suppress(OSError), conn:
                self._session(conn.makefile("rb"), conn)
            self.faults = {}  # later sessions behave

    def _reply(self, conn: socket.socket, step: str, normal: bytes) -> bool:
        """Answer one step; False when the session ends here."""
        fault = self.faults.get(step, "")
        if self.hold == step or fault in ("drop", "slow"):
            if step == "dot":
                self.fates[-1] = "unanswered"
            if self.hold == step:
                self.held.set()
                self._stop.wait(30)
            elif fault == "slow":
                self._stop.wait(self.slow)
            return False
        if fault:
            conn.sendall(fault.encode() + b"\r\n")
            if step == "dot":
                self.fates[-1] = "refused"
            return not fault.startswith("421")
        conn.sendall(normal)
        return step != "quit"

    def _session(self, lines, conn: socket.socket) -> None:
        if not self._reply(conn, "greeting", b"220 scripted ESMTP\r\n"):
            return
        for line in iter(lines.readline, b""):
            verb = line[:4].upper().decode("ascii", "replace")
            step = {"EHLO": "ehlo", "HELO": "ehlo", "MAIL": "mail", "RCPT": "rcpt", "DATA": "data",
                    "QUIT": "quit"}.get(verb, "other")
            normal = {"ehlo": b"250-scripted\r\n250 8BITMIME\r\n", "data": b"354 go ahead\r\n",
                      "quit": b"221 bye\r\n"}.get(step, b"250 ok\r\n")
            if not self._reply(conn, step, normal):
                return
            if step == "data" and not self.faults.get("data"):
                body: list[bytes] = []
                while (got := lines.readline()) not in (b".\r\n", b""):
                    body.append(got)
                if not got:
                    return  # cut before its end: not a message
                self.messages.append(b"".join(body))
                self.fates.append("accepted")
                if not self._reply(conn, "dot", b"250 2.0.0 queued\r\n"):
                    return
