"""The eval sets on disk and asking the assistant their questions in process.

A set is a JSONL file of gold items (``dev.jsonl`` format: ``question``, optional ``history``,
``evidence``, ``must_include``, ``must_abstain``, ``category``). :func:`collect` turns each item
into the protocol request and times each ``Assistant.ask`` call: here the assistant is called in
process, so latency is measured around each call rather than as gaps between output lines of a
subprocess, and the first answer includes lazy model loading but not interpreter start-up.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.config import PROJECT_ROOT

GOLD_SET = PROJECT_ROOT / "eval" / "gold.jsonl"
SHARED_DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"
PARAPHRASE_SET = PROJECT_ROOT / "eval" / "paraphrases.jsonl"


# ------------------------------------------------------------------------------------------------
# sets and requests
# ------------------------------------------------------------------------------------------------
def default_sets() -> list[Path]:
    """The project's gold set, plus the shared dev set when this checkout sits next to it."""
    return [p for p in (GOLD_SET, SHARED_DEV_SET) if p.exists()]


def load_set(path: Path) -> list[dict]:
    items = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: invalid JSON: {exc}") from exc
    return items


def request_for(item: dict) -> dict:
    """The protocol request; earlier turns carry the set's a_hint as the earlier answer."""
    hist = [{"q": h.get("q", ""), "a": h.get("a_hint", h.get("a", ""))} for h in item.get("history") or []]
    return {"question": item["question"], "history": hist}


@dataclass
class Run:
    """Responses in protocol form plus per-call latencies, as produced by :func:`collect`."""

    responses: list[dict | None]
    errors: list[str | None]
    latencies: list[float]
    wall: float
    extra: dict[str, Any] = field(default_factory=dict)


def collect(assistant: Any, items: Sequence[dict], mode: str | None = None) -> Run:
    """Ask every item in process, timing each ``ask`` call; bad questions become error responses.

    ``mode`` ("extractive" / "generative") is passed on to ``ask``; None leaves the assistant's default.
    """
    how = {"mode": mode} if mode else {}
    from assistant.inputs import QuestionError

    responses: list[dict | None] = []
    errors: list[str | None] = []
    lats: list[float] = []
    t_start = time.perf_counter()
    for it in items:
        req = request_for(it)
        t0 = time.perf_counter()
        try:
            resp: dict | None = assistant.ask(req["question"], req["history"], **how).to_json()
            err = None
        except QuestionError as exc:
            # the same error object the JSONL protocol writes, so the scores match; also counted
            err = f"question rejected: {exc}"
            resp = {
                "answer": "",
                "abstained": False,
                "query": "",
                "citations": [],
                "contexts": [],
                "error": err,
            }
        lats.append(time.perf_counter() - t0)
        responses.append(resp)
        errors.append(err)
    return Run(responses, errors, lats, time.perf_counter() - t_start)
