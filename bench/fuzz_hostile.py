"""Fuzz the network half (issue 16): web servers and SMTP servers on loopback that misbehave in
generated ways, and print, per family, how many cases ran and how they ended.

    python bench/fuzz_hostile.py [--web 400] [--mail 150] [--seed 0]

web: one raw-socket HTTP server answers each case with a generated response: a status (200,
redirects to itself, to private addresses or to other schemes, errors, garbage), a content
type, a stack of Content-Encodings applied right, wrongly or not at all (gzip, deflate, br,
garbage; a stacked gzip bomb), a Content-Length right, short, long, missing or garbage,
chunked or not, sent whole, in pieces, trickled past the deadline or cut; bodies are articles,
JSON with lone surrogates, `<noscript>` pages, feeds whose links go anywhere, random bytes.
Each case is read through the fetcher (1 s deadline, 256 KB limit, private addresses allowed or
not). Invariants: it ends within the deadline (plus one second), with articles or a one-line
reason; no text keeps lone surrogates, bidi or invisible characters; memory stays bounded.

mail: a scripted SMTP server with a generated fault at one step (drop, long silence, 421, 451,
550 at the greeting, EHLO, MAIL, RCPT, DATA, the final "." or QUIT), a briefing whose title may
hold encoded words, controls or bidi overrides; the briefing is sent through the outbox (2
retries), then retried once as a later run would. Invariants: at most one copy the server
accepted or left unanswered; "sent" exactly when it accepted one; "uncertain" when the reply to
the final "." never came; every accepted message has only its own headers.

Counts per family: cases, clean (a briefing or one-line reason, invariants kept), tracebacks
(an exception not documented, or an invariant broken), hangs (past the deadline).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import gzip
import json
import logging
import random
import re
import resource
import signal
import socket
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hostilesupport import ScriptedSMTP, raw_http, read_request, stacked_gzip_bomb  # noqa: E402
from mailsupport import parse, settings_for  # noqa: E402

from briefing.deliver.outbox import Outbox, queue_and_send  # noqa: E402
from briefing.read.web import Fetcher, FetchError, collect_web, read_url  # noqa: E402

logging.disable(logging.CRITICAL)

INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")
DEADLINE, MAX_BYTES = 1.0, 256 * 1024
PARAS = [
    "The Harbour Bridge in Port Alder reopened to traffic on Tuesday after six months of repairs "
    "to its corroded steel cables, the city's transport department said.",
    "Engineers replaced 84 of the bridge's 120 suspension cables and resurfaced the whole deck, at "
    "a cost of 41 million dollars, according to the department.",
    "Mayor Ines Calloway said the repairs would keep the crossing safe for another forty years.",
]


class Hang(Exception):
    """A case ran past its guard: interrupted and counted, the run goes on."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang


@contextlib.contextmanager
def guard(seconds: float):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


class Counts:
    def __init__(self) -> None:
        self.rows: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.examples: list[str] = []

    def add(self, family: str, outcome: str, detail: str = "") -> None:
        self.rows[family]["cases"] += 1
        self.rows[family][outcome] += 1
        if outcome in ("tracebacks", "hangs") and len(self.examples) < 40:
            self.examples.append(f"{family} {outcome}: {detail[:400]}")


# ------------------------------------------------------------------ web


def _body(rng: random.Random, kind: str, base: str) -> tuple[bytes, str]:
    if kind == "article":
        paras = "".join(f"<p>{p}</p>" for p in PARAS)
        return f"<!DOCTYPE html><html><body><article><h1>Bridge</h1>{paras}</article></body></html>".encode(), "text/html"
    if kind == "noscript":
        paras = "".join(f"<p>{p}</p>" for p in PARAS)
        return (f"<!DOCTYPE html><html><body><article><noscript>NOSCRIPTED enable JavaScript"
                f"{rng.choice(['', '</noscript>'])}{paras}</article></body></html>").encode(), "text/html"
    if kind == "json":
        record = json.dumps({"title": "BridgeQ reopens\u202e", "text": " ".join(PARAS) + " Z",
                             "outlet": rng.choice([True, 3.5, ["A", 2], "Gazette"])})
        return record.replace("Q", "\\ud800").replace(" Z", " \\udfff").encode(), "application/json"
    if kind == "feed":
        links = [f"{base}/page", "http://10.0.0.1/x", "http://169.254.169.254/", "file:///etc/passwd",
                 "/relative", "javascript:x", f"{base}/feed", "http://[::1]/v6"]
        items = "".join(f"<item><title>t\u202e{i}</title><link>{link}</link></item>"
                        for i, link in enumerate(rng.sample(links, rng.randint(1, len(links)))))
        return f"<rss version='2.0'><channel><title>f</title>{items}</channel></rss>".encode(), "application/rss+xml"
    if kind == "path":  # a feed body that names a local file
        return b"/etc/passwd", "application/rss+xml"
    return rng.randbytes(rng.randint(0, 400)), rng.choice(["text/html", "application/octet-stream", ""])


