"""Every speed figure of issue 15, each beside the plain dense baseline measured in the same run.

    .venv/bin/python benchmarks/speed.py [--reps 5] [--skip-load] [--load-users 20 --load-questions 10]

Why: one-shot questions, cold start, warm latency, ingest and concurrent users each have a target
relative to the floor a plain LangChain dense RAG sets on the same machine at the same time
(machines and their load differ; a ratio measured in one run does not). Everything is built in
temporary data dirs from the corpus (``CSC_CORPUS_DIR``); nothing in ``data/`` is touched.

* fresh ingest: ``python -m ui.cli ingest`` (its per-stage line included) vs the baseline building
  its store (RecursiveCharacterTextSplitter(1000, 100), sentence-transformers on torch, Chroma);
* one-shot ``python -m ui.cli ask "Who can apply for funding?"``, whole process, median of
  ``--reps`` (wall, CPU, peak RSS) vs a one-shot baseline process (import, open store, top 4);
* cold start to the first answer of ``ask --jsonl``;
* warm latency, all dev + gold questions in lockstep, in process, vs the baseline's top 4;
* ``benchmarks/load.py``: ``--load-users`` users x ``--load-questions`` questions through the app
  served by its own process, and how many cores it (with its answer processes) kept busy.

Prints figures, asserts nothing; the load average is printed before and after (a busy machine
makes every wall time longer, CPU times much less so).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

QUESTION = "Who can apply for funding?"

BASELINE_BUILD = """
import sys, time
sys.path.insert(0, "benchmarks")
from baseline_vs_hybrid import DenseBaseline
from ingest.config import load_settings
b = DenseBaseline(load_settings(), sys.argv[1])
print(b.n_chunks)
"""

BASELINE_ASK = """
import sys
from langchain_chroma import Chroma
from ingest.config import load_settings
from ingest.embeddings import torch_embedder
store = Chroma(collection_name="baseline", embedding_function=torch_embedder(load_settings().model_path),
               persist_directory=sys.argv[1])
hits = store.similarity_search(sys.argv[2], k=4)
print(hits[0].page_content[:200] if hits else "")
"""


def run_child(cmd: list[str], env: dict[str, str], check: bool = True) -> dict:
    """Run ``cmd``: wall, CPU (user + sys) and peak RSS of this one child (``wait4``), stdout, stderr."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode and check:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {stderr[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
        "out": stdout,
        "err": stderr,
    }


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def first_answer(env: dict[str, str]) -> float:
    """Seconds from starting ``ask --jsonl`` to its first answer line."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "ask", "--jsonl"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps({"question": QUESTION}) + "\n")
    proc.stdin.flush()
    proc.stdout.readline()
    seconds = time.perf_counter() - t0
    proc.stdin.close()
    proc.wait()
    return seconds


BASELINE_SERVE = """
import json, sys, time
from langchain_chroma import Chroma
from ingest.config import load_settings
from ingest.embeddings import torch_embedder
store = Chroma(collection_name="baseline", embedding_function=torch_embedder(load_settings().model_path),
               persist_directory=sys.argv[1])
for line in sys.stdin:
    q = json.loads(line)
    t0 = time.perf_counter()
    store.similarity_search(q, k=4)
    print(time.perf_counter() - t0, flush=True)
