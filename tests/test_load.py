"""Load: 20 simulated users, 10 questions each, at once against the running app (loopback only).

Reuses the session's served app (``served_app`` over ``built_settings``), so its queue settings are
the product's (``ASK_CONCURRENCY``, ``QUEUE_MAX`` in ui/server.py). Bounded: 200 requests, each client
thread given 30 minutes at most. Every request must be answered, completely; figures are printed
(``pytest -s`` shows them), no timing is asserted because this machine's speed varies.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_app_browser import Served, served_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

USERS = 20
PER_USER = 10


@pytest.mark.slow
def test_twenty_concurrent_users_all_answered(built_settings) -> None:  # type: ignore[no-untyped-def]
    from load import report, run_load

    served: Served = served_app(built_settings)
    r = run_load(served.url, USERS, PER_USER)
    print("\n" + report(r))
    assert r["errors"] == [], r["errors"][:5]
    assert r["answered"] == USERS * PER_USER
    assistant = served.assistant
    for ans in r["answers"]:
        assert isinstance(ans["answer"], str) and ans["answer"].strip(), ans
        assert isinstance(ans["abstained"], bool)
        assert ans["abstained"] or ans["citations"], ans["question"]
        for c in ans["citations"]:  # complete answers: every quote is verbatim from its document
            text = assistant.document_text(c["doc_id"])  # type: ignore[attr-defined]
            assert text[c["start"] : c["end"]] == c["text"]


@pytest.mark.slow
def test_the_light_http_client_gets_the_same_complete_answers(built_settings) -> None:  # type: ignore[no-untyped-def]
    from load import run_load_http

    served: Served = served_app(built_settings)
    r = run_load_http(served.url, 5, 4)
    assert r["errors"] == [], r["errors"][:5]
    assert r["answered"] == 20
    direct = served.assistant
    for ans in r["answers"]:
        assert ans["abstained"] or ans["citations"], ans["question"]
        assert ans["answer"] == direct.ask(ans["question"]).answer  # the same answer as in process
