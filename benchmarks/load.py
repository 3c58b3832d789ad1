"""Concurrent users against the running app, through gradio_client: throughput, latency, errors.

    .venv/bin/python benchmarks/load.py [--users 20] [--questions 10] [--client gradio|http]
                                        [--url http://127.0.0.1:7860/ | --server process|inline]

Where the app runs (the first line printed says which, so that every figure is labelled):

* ``--url``: an app that is already running, anywhere.
* ``--server process`` (default): ``csc-assistant serve`` (``python -m ui.cli serve``) in its own
  process on a free loopback port, as a deployment runs it, over the index in ``CSC_DATA_DIR``
  (default ``data/``). The clients are in this process, so they do not share the app's GIL, but on
  a small machine they do share its cores: the app's CPU time over the run is printed too.
* ``--server inline``: the app in this very process (feedback to a temporary file), sharing one
  GIL with the client threads; what this script did before the app had its own process.

Each simulated user asks its questions one after another through the ``/ask`` endpoint, the same
queue the chat uses (see ``ASK_CONCURRENCY`` and ``QUEUE_MAX`` in ``ui/server.py``), keeping one
Gradio session as a browser tab does. ``--client gradio``: one ``gradio_client.Client`` per user,
each in its own thread, as a Python caller would. ``--client http``: all users in one asyncio loop
over Gradio's plain HTTP API (light on the load generator's CPU). Questions are the dev + gold
sets' stand-alone questions, each user starting at a different one. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import socket
import subprocess
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
    from assistant import eval_sets

    out = [
        it["question"]
        for p in eval_sets.default_sets()
        for it in eval_sets.load_set(p)
        if not it.get("history")
    ]
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


def shared_ssl_context():  # type: ignore[no-untyped-def]
    """One TLS context for every ``gradio_client`` call, built once.

    Why: ``gradio_client`` makes each request with a module-level ``httpx.post``/``httpx.stream``,
    that is a new ``httpx.Client`` each time, and each of those loads the CA bundle into a new
    ``ssl.SSLContext`` (about 20 ms of CPU), even for a plain ``http://`` URL: measured, 40 % of
    the load generator's CPU, taken from the app it measures on a small machine. Its ``ssl_verify``
    is handed to httpx's ``verify=``, which takes a ready context as it is, so certificates are
    still verified for an ``https://`` URL.
    """
    import ssl

    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def run_load(url: str, users: int = 20, per_user: int = 10, pool: list[str] | None = None) -> dict:
    """``users`` clients in parallel, ``per_user`` questions each; latencies, errors and answers."""
    from gradio_client import Client

    pool = pool or questions()
    lats: list[float] = []
    errors: list[str] = []
    answers: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(users)

    verify = shared_ssl_context()

    def user(u: int) -> None:
        client = Client(url, verbose=False, download_files=False, ssl_verify=verify)  # type: ignore[arg-type]
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
    import uuid

    import httpx

    pool = pool or questions()
    lats: list[float] = []
    errors: list[str] = []
    answers: list[dict] = []
    base = url.rstrip("/") + "/gradio_api/call/ask"

    async def one(client: httpx.AsyncClient, q: str, session: str) -> dict:
        r = await client.post(base, json={"data": [q, None], "session_hash": session})
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
        # one Gradio session per user, as a browser tab or a gradio_client has: without one, Gradio
        # makes a new session for every call (a copy of the whole page's config, ~15 ms of CPU)
        session = f"load-{uuid.uuid4().hex}"
        await go.wait()
        for i in range(per_user):
            q = pool[(u * per_user + i) % len(pool)]
            t0 = time.perf_counter()
            try:
                ans = await one(client, q, session)
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


def queue_settings() -> tuple[str, str]:
    """The ask queue's concurrency and size the app will use (environment, else the defaults)."""
    from ui.server import ASK_CONCURRENCY, QUEUE_MAX

    conc = os.environ.get("CSC_CONCURRENCY") or str(ASK_CONCURRENCY)
    return conc, os.environ.get("CSC_QUEUE_MAX") or str(QUEUE_MAX)


def ask_once(url: str, question: str = FALLBACK_QUESTIONS[0], timeout: float = 120) -> None:
    """One answer through the plain HTTP API (warms the app: model and index loaded)."""
    import httpx

    base = url.rstrip("/") + "/gradio_api/call/ask"
    with httpx.Client(timeout=timeout) as client:
        event_id = client.post(base, json={"data": [question, None]}).raise_for_status().json()["event_id"]
        body = client.get(f"{base}/{event_id}").raise_for_status().text
    if "event: complete" not in body:
        raise RuntimeError(f"the warm-up question failed: {body[:300]}")


