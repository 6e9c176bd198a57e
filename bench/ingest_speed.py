"""Speed and effect of the first three stages (ingest, clean, split) on the evaluation clusters.

    python bench/ingest_speed.py [FILE_OR_FOLDER ...]

Default input ($BRIEFING_SHARED_DATA or ../shared/data): dev/{duc2003_task2,duc2007_main_partial,multiling2011_en}.jsonl
and ../shared/data/seeds. Prints CPU seconds per stage (process time, so other load on the
machine matters less), sentences per second for the splitter, the share of words cleaning
removed, and checks that the splitter's fast path (obvious sentence ends cut without Punkt)
gives exactly the sentences Punkt alone gives.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import briefing.read.sentences as S
from briefing.read.clean import clean_article
from briefing.read.files import ingest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("BRIEFING_SHARED_DATA") or ROOT.parent / "shared" / "data")
DEFAULT = [SHARED / "dev" / f"{n}.jsonl" for n in ("duc2003_task2", "duc2007_main_partial", "multiling2011_en")]
DEFAULT.append(SHARED / "seeds")


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [p for p in DEFAULT if p.exists()]
    if not paths:
        sys.exit("no input: pass files or folders (the shared evaluation data is absent)")
    S.tokenizer()  # built once per process; not part of the per-article cost

    t0 = time.process_time()
    raw = ingest(paths).articles
    t1 = time.process_time()
    cleaned = [clean_article(a) for a in raw]
    t2 = time.process_time()
    fast = [S.split_text(a.text) for a in cleaned]
    t3 = time.process_time()

    chunks, stop = S._obvious_chunks, S._INNER_STOP
    S._obvious_chunks, S._INNER_STOP = (lambda para: [para]), re.compile(r"[.!?]|$")
    t4 = time.process_time()
    punkt_only = [S.split_text(a.text) for a in cleaned]
    t5 = time.process_time()
    S._obvious_chunks, S._INNER_STOP = chunks, stop

    n_sent = sum(map(len, fast))
    words_in = sum(len(a.text.split()) for a in raw)
    words_out = sum(len(a.text.split()) for a in cleaned)
    same = sum(a == b for a, b in zip(fast, punkt_only, strict=True))
    print(f"input: {', '.join(p.name for p in paths)}")
    print(f"articles {len(raw)}, sentences {n_sent}")
    print(f"cpu seconds: ingest {t1 - t0:.2f}, clean {t2 - t1:.2f}, split {t3 - t2:.2f} "
          f"({n_sent / max(t3 - t2, 1e-9):,.0f} sentences/s; Punkt alone {t5 - t4:.2f})")
    print(f"clean kept {words_out:,} of {words_in:,} words ({100 * (1 - words_out / words_in):.2f}% removed)")
    print(f"fast path identical to Punkt alone on {same}/{len(cleaned)} articles")


if __name__ == "__main__":
    main()
