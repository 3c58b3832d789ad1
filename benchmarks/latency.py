"""Latency and resource figures: warm p50/p95, cold start, ingest time and peak RSS.

    .venv/bin/python benchmarks/latency.py [--reps 3] [--skip-ingest]

Why: the scorer's timing mixes start-up into the first answer and measures gaps between output
lines; this separates the three costs a user actually meets (a warm question, a fresh process,
a re-index) so a regression in any one of them is visible. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant import eval_score, eval_sets  # noqa: E402

COLD_QUESTION = "When is the second deadline for expressions of interest?"

# run in a fresh interpreter so imports, model load and index load are all counted
COLD_SNIPPET = """
import json, resource, sys, time
t0 = time.perf_counter()
from assistant.api import Assistant
t_import = time.perf_counter() - t0
a = Assistant()
ans = a.ask(sys.argv[1])
t_first = time.perf_counter() - t0
print(json.dumps({"import_s": t_import, "first_answer_s": t_first, "abstained": ans.abstained,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

INGEST_SNIPPET = """
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from ingest.config import load_settings
from ingest.pipeline import run_ingest
report = run_ingest(load_settings(data_dir=Path(sys.argv[1])))
print(json.dumps({"seconds": time.perf_counter() - t0, "pipeline_s": report.seconds, "chunks": report.chunks,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(code: str, *args: str) -> tuple[dict, float]:
    """Run a snippet in a new interpreter; return its JSON line and the wall time seen from outside."""
    t0 = time.perf_counter()
    cmd = [sys.executable, "-c", code, *args]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    line = next(x for x in reversed(proc.stdout.splitlines()) if x.startswith("{"))
    return json.loads(line), wall


def warm(reps: int) -> None:
    from assistant.api import Assistant

    items = [it for path in eval_sets.default_sets() for it in eval_sets.load_set(path)]
    assistant = Assistant()
    assistant.ask(COLD_QUESTION)
    lats = []
    for _ in range(reps):
        for it in items:
            req = eval_sets.request_for(it)
            t0 = time.perf_counter()
            assistant.ask(req["question"], req["history"])
            lats.append(time.perf_counter() - t0)
    t = eval_score.timing_summary(lats)
    print(
        f"warm: {len(items)} questions x {reps} reps = {len(lats)} asks  mean {t['mean_s']:.3f}s  "
        f"p50 {t['p50_s']:.3f}s  p95 {t['p95_s']:.3f}s  max {t['max_s']:.3f}s"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="repetitions of the question list (warm latency)")
    ap.add_argument("--skip-ingest", action="store_true", help="skip the fresh ingest into a temporary dir")
    args = ap.parse_args(argv)
    print(f"nproc: {len(os.sched_getaffinity(0))}  python: {sys.version.split()[0]}")
    warm(args.reps)
    cold, wall = child(COLD_SNIPPET, COLD_QUESTION)
    print(
        f"cold start: {wall:.2f}s wall (new process: interpreter + imports {cold['import_s']:.2f}s + "
        f"first answer at {cold['first_answer_s']:.2f}s)  peak RSS {cold['peak_rss_mib']:.0f} MiB"
    )
    if not args.skip_ingest:
        with tempfile.TemporaryDirectory(prefix="csc-ingest-") as tmp:
            ing, wall = child(INGEST_SNIPPET, tmp)
        print(
            f"fresh ingest: {wall:.1f}s wall ({ing['pipeline_s']:.1f}s in run_ingest), "
            f"{ing['chunks']} chunks, peak RSS {ing['peak_rss_mib']:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