class ServerProcess:
    """``csc-assistant serve`` in its own process on a free loopback port; ``close()`` stops it."""

    def __init__(self, answer_workers: int | None = None, timeout: float = 180) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        fd, log = tempfile.mkstemp(prefix="csc-load-serve-", suffix=".log")
        self.log = Path(log)
        cmd = [sys.executable, "-m", "ui.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if answer_workers is not None:  # the same serve(), with a number of answer processes of our own
            call = f"serve('127.0.0.1', {self.port}, answer_workers={int(answer_workers)})"
            cmd = [sys.executable, "-c", f"from ui.server import serve; {call}"]
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=fd,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: close() stops any workers it starts too
        )
        os.close(fd)  # the child has its own copy
        deadline = time.monotonic() + timeout
        while True:
            try:
                ask_once(self.url)
                return
            except Exception:  # noqa: BLE001  (not listening yet; a dead process is reported below)
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    tail = self.log.read_text(errors="replace")[-2000:]
                    self.close()
                    raise RuntimeError(f"the app did not start; its output ends:\n{tail}") from None
                time.sleep(0.5)

    def answering(self) -> str:
        """Where the app computes answers, as it said when it started."""
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("csc-assistant: serving on") and ";" in line:
                return line.rsplit(";", 1)[1].strip(" )")
        return "answers: not said"

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) the app has used so far, with any worker processes it started.

        Linux ``/proc`` only (elsewhere nan). A worker that exited meanwhile is not counted.
        """
        stats: dict[int, tuple[int, float]] = {}  # pid -> (parent pid, CPU seconds)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            stats[int(stat.parent.name)] = (int(fields[1]), cpu)
        if self.proc.pid not in stats:
            return float("nan")
        family = {self.proc.pid}
        grew = True
        while grew:  # children, their children, ...
            grew = False
            for pid, (ppid, _cpu) in stats.items():
                if ppid in family and pid not in family:
                    family.add(pid)
                    grew = True
        return sum(stats[pid][1] for pid in family)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        # whatever is left of the group this script started (the app's worker processes)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.log.unlink(missing_ok=True)


def _machine_busy() -> float:
    """CPU seconds all processes on this machine have used so far (Linux /proc/stat; else nan)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--questions", type=int, default=10, help="questions per user")
    ap.add_argument("--url", help="an app that is already running (default: start one, see --server)")
    ap.add_argument(
        "--server",
        choices=["process", "inline"],
        default="process",
        help="without --url: the app in its own process (as deployed) or in this one, sharing its GIL",
    )
    ap.add_argument(
        "--answer-workers",
        type=int,
        help="with --server process: answer processes of the app (0: answer in its own process; "
        "default: what `csc-assistant serve` uses)",
    )
    ap.add_argument(
        "--client",
        choices=["gradio", "http"],
        default="gradio",
        help="gradio_client threads (as a Python caller would) or one asyncio loop over plain HTTP (light)",
    )
    args = ap.parse_args(argv)
    url = args.url
    app = None
    server: ServerProcess | None = None
    clients = "gradio_client threads" if args.client == "gradio" else "one asyncio loop over HTTP"
    if url:
        where = f"app at {url} (already running)"
    elif args.server == "process":
        server = ServerProcess(args.answer_workers)
        url = server.url
        conc, qmax = queue_settings()
        where = f"app in its own process (pid {server.proc.pid}) on {url}: ask concurrency {conc}"
        where += f", queue max {qmax}, {server.answering()}"
    else:
        from assistant.api import Assistant
        from ui.app import build_app
        from ui.server import launch

        assistant = Assistant()
        assistant.ask(FALLBACK_QUESTIONS[0])  # warm: model and index loaded before the clock starts
        feedback = Path(tempfile.mkdtemp(prefix="csc-load-")) / "feedback.sqlite"
        app = build_app(assistant, feedback_path=feedback)
        port = _free_port()
        launch(app, "127.0.0.1", port, block=False)
        url = f"http://127.0.0.1:{port}/"
        conc, qmax = queue_settings()
        where = f"app INLINE in the clients' process (one GIL) on {url}: ask concurrency {conc}"
        where += f", queue max {qmax}"
    print(f"{where}; clients: {clients}")
    print(f"nproc: {len(os.sched_getaffinity(0))}  load average: {os.getloadavg()[0]:.1f}")
    try:
        run = run_load_http if args.client == "http" else run_load
        own0, app0, all0 = _own_cpu(), server.cpu_seconds() if server else float("nan"), _machine_busy()
        r = run(url, args.users, args.questions)
        own, all_cpu = _own_cpu() - own0, _machine_busy() - all0
        app_cpu = (server.cpu_seconds() - app0) if server else float("nan")
    finally:
        if app is not None:
            app.close()
        if server is not None:
            server.close()
    print(report(r))
    wall = r["wall_s"] or float("nan")
    if server is not None:
        busy = f"app process {app_cpu / wall:.2f}, load generator {own / wall:.2f}"
        others = all_cpu - app_cpu - own
    else:
        what = "app and load generator (one process)" if app is not None else "load generator"
        busy = f"{what} {own / wall:.2f}"
        others = all_cpu - own
    # a busy machine slows every figure: what other processes used is printed with them
    print(f"  cores busy during the run: {busy}, other processes {max(0.0, others) / wall:.2f}")
    if server is not None and r["answered"]:
        print(f"  app CPU per request (with its worker processes): {1000 * app_cpu / r['answered']:.0f} ms")
    for e in r["errors"][:10]:
        print("  error:", e)
    return 0 if not r["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