"""


def warm(data_dir: Path, baseline_dir: Path, env: dict[str, str]) -> tuple[dict, dict, int]:
    """Lockstep warm latency over the dev + gold questions: the product here, the baseline in a child.

    Each question is asked of the product, then of the baseline, one after the other. The baseline
    runs in its own process: torch's and ONNX Runtime's thread pools in one process slow each other.
    """
    from assistant import eval_score, eval_sets
    from assistant.api import Assistant
    from ingest.config import load_settings

    settings = load_settings(data_dir=data_dir)
    items = [it for path in eval_sets.default_sets() for it in eval_sets.load_set(path)]
    assistant = Assistant(settings, llm="none")
    child = subprocess.Popen(
        [sys.executable, "-c", BASELINE_SERVE, str(baseline_dir)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None

    def baseline(question: str) -> float:
        child.stdin.write(json.dumps(question) + "\n")  # type: ignore[union-attr]
        child.stdin.flush()  # type: ignore[union-attr]
        return float(child.stdout.readline())  # type: ignore[union-attr]

    assistant.ask(QUESTION)
    baseline(QUESTION)
    ours, theirs = [], []
    for it in items:
        req = eval_sets.request_for(it)
        t0 = time.perf_counter()
        assistant.ask(req["question"], req["history"])
        ours.append(time.perf_counter() - t0)
        theirs.append(baseline(req["question"]))
    child.stdin.close()
    child.wait()
    return eval_score.timing_summary(ours), eval_score.timing_summary(theirs), len(items)


def concurrent(env: dict[str, str], users: int, per_user: int, baseline_p50: float) -> None:
    """``benchmarks/load.py`` with the app served by its own process (``csc-assistant serve``).

    load.py starts the app itself (its default) and reports the CPU it used, its answer worker
    processes included: near ``nproc`` cores busy means answering was bound by the CPU, about one
    core or less by waiting (queueing, the GIL). The clients are one asyncio loop (``--client
    http``): gradio_client threads cost the machine more CPU than the app they measure.
    """
    cmd = [sys.executable, "benchmarks/load.py", "--users", str(users), "--questions", str(per_user)]
    load = run_child([*cmd, "--client", "http"], env, check=False)
    lines = load["out"].splitlines()
    for line in lines:
        if line.startswith(("app in", "load:", "  ")):
            print(line)
    if not any(line.startswith("load:") for line in lines):
        print(f"load run failed: {load['err'][-2000:]}")
    print(f"  baseline warm p50 {baseline_p50:.3f} s (the baseline has no app)")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="runs of each one-shot command (median printed)")
    ap.add_argument("--skip-load", action="store_true", help="skip the concurrent-users run")
    ap.add_argument("--ingest-reps", type=int, default=3, help="fresh ingests, each into an empty data dir")
    ap.add_argument("--load-users", type=int, default=20)
    ap.add_argument("--load-questions", type=int, default=10)
    args = ap.parse_args(argv)
    nproc = len(os.sched_getaffinity(0))
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}  host: {platform.platform()}  nproc: {nproc}")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="csc-speed-") as tmp:
        data, base = Path(tmp) / "data", Path(tmp) / "baseline"
        env = {**os.environ, "CSC_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
        env.pop("CSC_LLM", None)
        # the ONNX file comes from the per-user cache (exported once per machine), as on any new data dir
        # each run into an empty data dir (the last one is kept for the questions below)
        runs = []
        for i in range(args.ingest_reps):
            run_env = {**env, "CSC_DATA_DIR": str(data if i == args.ingest_reps - 1 else Path(tmp) / f"d{i}")}
            runs.append(run_child([sys.executable, "-m", "ui.cli", "ingest", "--quiet"], run_env))
        ing = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]  # the median run, with its stage line
        stage_line = next((x for x in ing["err"].splitlines() if x.startswith("stages:")), "stages: ?")
        bl = run_child([sys.executable, "-c", BASELINE_BUILD, str(base)], env)
        walls = ", ".join(f"{r['wall']:.1f}" for r in runs)
        print(
            f"fresh ingest (median of {len(runs)}: {walls} s): "
            f"{ing['wall']:.1f} s wall, {ing['cpu']:.1f} s CPU, {ing['rss_mib']:.0f} MiB peak"
            f" | baseline {bl['wall']:.1f} s wall, {bl['cpu']:.1f} s CPU, {bl['rss_mib']:.0f} MiB"
            f" ({bl['out'].strip()} chunks) | ratio {ratio(ing['wall'], bl['wall'])}"
        )
        print(f"  {stage_line}")
        ask = [run_child([sys.executable, "-m", "ui.cli", "ask", QUESTION], env) for _ in range(args.reps)]
        bask = [
            run_child([sys.executable, "-c", BASELINE_ASK, str(base), QUESTION], env)
            for _ in range(args.reps)
        ]
        print(
            f"one-shot ask (median of {args.reps}): {median(ask, 'wall'):.2f} s wall, "
            f"{median(ask, 'cpu'):.2f} s CPU, {median(ask, 'rss_mib'):.0f} MiB"
            f" | baseline {median(bask, 'wall'):.2f} s wall, {median(bask, 'cpu'):.2f} s CPU, "
            f"{median(bask, 'rss_mib'):.0f} MiB | ratio {ratio(median(ask, 'wall'), median(bask, 'wall'))}"
        )
        cold = statistics.median(first_answer(env) for _ in range(args.reps))
        print(
            f"cold start to first answer (ask --jsonl, median of {args.reps}): {cold:.2f} s"
            f" | baseline one-shot {median(bask, 'wall'):.2f} s | ratio {ratio(cold, median(bask, 'wall'))}"
        )
        ours, theirs, n = warm(data, base, env)
        print(
            f"warm, {n} questions lockstep: p50 {ours['p50_s']:.3f} s, p95 {ours['p95_s']:.3f} s"
            f" | baseline p50 {theirs['p50_s']:.3f} s, p95 {theirs['p95_s']:.3f} s"
            f" | ratio p50 {ratio(ours['p50_s'], theirs['p50_s'])},"
            f" p95 {ratio(ours['p95_s'], theirs['p95_s'])}"
        )
        if not args.skip_load:
            concurrent(env, args.load_users, args.load_questions, theirs["p50_s"])
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
