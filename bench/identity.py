"""Output identity: digests of every briefing the project makes from fixed inputs.

Builds, through the console script in subprocesses (so it works across any internal layout),
briefings of the seeds (default and summit prompts), every dev cluster, the render fixture of
the golden test and the bundled examples, in markdown, json and html; the seeds' pool as JSON;
and a two-day `briefing daily` over an inbox of dev articles. Prints one digest per output, or
compares them with a saved manifest:

    python bench/identity.py --save /tmp/before.json     # on the old code
    python bench/identity.py --check /tmp/before.json    # on the new code: lists any change

Exit status 1 when --check finds a difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import DEV, SETS, SHARED  # noqa: E402

SEEDS = Path(SHARED) / "seeds"
FORMATS = ("markdown", "json", "html")
DATE = "2025-09-05"


def _cli() -> list[str]:
    exe = Path(sys.executable).parent / "briefing"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "briefing"]


def _run(args: list[str], cwd: Path | None = None, env: dict | None = None) -> str:
    proc = subprocess.run([*_cli(), *args], capture_output=True, text=True, cwd=cwd, env=env)
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"
    return proc.stdout


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def cases(work: Path) -> dict[str, list[str]]:
    """name -> CLI arguments whose stdout is the output."""
    out: dict[str, list[str]] = {}
    inputs: dict[str, tuple[list[str], str]] = {
        "seeds": ([str(SEEDS)], "default"),
        "seeds-summit": ([str(SEEDS)], "summit"),
        "golden-serin": ([str(ROOT / "tests/fixtures/render/serin")], "summit"),
        "examples": ([str(ROOT / "examples/articles")], "default"),
    }
    for name in SETS:
        for line in (DEV / name).read_text(encoding="utf-8").splitlines():
            cluster = json.loads(line)
            folder = work / "clusters" / cluster["id"]
            folder.mkdir(parents=True, exist_ok=True)
            for k, doc in enumerate(cluster["documents"]):
                (folder / f"{k:02d}.json").write_text(json.dumps(doc), encoding="utf-8")
            inputs[f"dev-{cluster['id']}"] = ([str(folder)], "default")
    for name, (paths, prompt) in inputs.items():
        for fmt in FORMATS:
            out[f"{name}.{fmt}"] = ["build", *paths, "--prompt", prompt, "--format", fmt,
                                    "--date", DATE, "--out", "-"]
    out["seeds.pool"] = ["pool", str(SEEDS), "--json"]
    return out


def _daily(work: Path) -> dict[str, str]:
    """Two days of `briefing daily` over an inbox of dev articles: each day's files."""
    home = work / "daily"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    cfg = home / "config.toml"
    cfg.write_text('inboxes = ["inbox"]\nformats = ["md", "json", "html"]\n'
                   'db = "history.sqlite3"\n', encoding="utf-8")
    lines = (DEV / SETS[0]).read_text(encoding="utf-8").splitlines()
    env = {**os.environ, "HOME": str(home)}
    got: dict[str, str] = {}
    for day, chunk in (("2025-09-05", lines[:4]), ("2025-09-06", lines[2:7])):
        for line in chunk:
            cluster = json.loads(line)
            for k, doc in enumerate(cluster["documents"][:6]):
                (inbox / f"{day}-{cluster['id']}-{k}.json").write_text(json.dumps(doc), encoding="utf-8")
        status = _run(["daily", "--config", str(cfg), "--date", day], cwd=home, env=env)
        got[f"daily-{day}.status"] = _digest(status.replace(str(home), "HOME"))
        for f in sorted((home / "output").glob(f"{day}*")):
            got[f"daily-{f.name}"] = _digest(f.read_text(encoding="utf-8"))
    return got


def collect(jobs: int, dump: Path | None = None) -> dict[str, str]:
    work = Path(tempfile.mkdtemp(prefix="briefing-identity-"))
    try:
        todo = cases(work)
        with ThreadPoolExecutor(jobs) as ex:
            texts = dict(zip(todo, ex.map(_run, todo.values()), strict=True))
        # a skipped file is reported by its path, which holds this run's temporary folder
        texts = {name: text.replace(str(work), "WORK") for name, text in texts.items()}
        got = {name: _digest(text) for name, text in texts.items()}
        if dump:
            dump.mkdir(parents=True, exist_ok=True)
            for name, text in texts.items():
                (dump / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        got.update(_daily(work))
        return dict(sorted(got.items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--save", type=Path, help="write the digests to this file")
    ap.add_argument("--check", type=Path, help="compare with digests saved earlier")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dump", type=Path, help="also write every output into this folder")
    args = ap.parse_args()
    if not DEV.exists():
        raise SystemExit(f"{DEV} is absent: this script needs the shared dev data")
    got = collect(args.jobs, args.dump)
    if args.save:
        args.save.write_text(json.dumps(got, indent=1) + "\n", encoding="utf-8")
    if args.check:
        want = json.loads(args.check.read_text(encoding="utf-8"))
        changed = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
        for k in changed:
            print(f"changed: {k}")
        print(f"{len(got) - len(changed)} of {len(want)} outputs identical")
        return 1 if changed else 0
    if not args.save:
        for k, v in got.items():
            print(f"{v}  {k}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
