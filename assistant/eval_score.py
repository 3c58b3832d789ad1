"""Scoring with the reference scorer's rules: one item's checks, then the set's figures.

:func:`score_item` makes every per-item check (facts found, evidence cited, citations real,
abstention right) with the matching rules of :mod:`assistant.eval_match`; the dict keys are those
of the reference's JSON report. :func:`aggregate` turns items into the reference's metrics and
headline (abstention enters it balanced, so never abstaining is not rewarded).

One figure goes beyond the reference and never enters its headline: ``answer_fact_accuracy_600``
(the ``must_include`` regexes searched in ``answer[:600]`` only, as the maintainers measure
answers that put the answer first).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence

from assistant.eval_match import Corpus, Passage, Snippet, light, snippet_in, verify_citation

ANSWER_HEAD_CHARS = 600  # "facts, first 600 chars only": the default answer length the issue asks for


# ------------------------------------------------------------------------------------------------
# scoring
# ------------------------------------------------------------------------------------------------
def _as_bool(v: object) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return v.strip().lower() in {"true", "yes", "1"}
    return bool(v) if isinstance(v, int | float) else False


def citation_texts(resp: dict) -> list[str]:
    cits = resp.get("citations") or []
    if not isinstance(cits, list):
        cits = [cits]
    out = []
    for c in cits:
        if isinstance(c, dict):
            t = c.get("text", c.get("quote", ""))
            out.append(t if isinstance(t, str) else "")
        else:
            out.append(c if isinstance(c, str) else "")
    return out


def percentile(xs: Sequence[float], q: float) -> float | None:
    """Linear interpolation between order statistics (same as the reference)."""
    if not xs:
        return None
    s = sorted(xs)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _mean(xs: Iterable[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return sum(vals) / len(vals) if vals else None


def score_item(item: dict, resp: dict | None, error: str | None, corpus: Corpus) -> dict:
    """Every per-item check; the dict keys are those of the reference's JSON report."""
    resp = resp if isinstance(resp, dict) else {}
    answer = resp.get("answer", "")
    answer = answer if isinstance(answer, str) else json.dumps(answer)
    abstained = _as_bool(resp.get("abstained", False))
    must_abstain = bool(item.get("must_abstain"))
    light_answer = " ".join(light(answer).split())
    facts = {rx: bool(re.search(rx, light_answer, re.IGNORECASE)) for rx in item.get("must_include", [])}
    # the head is cut from the raw answer, then cleaned up like the whole answer
    light_head = " ".join(light(answer[:ANSWER_HEAD_CHARS]).split())
    facts_head = {rx: bool(re.search(rx, light_head, re.IGNORECASE)) for rx in facts}
    texts = citation_texts(resp)
    passages = [Passage(t) for t in texts]
    checks = [verify_citation(corpus, t, p) for t, p in zip(texts, passages, strict=True)]
    snippets = [Snippet(e["snippet"]) for e in item.get("evidence", [])]
    matched = [any(snippet_in(s, p) for p in passages) for s in snippets]
    ev_hit = (1.0 if any(matched) else 0.0) if snippets else None
    recall5 = None
    ctxs = resp.get("contexts")
    if snippets and isinstance(ctxs, list):
        cps = [Passage(c if isinstance(c, str) else json.dumps(c)) for c in ctxs[:5]]
        recall5 = sum(any(snippet_in(s, p) for p in cps) for s in snippets) / len(snippets)
    return {
        "id": item.get("id"), "category": item.get("category"), "question": item.get("question"),
        "must_abstain": must_abstain, "abstained": abstained,
        "abstention_correct": abstained == must_abstain,
        "facts": facts,
        "fact_accuracy": sum(facts.values()) / len(facts) if facts and not must_abstain else None,
        "fact_accuracy_600": (
            sum(facts_head.values()) / len(facts_head) if facts_head and not must_abstain else None
        ),
        "evidence_hit": ev_hit, "evidence_matched": matched, "evidence_recall@5": recall5,
        "citations": [
            {"text": t[:300], "valid": c.valid, "overlap": round(c.overlap, 3), "file": c.file}
            for t, c in zip(texts, checks, strict=True)
        ],
        "answer": answer, "answer_chars": len(answer), "error": error,
    }  # fmt: skip


def score_items(
    items: Sequence[dict],
    responses: Sequence[dict | None],
    corpus: Corpus,
    errors: Sequence[str | None] | None = None,
) -> list[dict]:
    errs = list(errors) if errors is not None else [None] * len(items)
    return [score_item(it, r, e, corpus) for it, r, e in zip(items, responses, errs, strict=True)]


def aggregate(rs: Sequence[dict], headline_abstention: str = "balanced") -> dict:
    """Overall metrics; abstention enters the headline balanced, so never abstaining is not rewarded."""
    ans = [r for r in rs if not r["must_abstain"]]
    abst = [r for r in rs if r["must_abstain"]]
    fact = _mean(r["fact_accuracy"] for r in ans)
    n_rx = sum(len(r["facts"]) for r in ans)
    cits = [c for r in rs for c in r["citations"]]
    abst_recall = sum(r["abstained"] for r in abst) / len(abst) if abst else None
    false_abst = sum(r["abstained"] for r in ans) / len(ans) if ans else None
    abst_acc = sum(r["abstention_correct"] for r in rs) / len(rs) if rs else None
    bal = [x for x in (abst_recall, None if false_abst is None else 1 - false_abst) if x is not None]
    abst_bal = sum(bal) / len(bal) if bal else None
    ev = _mean(r["evidence_hit"] for r in rs)
    parts = [
        x for x in (fact, ev, abst_bal if headline_abstention == "balanced" else abst_acc) if x is not None
    ]
    return {
        "n": len(rs),
        "answer_fact_accuracy": fact,
        "answer_fact_accuracy_micro": sum(sum(r["facts"].values()) for r in ans) / n_rx if n_rx else None,
        "answer_fact_accuracy_600": _mean(r.get("fact_accuracy_600") for r in ans),
        "evidence_hit@citations": ev,
        "evidence_recall@5": _mean(r["evidence_recall@5"] for r in rs),
        "citation_validity": sum(c["valid"] for c in cits) / len(cits) if cits else None,
        "n_citations": len(cits),
        "abstention_recall": abst_recall,
        "false_abstention_rate": false_abst,
        "abstention_accuracy": abst_acc,
        "abstention_balanced_accuracy": abst_bal,
        "headline_abstention": headline_abstention,
        "headline": sum(parts) / len(parts) if parts else None,
        "mean_answer_chars": _mean(r["answer_chars"] for r in rs),
        "errors": sum(1 for r in rs if r["error"]),
    }


def per_category(rs: Sequence[dict]) -> dict[str, dict]:
    cats = sorted({r["category"] for r in rs}, key=str)
    return {c: aggregate([r for r in rs if r["category"] == c]) for c in cats}


def timing_summary(latencies: Sequence[float], wall: float | None = None) -> dict:
    """Seconds per question; ``mean_s`` is the mean call time (the reference: wall / n)."""
    lats = list(latencies)
    if not lats:
        return {}
    return {
        "wall_s": wall, "mean_s": sum(lats) / len(lats),
        "p50_s": percentile(lats, 0.5), "p95_s": percentile(lats, 0.95), "max_s": max(lats),
        "first_s": lats[0], "answered": len(lats),
    }  # fmt: skip