def _encode(body: bytes, codings: list[str], how: str) -> bytes:
    if how == "none":
        return body
    layers = codings[:-1] if how == "wrong" and codings else codings
    for coding in layers:
        if coding in ("gzip", "x-gzip"):
            body = gzip.compress(body)
        elif coding == "deflate":
            body = zlib.compress(body)
    return body


def web_case(rng: random.Random, base: str) -> dict:
    kind = rng.choice(["article", "article", "noscript", "json", "feed", "path", "random", "bomb"])
    codings = rng.sample(["gzip", "deflate", "x-gzip", "identity", "br", "zz"], rng.randint(0, 3))
    if kind == "bomb":
        body, ctype, codings = stacked_gzip_bomb(16), "text/html", ["gzip", "gzip"]
        wire = body
    else:
        body, ctype = _body(rng, kind, base)
        wire = _encode(body, codings, rng.choice(["right", "right", "wrong", "none"]))
    status = rng.choice(["200 OK"] * 6 + ["301 Moved", "302 Found", "404 Not Found", "500 Oops", "bogus"])
    location = rng.choice([f"{base}/again", "http://10.1.1.1/", "http://localhost:9/", "ftp://x/",
                           "/relative", "http://[fe80::1]/"])
    return {"kind": kind, "wire": wire, "ctype": ctype, "codings": codings, "status": status,
            "location": location, "length": rng.choice(["right"] * 3 + ["short", "long", "none", "junk"]),
            "chunked": rng.random() < 0.3, "delivery": rng.choice(["whole"] * 4 + ["pieces", "trickle", "cut"]),
            "allow_private": rng.random() < 0.85, "seed": rng.random()}


def _serve(case: dict, conn: socket.socket) -> None:
    read_request(conn)
    wire = case["wire"]
    head = [f"HTTP/1.1 {case['status']}" if case["status"] != "bogus" else "HTTP/9 what"]
    if case["ctype"]:
        head.append(f"Content-Type: {case['ctype']}")
    if case["codings"]:
        head.append(f"Content-Encoding: {', '.join(case['codings'])}")
    if case["status"][:1] == "3":
        head.append(f"Location: {case['location']}")
    if case["chunked"]:
        head.append("Transfer-Encoding: chunked")
        wire = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n"
                        for p in (wire[i:i + 700] for i in range(0, len(wire), 700))) + b"0\r\n\r\n"
    else:
        n = {"right": len(wire), "short": max(0, len(wire) - 10), "long": len(wire) + 50}.get(case["length"])
        head.append("Content-Length: " + (str(n) if n is not None else "12x"))
        if case["length"] == "none":
            head.pop()
    data = ("\r\n".join([*head, "Connection: close"]) + "\r\n\r\n").encode() + wire
    rng = random.Random(case["seed"])
    if case["delivery"] == "whole":
        conn.sendall(data)
    elif case["delivery"] == "cut":
        conn.sendall(data[: rng.randint(0, len(data))])
    else:
        step, pause = (rng.randint(1, 200), 0.01) if case["delivery"] == "pieces" else (1, 0.15)
        for i in range(0, len(data), step):
            conn.sendall(data[i:i + step])
            time.sleep(pause)


def _clean_text(articles) -> None:
    for art in articles:
        for value in (art.text, art.title, art.outlet):
            assert not INVISIBLE.search(value), repr(value[:80])
            assert "NOSCRIPTED" not in value and value not in ("True", "3.5"), value[:80]


def run_web(cases: int, seed: int, counts: Counts) -> None:
    rng = random.Random(seed)
    holder: dict[str, dict] = {}
    with raw_http(lambda conn: _serve(holder["case"], conn)) as base:
        for _ in range(cases):
            holder["case"] = case = web_case(rng, base)
            start = time.monotonic()
            try:
                with guard(30), Fetcher(None, timeout=DEADLINE, max_bytes=MAX_BYTES,
                                        allow_private=case["allow_private"]) as fetcher:
                    if case["kind"] in ("feed", "path"):
                        got = collect_web([base + "/feed"], [], fetcher, "2031-01-02")
                        _clean_text(got.articles)
                        assert all("\n" not in s.reason for s in got.skipped)
                        assert all(not s.source.startswith("file:") or "not an http" in s.reason
                                   for s in got.skipped)
                    else:
                        _clean_text(read_url(fetcher, base + "/page")[0])
                outcome, detail = "clean", ""
                counts.rows["web ends"]["articles"] += 1
            except Hang:
                outcome, detail = "hangs", f"interrupted at 30 s {_brief(case)}"
            except (FetchError, ValueError) as exc:
                outcome, detail = ("clean", "") if "\n" not in str(exc) else ("tracebacks", str(exc))
                counts.rows["web ends"][re.sub(r"[\d:.'\"(].*", "", str(exc))[:40].strip()] += 1
            except Exception as exc:  # counted, shown below; the run goes on
                outcome, detail = "tracebacks", f"{type(exc).__name__}: {exc} {_brief(case)}"
            took = time.monotonic() - start
            # a feed reads several pages, each with its own deadline
            limit = DEADLINE + 1 if case["kind"] not in ("feed", "path") else 9 * (DEADLINE + 1)
            if took > limit:
                outcome, detail = "hangs", f"{took:.1f} s {_brief(case)}"
            counts.add("web", outcome, detail)


