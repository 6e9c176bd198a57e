"""Issue 15's "Done when", measured: a two-day `briefing daily --email` on the real web path.

A loopback HTTP server serves ~15 real saved news pages, 10 three-outlet AllSides events and 5
DUC wire stories (agency copy), each made-up page in nav/byline/caption/teaser/newsletter
furniture, listed in an RSS 2.0 and an Atom feed; a loopback aiosmtpd server takes the mail.
The real console script (.venv/bin/briefing) runs `daily --email` on day 1, then on day 2 over
the same feed (nothing new). Each criterion is printed PASS/FAIL with its figure; the exit code
is 0 only when all pass. Run from the repository:

    .venv/bin/python bench/web_day.py [--show] [--keep DIR] [--seed N ...]

`--show` lists every offending text, section and link; `--keep` leaves the config, archive,
output and outbox in DIR/seed-N to read; `--seed` picks other pages and events (repeat it to
run several days, as the issue will be checked on pages and events not seen here).

What a reader sees is checked: the markdown and HTML rendered to their text (Python-Markdown,
lxml: one level of escapes and entities is markup, a second level shows), the JSON's strings,
the mail's Subject and plain part as they are (a plain-text reader sees them raw), and the text
of its HTML part. The shared data is found next to the repository, or where
BRIEFING_SHARED_DATA points. Lines marked `info` are not criteria.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import websupport as ws  # noqa: E402  (tests/ is not a package)

SHARED = Path(os.environ.get("BRIEFING_SHARED_DATA") or ROOT.parent / "shared" / "data")
ALSO, DEVELOPING = "Also reported", "Developing"
try:  # the section titles the daily run gives its non-story sections
    from briefing.daily.day import ALSO_TITLE as ALSO
    from briefing.daily.day import DEVELOPING_TITLE as DEVELOPING
except ImportError:  # pragma: no cover - renamed: the defaults above
    pass


@dataclass
class Check:
    name: str
    ok: bool
    figure: str
    details: list[str] = field(default_factory=list)
    info: bool = False


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    files: dict[str, str]  # format -> text of output/<date>.<format> ("" when not written)


# ---------------------------------------------------------------------------------------------
# running briefing
# ---------------------------------------------------------------------------------------------


def _fetch_extras() -> list[str]:
    """A `[fetch]` switch allowing loopback/private addresses, if the config has one by now."""
    try:
        from briefing.daily.config import _TABLES
    except ImportError:
        return []
    return [f"{key} = true" for key in sorted(_TABLES.get("fetch", ()))
            if re.search(r"loopback|private|local", key)]


def write_config(folder: Path, day: ws.Day, smtp_port: int) -> Path:
    feeds = ", ".join(f'"{f}"' for f in day.feeds)
    lines = [
        f"feeds = [{feeds}]", 'formats = ["md", "json", "html"]', 'db = "history.sqlite3"',
        "[budget]", "max_stories = 20", "also_reported = 20",  # room for 15 stories and every single
        "[fetch]", 'cache = "cache"', "max_entries = 100", "timeout = 20", *_fetch_extras(),
        "[mail]", 'host = "127.0.0.1"', f"port = {smtp_port}", 'security = "none"',
        'from = "Briefing <briefing@example.org>"', 'to = ["editor@example.org"]', 'outbox = "outbox"',
    ]
    path = folder / "briefing.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def briefing_command() -> list[str]:
    script = ROOT / ".venv" / "bin" / "briefing"
    if script.exists():
        return [str(script)]
    found = shutil.which("briefing")
    if not found:
        raise SystemExit("no `briefing` console script: run `pip install -e .` in .venv first")
    return [found]


def run_day(config: Path, date: str) -> Run:
    home = config.parent / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "XDG_"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), NO_COLOR="1")
    proc = subprocess.run([*briefing_command(), "daily", "--config", str(config), "--email",
                           "--date", date], capture_output=True, text=True, env=env, timeout=900)
    out = config.parent / "output"
    files = {fmt: (out / f"{date}.{fmt}").read_text(encoding="utf-8")
             if (out / f"{date}.{fmt}").is_file() else "" for fmt in ("md", "json", "html")}
    return Run(proc.returncode, proc.stdout, proc.stderr, files)


def archived(folder: Path) -> set[str]:
    archive = folder / "archive"
    return {str(p.relative_to(archive)) for p in archive.rglob("*")
            if p.is_file() and not p.name.startswith(".")} if archive.is_dir() else set()


# ---------------------------------------------------------------------------------------------
# the criteria
# ---------------------------------------------------------------------------------------------


def check_exit(days: list[Run]) -> Check:
    codes = [r.code for r in days]
    crashed = [f"day {n}: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''}"
               for n, r in enumerate(days, 1) if r.code or "Traceback" in r.stderr]
    ok = all(c == 0 for c in codes) and not crashed
    return Check("exit 0 both days", ok, ", ".join(f"day {n}: {c}" for n, c in enumerate(codes, 1)),
                 crashed)


def reader_texts(run: Run, mail) -> dict[str, str]:
    """What a reader sees of each format: markdown and HTML rendered, JSON strings, mail parts."""
    texts = {"md (rendered)": ws.markdown_text(run.files["md"]) if run.files["md"] else ""}
    if run.files["json"]:
        try:
            texts["json strings"] = "\n".join(ws.json_strings(json.loads(run.files["json"])))
        except ValueError:
            texts["json strings"] = ""
    texts["html page text"] = ws.html_text(run.files["html"]) if run.files["html"] else ""
    if mail is not None:
        subject, plain, rich = ws.mail_parts(mail)
        texts.update({"mail Subject": subject, "mail plain part": plain,
                      "mail html part text": ws.html_text(rich) if rich else ""})
    return texts


def check_clean(days: list[tuple[Run, object]]) -> Check:
    details, total, places = [], 0, set()
    for n, (run, mail) in enumerate(days, 1):
        for where, text in reader_texts(run, mail).items():
            found = ws.flaws(text)
            if found:
                total += len(found)
                places.add(where)
                details += [f"day {n} {where}: …{f}…" for f in found]
    figure = f"{total} escapes/entities in {len(places)} of 6 texts" + (
        f" ({', '.join(sorted(places))})" if places else "")
    return Check("no markdown escape / HTML entity in any text", total == 0, figure, details)


def _served_titles(day: ws.Day) -> dict[str, ws.Served]:
    return {ws.norm_title(t): item for item in day.items for t in (item.page.title, *item.page.titles)}


def check_headline(data: dict | None, run: Run, mail, day: ws.Day) -> Check:
    if not data:
        return Check("headline is a served page's title", False, "no JSON briefing")
    headline = data.get("headline", "")
    item = _served_titles(day).get(ws.norm_title(headline))
    subject = ws.mail_parts(mail)[0] if mail is not None else ""
    h1 = next((ln for ln in ws.markdown_text(run.files["md"]).splitlines() if ln.strip()), "")
    shown = [where for where, text in (("Subject", subject), ("md title", h1))
             if ws.norm_title(headline) not in ws.norm_title(text)]
    ok = item is not None and not shown
    figure = f"“{headline[:90]}”" + (f" = {item.page.group}" if item else " (no page has this title)")
    if shown:
        figure += f"; not in the {' and '.join(shown)}"
    return Check("headline is a served page's title", ok, figure, [f"Subject: {subject}", f"md: {h1}"])


def story_sections(data: dict, day: ws.Day) -> list[tuple[str, set[str], list[str]]]:
    """(title, events cited, unmatched source labels) of each story section."""
    sources = {s["number"]: s for s in data.get("sources", [])}
    out = []
    for section in data.get("sections", []):
        if section.get("title") in (ALSO, DEVELOPING):
            continue
        groups, unknown = set(), []
        for item in section.get("items", []):
            for number in item.get("citations", []):
                label = sources.get(number, {}).get("label", "")
                served = day.served(label)
                if served:
                    groups.add(served.page.group)
                else:
                    unknown.append(label or f"[{number}]")
        out.append((section.get("title", ""), groups, unknown))
    return out


def check_mixing(sections, day: ws.Day) -> Check:
    mixed = [(t, g) for t, g, _ in sections if len(g) > 1]
    unknown = [u for _, _, us in sections for u in us]
    details = [f"“{t[:70]}” mixes {len(g)}: " + "; ".join(
        f"{x} “{day.groups()[x][0].page.title[:50]}”" for x in sorted(g)) for t, g in mixed]
    details += [f"cited source not served: {u}" for u in unknown]
    ok = not mixed and not unknown and bool(sections)
    return Check("no story section mixes two events", ok,
                 f"{len(mixed)} of {len(sections)} story sections mixed", details)


def check_own_sections(sections, day: ws.Day) -> Check:
    own = {next(iter(g)) for _, g, _ in sections if len(g) == 1}
    events, wires = day.groups("event"), day.groups("wire")
    got_e = sorted(g for g in events if g in own)
    got_w = sorted(g for g in wires if g in own)
    ok = len(got_e) >= min(8, len(events)) and len(got_w) == len(wires)
    missing = [f"no own section: {g} “{items[0].page.title[:60]}”"
               for g, items in {**events, **wires}.items() if g not in own]
    return Check(">= 8/10 events and every wire story get their own section", ok,
                 f"events {len(got_e)}/{len(events)}, wire stories {len(got_w)}/{len(wires)}", missing)


def _linked(urls: list[str], document: str) -> list[str]:
    links = {ws.norm_url(h) for h in ws.html_links(document)} if document else set()
    return [u for u in urls if ws.norm_url(u) in links]


def check_links(data: dict | None, run: Run, mail) -> Check:
    urls = [s["label"] for s in (data or {}).get("sources", []) if re.match(r"https?://", s.get("label", ""))]
    rich = ws.mail_parts(mail)[2] if mail is not None else ""
    in_mail, in_page = _linked(urls, rich), _linked(urls, run.files["html"])

    def share(got: list[str]) -> float:
        return len(got) / len(urls) if urls else 0.0

    ok = bool(urls) and share(in_mail) >= 0.9 and share(in_page) >= 0.9
    figure = (f"mail html {len(in_mail)}/{len(urls)} ({share(in_mail):.0%}), "
              f"html page {len(in_page)}/{len(urls)} ({share(in_page):.0%})")
    details = [f"not a link in the mail: {u}" for u in urls if u not in in_mail][:10]
    details += [f"not a link in the page: {u}" for u in urls if u not in in_page][:10]
    return Check(">= 90% of sources with a URL are links (mail, page)", ok, figure, details)


def check_schema(days: list[Run]) -> Check:
    import jsonschema

    schema = json.loads((ROOT / "briefing" / "data" / "briefing.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    details, checked = [], 0
    for n, run in enumerate(days, 1):
        if not run.files["json"]:
            continue
        checked += 1
        try:
            errors = list(validator.iter_errors(json.loads(run.files["json"])))
        except ValueError as exc:
            details.append(f"day {n}: not JSON ({exc})")
            continue
        details += [f"day {n}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
    ok = checked > 0 and not details
    return Check("JSON validates against the schema", ok,
                 f"{len(details)} errors in {checked} JSON file(s)", details)


def check_day2(mails: tuple[int, int], files: tuple[set[str], set[str]], run: Run) -> Check:
    sent = mails[1] - mails[0]
    again = sorted(files[1] - files[0])
    line = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    ok = sent == 0 and not again
    return Check("day 2 (nothing new): no mail, nothing archived again", ok,
                 f"mails sent {sent}, files archived {len(again)}", [f"stderr: {line}", *again[:10]])


# ---------------------------------------------------------------------------------------------
# figures that are not criteria, but name the causes
# ---------------------------------------------------------------------------------------------

_DATELINE_BULLET = re.compile(r"^- [A-Z]{2,}[A-Z .'-]*(?:, [A-Z][A-Za-z .]{1,30})?(?: ?\([A-Za-z. ]{1,20}\))?"
                              r"\s*[\\_—–-]+\s")  # `- LONDON (AP) \_`, `- RAFAH, Gaza —`


def skipped_pages(run: Run, day: ws.Day) -> list[str]:
    """The served pages `daily` skipped, with its reason (a skip names the archived record)."""
    out = []
    for line in run.stderr.splitlines():
        m = re.match(r"skipped (.+?)(?:#\d+)?: (.*)$", line)
        if not m:
            continue
        try:
            url = json.loads(Path(m.group(1)).read_text(encoding="utf-8")).get("url", m.group(1))
        except (OSError, ValueError, AttributeError):
            url = m.group(1)
        served = day.served(url)
        out.append(f"{served.page.group if served else url}: {m.group(2)}")
    return out


def info_checks(data: dict | None, run: Run, mail, day: ws.Day, sections) -> list[Check]:
    md = run.files["md"]
    seen = ws.markdown_text(md)
    norm_seen = " ".join(seen.split())
    furniture = sorted({f for item in day.items for f in item.page.furniture if f in norm_seen})
    without = sorted({f"{item.page.group}: {w}" for item in day.items for w in item.page.without
                      if " ".join(w.split()) in norm_seen})
    datelines = [ln for ln in md.splitlines() if _DATELINE_BULLET.match(ln)]
    titled = []
    for title, groups, _ in sections:
        titles = {ws.norm_title(t) for g in groups for s in day.groups().get(g, [])
                  for t in (s.page.title, *s.page.titles)}
        if ws.norm_title(title) not in titles:
            titled.append(f"“{title[:80]}”")
    outlets = [s.get("outlet", "") for s in (data or {}).get("sources", [])]
    odd = sorted({o for o in outlets if " | " in o or len(o.split()) > 5 or ws.ENTITY.search(o)})
    urls = [s["label"] for s in (data or {}).get("sources", []) if s.get("label", "").startswith("http")]
    plain = ws.mail_parts(mail)[1] if mail is not None else ""
    in_plain = sum(1 for u in urls if u in plain)
    skips = skipped_pages(run, day)
    return [
        Check("served pages skipped on day 1", not skips, str(len(skips)), skips, True),
        Check("furniture sentences in the briefing", not furniture, str(len(furniture)), furniture, True),
        Check("real pages' must-not-contain in the briefing", not without, str(len(without)), without, True),
        Check("bullets starting with a dateline", not datelines, str(len(datelines)), datelines, True),
        Check("story titles that are not an article title", not titled,
              f"{len(titled)} of {len(sections)}", titled, True),
        Check("outlet names that look like taglines/entities", not odd, str(len(odd)), odd, True),
        Check("source URLs written in the mail plain part", in_plain == len(urls),
              f"{in_plain}/{len(urls)}", [], True),
    ]


# ---------------------------------------------------------------------------------------------
# the two days
# ---------------------------------------------------------------------------------------------


def two_days(folder: Path, args: argparse.Namespace, seed: int) -> tuple[list[Check], list[str]]:
    d1 = dt.date.today()
    dates = (d1.isoformat(), (d1 + dt.timedelta(days=1)).isoformat())  # `daily` collects from today on
    counts = {"real": args.real, "events": args.events, "wire": args.wire, "seed": seed}
    with ws.web_day(SHARED / "web", SHARED / "dev", dates[0], **counts) as day, ws.mail_sink() as (rec, port):
        config = write_config(folder, day, port)
        first = run_day(config, dates[0])
        after1 = (len(rec.received), archived(folder))
        second = run_day(config, dates[1])
        after2 = (len(rec.received), archived(folder))
        mails = [r.message for r in rec.received]
    mail1 = mails[0] if mails else None
    mail2 = mails[after1[0]] if len(mails) > after1[0] else None
    try:
        data = json.loads(first.files["json"]) if first.files["json"] else None
    except ValueError:
        data = None
    sections = story_sections(data, day) if data else []
    checks = [
        check_exit([first, second]),
        check_clean([(first, mail1), (second, mail2)]),
        check_headline(data, first, mail1, day),
        check_mixing(sections, day),
        check_own_sections(sections, day),
        check_links(data, first, mail1),
        check_schema([first, second]),
        check_day2((after1[0], after2[0]), (after1[1], after2[1]), second),
    ]
    if mail1 is None:
        checks[1].details.insert(0, "day 1 sent no mail: the mail texts were not checked")
    kinds = {k: len(day.groups(k)) for k in ("real", "event", "wire")}
    notes = [f"served {len(day.items)} pages: {kinds['real']} real, {kinds['event']} events "
             f"({len(day.groups('event')) and sum(len(v) for v in day.groups('event').values())} pages), "
             f"{kinds['wire']} wire stories ({sum(len(v) for v in day.groups('wire').values())} pages)",
             f"day 1 {dates[0]}: {_summary(first)}", f"day 2 {dates[1]}: {_summary(second)}"]
    if data and not any(s.get("title") == ALSO for s in data.get("sections", [])):
        notes.append(f"note: day 1 has no “{ALSO}” section, so its JSON shape is not tried")
    return checks + info_checks(data, first, mail1, day, sections), notes


def _summary(run: Run) -> str:
    lines = [ln for ln in run.stderr.splitlines() if ln.strip() and not ln.startswith("skipped ")]
    skipped = sum(1 for ln in run.stderr.splitlines() if ln.startswith("skipped "))
    return (lines[-1] if lines else "(no summary)") + (f" [{skipped} skip lines]" if skipped else "")


def report(checks: list[Check], notes: list[str], show: bool) -> bool:
    for note in notes:
        print(note)
    print()
    width = max(len(c.name) for c in checks)
    print(f"{'criterion':<{width}}  result  figure")
    for c in checks:
        result = ("ok" if c.ok else "note") if c.info else ("PASS" if c.ok else "FAIL")
        tag = " (info)" if c.info else ""
        print(f"{c.name + tag:<{width}}  {result:<6}  {c.figure}")
        limit = None if show else 3
        for line in c.details[:limit] if not c.ok or show else []:
            print(f"{'':<{width}}          - {line if show else line[:160]}")
        if not show and not c.ok and len(c.details) > 3:
            print(f"{'':<{width}}          ... {len(c.details) - 3} more (--show)")
    passed = sum(c.ok for c in checks if not c.info)
    criteria = sum(not c.info for c in checks)
    print(f"\n{passed} of {criteria} criteria pass")
    return passed == criteria


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list every offending item")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (must be empty)")
    parser.add_argument("--seed", type=int, action="append",
                        help="which pages and events to serve (default 1; repeat to run several days)")
    parser.add_argument("--real", type=int, default=15)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--wire", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the loopback server's request log
    if not (SHARED / "web").is_dir() or not (SHARED / "dev").is_dir():
        raise SystemExit(f"{SHARED} has no web/ and dev/: the benchmark needs the shared data")
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        raise SystemExit(f"{args.keep} is not empty")
    passed = []
    for seed in args.seed or [1]:
        print(f"=== seed {seed}")
        if args.keep:
            folder = (args.keep / f"seed-{seed}").resolve()
            folder.mkdir(parents=True)
            checks, notes = two_days(folder, args, seed)
        else:
            with tempfile.TemporaryDirectory(prefix="web-day-") as tmp:
                checks, notes = two_days(Path(tmp), args, seed)
        passed.append(report(checks, notes, args.show))
        print()
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
