"""Concurrent users against the running app, through gradio_client: throughput, latency, errors.

    .venv/bin/python benchmarks/load.py [--users 20] [--questions 10] [--url http://127.0.0.1:7860/]

Without ``--url`` the app is started in this process on a free loopback port over the index in
``CSC_DATA_DIR`` (default ``data/``, read only; feedback goes to a temporary file). Each simulated
user is one ``gradio_client.Client`` in its own thread asking its questions one after another
through the ``/ask`` endpoint, the same queue the chat uses (see ``ASK_CONCURRENCY`` and
``QUEUE_MAX`` in ``ui/server.py``). Questions are the dev + gold sets' stand-alone questions, each user
starting at a different one. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

FALLBACK_QUESTIONS = [
    "Who can apply for funding?",
    "When is the second deadline for expressions of interest?",
    "Which projects work with care leavers?",
    "What is the Children's Social Care Innovation Programme?",
    "How much funding did Round 2 have?",
]


def questions() -> list[str]:
    from assistant import evaluate as ev

    out = [it["question"] for p in ev.default_sets() for it in ev.load_set(p) if not it.get("history")]
    return out or FALLBACK_QUESTIONS


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))] if xs else float("nan")


def summary(
    users: int, per_user: int, wall: float, lats: list[float], errors: list[str], answers: list[dict]
) -> dict:
    """One run's figures, the same for either client."""
    return {
        "users": users,
        "per_user": per_user,
        "requests": users * per_user,
        "answered": len(answers),
        "errors": errors,
        "wall_s": wall,
        "throughput_qps": len(answers) / wall if wall else 0.0,
        "p50_s": percentile(lats, 0.5),
        "p95_s": percentile(lats, 0.95),
        "max_s": max(lats) if lats else float("nan"),
        "answers": answers,
    }


def run_load(url: str, users: int = 20, per_user: int = 10, pool: list[str] | None = None) -> dict:
    """``users`` clients in parallel, ``per_user`` questions each; latencies, errors and answers."""
    from gradio_client import Client

    pool = pool or questions()
    lats: list[float] = []
    errors: list[str] = []
    answers: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(users)

    def user(u: int) -> None:
        client = Client(url, verbose=False, download_files=False)
        start.wait(timeout=120)  # everyone starts asking at once
        for i in range(per_user):
            q = pool[(u * per_user + i) % len(pool)]
            t0 = time.perf_counter()
            try:
                ans = client.predict(q, None, api_name="/ask")
            except Exception as exc:  # noqa: BLE001  (counted and reported, not raised)
                with lock:
                    errors.append(f"user {u} q{i}: {type(exc).__name__}: {exc}")
                continue
            dt = time.perf_counter() - t0
            with lock:
                lats.append(dt)
                answers.append({"question": q, **ans})

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as ex:
        for f in [ex.submit(user, u) for u in range(users)]:
            f.result(timeout=1800)
    wall = time.perf_counter() - t0
    return summary(users, per_user, wall, lats, errors, answers)


def run_load_http(url: str, users: int = 20, per_user: int = 10, pool: list[str] | None = None) -> dict:
    """As :func:`run_load`, through Gradio's plain HTTP API with one asyncio event loop.

    Why: 20 ``gradio_client`` users are 20 threads with their own SSE readers; on a 2-core machine
    they take about as much CPU as the app they measure. One event loop posting to
    ``/gradio_api/call/ask`` and reading the result stream costs little, so the figures are the app's.
    """
    import asyncio
    import json

    import httpx

    pool = pool or questions()
    lats: list[float] = []
    errors: list[str] = []
    answers: list[dict] = []
    base = url.rstrip("/") + "/gradio_api/call/ask"

    async def one(client: httpx.AsyncClient, q: str) -> dict:
        r = await client.post(base, json={"data": [q, None]})
        r.raise_for_status()
        event_id = r.json()["event_id"]
        event = None
        async with client.stream("GET", f"{base}/{event_id}") as stream:
            async for line in stream.aiter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event in {"complete", "error"}:
                    if event == "error":
                        raise RuntimeError(line)
                    return json.loads(line.split(":", 1)[1])[0]
        raise RuntimeError("stream ended without a result")

    async def user(client: httpx.AsyncClient, u: int, go: asyncio.Event) -> None:
        await go.wait()
        for i in range(per_user):
            q = pool[(u * per_user + i) % len(pool)]
            t0 = time.perf_counter()
            try:
                ans = await one(client, q)
            except Exception as exc:  # noqa: BLE001  (counted and reported, not raised)
                errors.append(f"user {u} q{i}: {type(exc).__name__}: {exc}")
                continue
            lats.append(time.perf_counter() - t0)
            answers.append({"question": q, **(ans if isinstance(ans, dict) else {"answer": ans})})

    async def main() -> float:
        limits = httpx.Limits(max_connections=users * 2, max_keepalive_connections=users * 2)
        async with httpx.AsyncClient(timeout=300, limits=limits) as client:
            go = asyncio.Event()
            tasks = [asyncio.create_task(user(client, u, go)) for u in range(users)]
            t0 = time.perf_counter()
            go.set()
            await asyncio.gather(*tasks)
            return time.perf_counter() - t0

    # its own thread, so that a caller with an event loop running (a test, a notebook) can use it
    with ThreadPoolExecutor(max_workers=1) as ex:
        wall = ex.submit(asyncio.run, main()).result()
    return summary(users, per_user, wall, lats, errors, answers)


def report(r: dict) -> str:
    return (
        f"load: {r['users']} users x {r['per_user']} questions = {r['requests']} requests "
        f"in {r['wall_s']:.1f}s; "
        f"answered {r['answered']}, errors {len(r['errors'])}; throughput {r['throughput_qps']:.2f} q/s; "
        f"latency p50 {r['p50_s']:.2f}s p95 {r['p95_s']:.2f}s max {r['max_s']:.2f}s"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--questions", type=int, default=10, help="questions per user")
    ap.add_argument("--url", help="an app that is already running (default: start one here)")
    ap.add_argument(
        "--client",
        choices=["gradio", "http"],
        default="gradio",
        help="gradio_client threads (as a Python caller would) or one asyncio loop over plain HTTP (light)",
    )
    args = ap.parse_args(argv)
    url = args.url
    app = None
    if not url:
        from assistant.api import Assistant
        from ui.app import build_app
        from ui.server import ASK_CONCURRENCY, QUEUE_MAX, launch

        assistant = Assistant()
        assistant.ask(FALLBACK_QUESTIONS[0])  # warm: model and index loaded before the clock starts
        feedback = Path(tempfile.mkdtemp(prefix="csc-load-")) / "feedback.sqlite"
        app = build_app(assistant, feedback_path=feedback)
        port = _free_port()
        launch(app, "127.0.0.1", port, block=False)
        url = f"http://127.0.0.1:{port}/"
        conc = os.environ.get("CSC_CONCURRENCY") or ASK_CONCURRENCY
        qmax = os.environ.get("CSC_QUEUE_MAX") or QUEUE_MAX
        print(f"app on {url}: ask concurrency {conc}, queue max {qmax}")
    print(f"nproc: {len(os.sched_getaffinity(0))}  load average: {os.getloadavg()[0]:.1f}")
    try:
        run = run_load_http if args.client == "http" else run_load
        r = run(url, args.users, args.questions)
    finally:
        if app is not None:
            app.close()
    print(report(r))
    for e in r["errors"][:10]:
        print("  error:", e)
    return 0 if not r["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