def _brief(case: dict) -> str:
    return str({k: v for k, v in case.items() if k != "wire"})


# ------------------------------------------------------------------ mail


TITLES = ["Talks resume in Geneva", "=?utf-8?q?Hi=0D=0ABcc:x@evil.example=0D=0A?=",
          "=?utf-8?b?SGkNCkJjYzogeEBldmlsLmV4YW1wbGUNCg0KYm9keQ==?=", "Talks \u202eavenег\u200b",
          "Talks\x1b]0;x\x07 \x85resume\u2028Bcc: y@evil.example", "Fähre – Genf 日本 " * 8]
MAIL_HEADERS = {"Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "MIME-Version",
                "Content-Type"}


def _markdown(title: str) -> str:
    return (f"# Daily briefing: {title}\n\n*2031-03-04 · 2 articles*\n\n## Key points\n\n"
            "- Negotiators returned to Geneva on Tuesday. [1]\n\n## Sources\n\n1. Wire, `w.txt`\n")


def _check_mail(server: ScriptedSMTP, first: str, final: str) -> None:
    delivered = [f for f in server.fates if f in ("accepted", "unanswered")]
    assert len(delivered) <= 1, f"{len(delivered)} copies: {server.fates}"
    if "accepted" in server.fates:
        assert final in ("sent", "already-sent"), (final, server.fates)
    elif "unanswered" in server.fates:
        assert first == final == "uncertain", (first, final, server.fates)
    else:
        assert final in ("waiting", "failed"), (final, server.fates)
    for data, fate in zip(server.messages, server.fates, strict=True):
        if fate == "accepted":
            msg = parse(data)
            assert set(msg.keys()) == MAIL_HEADERS, msg.keys()
            assert not re.search(f"[\r\n]|{INVISIBLE.pattern}", msg["Subject"]), msg["Subject"]


def run_mail(cases: int, seed: int, counts: Counts) -> None:
    rng = random.Random(seed + 1)
    steps = ["greeting", "ehlo", "mail", "rcpt", "data", "dot", "quit"]
    for _ in range(cases):
        step = rng.choice([*steps, "dot", "dot", ""])
        fault = rng.choice(["drop", "slow", "421 4.3.2 closing", "451 4.3.0 later", "550 5.7.1 no"])
        title = rng.choice(TITLES)
        start = time.monotonic()
        try:
            with guard(30), tempfile.TemporaryDirectory() as box, \
                    ScriptedSMTP(faults={step: fault} if step else {}, slow=0.6) as server:
                settings = settings_for(server.port, retries=2, backoff=0.01, timeout=0.4)
                first = queue_and_send(_markdown(title), settings, box).status
                again = Outbox(box).retry_all(settings)  # a later run, automatic
                final = again[0].status if again else "already-sent"
                _check_mail(server, first, final)
                counts.rows["mail ends"][f"{first}->{final}"] += 1
            outcome, detail = "clean", ""
        except Hang:
            outcome, detail = "hangs", f"interrupted at 30 s step={step} fault={fault}"
        except Exception as exc:  # counted, shown below; the run goes on
            outcome, detail = "tracebacks", f"{type(exc).__name__}: {exc} step={step} fault={fault}"
        if time.monotonic() - start > 3 * (0.4 + 0.6) + 3:
            outcome, detail = "hangs", f"step={step} fault={fault}"
        counts.add("mail", outcome, detail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--web", type=int, default=400, help="web cases")
    parser.add_argument("--mail", type=int, default=150, help="mail cases")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    counts = Counts()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    run_web(args.web, args.seed, counts)
    web_peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    run_mail(args.mail, args.seed, counts)
    for family in ("web", "mail"):
        row = counts.rows[family]
        print(f"{family}: cases {row['cases']}, clean {row['clean']}, tracebacks {row['tracebacks']}, "
              f"hangs {row['hangs']}")
        ends = counts.rows[f"{family} ends"].most_common()
        print("  how the clean ones ended: " + ", ".join(f"{k or '?'} {v}" for k, v in ends))
    for example in counts.examples:
        print("  " + example)
    print(f"peak memory added by the web cases: {web_peak:.0f} MB; {time.perf_counter() - start:.0f} s")
    bad = any(counts.rows[f]["tracebacks"] or counts.rows[f]["hangs"] for f in ("web", "mail"))
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
