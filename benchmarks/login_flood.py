"""Password guessing against the staff login, and what a login flood does to the public app.

Client only: point it at a running ``csc-assistant serve`` (loopback) and it

1. sends ``--guesses`` wrong passwords in a row from one client and reports how many were
   checked (HTTP 400) and how many refused by the throttle (HTTP 429), and the guess rate;
2. times ``GET /gradio_api/info`` and public ``/ask`` calls while idle, then again while
   ``--flooders`` clients send wrong passwords as fast as they can (p50 / p95).

    python -m benchmarks.login_flood --url http://127.0.0.1:7860 --user staff --password RIGHT

Nothing is asserted: it prints figures (README "Security" quotes them with the command).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import httpx

QUESTIONS = [
    "How much did the DfE spend on the original innovation fund?",
    "Who can apply for funding?",
]


def guess_burst(url: str, user: str, guesses: int) -> dict:
    codes: dict[int, int] = {}
    t0 = time.perf_counter()
    with httpx.Client(base_url=url, timeout=60) as c:
        for i in range(guesses):
            r = c.post("/admin/login", data={"username": user, "password": f"wrong-{i}"})
            codes[r.status_code] = codes.get(r.status_code, 0) + 1
    wall = time.perf_counter() - t0
    return {"codes": codes, "wall_s": wall, "per_s": guesses / wall, "checked": codes.get(400, 0)}


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def sample_public(url: str, info_calls: int, asks: int) -> dict:
    from gradio_client import Client

    info: list[float] = []
    with httpx.Client(base_url=url, timeout=60) as c:
        for _ in range(info_calls):
            t0 = time.perf_counter()
            c.get("/gradio_api/info").raise_for_status()
            info.append(time.perf_counter() - t0)
    client = Client(url, verbose=False, download_files=False)
    ask: list[float] = []
    for i in range(asks):
        t0 = time.perf_counter()
        client.predict(QUESTIONS[i % len(QUESTIONS)], None, api_name="/ask")
        ask.append(time.perf_counter() - t0)
    return {
        "info_p50_ms": statistics.median(info) * 1000,
        "info_p95_ms": pct(info, 0.95) * 1000,
        "ask_p50_s": statistics.median(ask),
        "ask_p95_s": pct(ask, 0.95),
    }


def flood(
    url: str, user: str, flooders: int, stop: threading.Event, counts: list[int]
) -> list[threading.Thread]:
    def run(k: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            i = 0
            while not stop.is_set():
                c.post("/admin/login", data={"username": f"{user}{k}", "password": f"flood-{i}"})
                counts[k] += 1
                i += 1

    threads = [threading.Thread(target=run, args=(k,), daemon=True) for k in range(flooders)]
    for t in threads:
        t.start()
    return threads


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:7860")
    ap.add_argument("--user", default="staff")
    ap.add_argument("--password", default="", help="the right password, tried once after the burst")
    ap.add_argument("--guesses", type=int, default=500)
    ap.add_argument("--flooders", type=int, default=4)
    ap.add_argument("--info-calls", type=int, default=100)
    ap.add_argument("--asks", type=int, default=20)
    args = ap.parse_args(argv)

    burst = guess_burst(args.url, args.user, args.guesses)
    print(
        f"{args.guesses} wrong passwords in {burst['wall_s']:.2f} s ({burst['per_s']:.0f}/s): "
        f"HTTP {dict(sorted(burst['codes'].items()))}; passwords actually checked: {burst['checked']}"
    )
    if args.password:
        with httpx.Client(base_url=args.url, timeout=60) as c:
            r = c.post("/admin/login", data={"username": args.user, "password": args.password})
        print(f"right password right after the burst: HTTP {r.status_code}")

    idle = sample_public(args.url, args.info_calls, args.asks)
    stop, counts = threading.Event(), [0] * args.flooders
    threads = flood(args.url, "flood-user-", args.flooders, stop, counts)
    time.sleep(1.0)
    t0 = time.perf_counter()
    busy = sample_public(args.url, args.info_calls, args.asks)
    rate = sum(counts) / (time.perf_counter() - t0 + 1.0)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    for name, r in (("idle", idle), (f"{args.flooders}-client login flood (~{rate:.0f} logins/s)", busy)):
        print(
            f"{name}: /gradio_api/info p50 {r['info_p50_ms']:.1f} ms, p95 {r['info_p95_ms']:.1f} ms; "
            f"/ask p50 {r['ask_p50_s']:.2f} s, p95 {r['ask_p95_s']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
