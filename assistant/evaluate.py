"""``csc-assistant eval``: score the assistant on gold sets with the reference scorer's rules.

The shared reference scorer (``../shared/eval/score.py``) is the yardstick the product is judged
by, but the project has to run without it. This module re-implements its matching rules, metrics
and table layout so that, on the same responses, both print the same figures (a test checks
agreement to 1e-9). The differences are deliberate and only concern *how* answers are obtained:
here ``Assistant.ask`` is called in process, so latency is measured around each call rather than
as gaps between output lines of a subprocess, and the first answer includes lazy model loading
but not interpreter start-up.

Rules (the reference docstring is the authority):

* answers are matched after a light clean-up that keeps case (``light``); ``must_include``
  regexes are searched case-insensitively and averaged per item;
* evidence and citations are compared in a normalised form (``normalise``): a snippet is found in
  a passage when it is a substring, or when >= 80% of its word tokens occur in the passage;
* a citation is valid when it is a substring of a corpus file, or when a window of ~1.1x its
  length in one file holds >= 90% of its tokens *and* every token containing a digit (so an altered
  figure is not a real quote); fewer than 4 tokens is invalid; "..." elisions are checked part by part;
* passages are cut to 2,000 characters before matching, so citing a whole document earns nothing.

Two figures go beyond the reference and never enter its headline: ``answer_fact_accuracy_600``
(the ``must_include`` regexes searched in ``answer[:600]`` only, as the maintainers measure answers
that put the answer first) and the paraphrase-robustness comparison. ``eval/paraphrases.jsonl``
holds three hand-written rewordings of every dev and gold question (``id`` "<source>-P1|P2|P3",
``source_id``, ``source_set``; the source's evidence and ``must_include`` unchanged). When the
sets it rewords are evaluated, the rewordings are run too and scored with the same rules, and
the overfitting figure, headline(originals) - headline(paraphrases), is printed per set.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ingest.config import PROJECT_ROOT
from ingest.manifest import corpus_files

CATEGORY_ORDER = [
    "eligibility", "funding", "process_deadlines", "criteria", "what_worked",
    "directory_lookup", "directory_list", "statistics", "wording", "multi_doc",
    "conflict", "follow_up", "out_of_scope", "unanswerable_in_scope",
]  # fmt: skip

MAX_PASSAGE_CHARS = 2000
MIN_CITATION_TOKENS = 4
VALIDITY_OVERLAP = 0.9
EVIDENCE_COVERAGE = 0.8

ANSWER_HEAD_CHARS = 600  # "facts, first 600 chars only": the default answer length the issue asks for

GOLD_SET = PROJECT_ROOT / "eval" / "gold.jsonl"
SHARED_DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"
PARAPHRASE_SET = PROJECT_ROOT / "eval" / "paraphrases.jsonl"
PARAPHRASE_STYLES = {"P1": "colloquial", "P2": "typos", "P3": "wordy"}


# ------------------------------------------------------------------------------------------------
# normalisation (must stay character-for-character equivalent to the reference)
# ------------------------------------------------------------------------------------------------
def _table(chars: str, to: str | None) -> dict[int, str | None]:
    return {ord(c): to for c in chars}


_SUPERSCRIPTS = _table("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾", None)
_PUNCT = {
    **_table("‘’‚‛′`´", "'"),
    **_table("“”„‟″«»", '"'),
    **_table("‐‑‒–—―−", "-"),
    **_table("•·▪●◦\u00a0\u2009\u200b\t|", " "),
}
_WORD = re.compile(r"[a-z0-9]+")
_FOOTNOTE_REF = re.compile(r"\^\{[^}]*\}")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_UNDERLINE = re.compile(r"</?u>")
_ANGLE_URL = re.compile(r"<(https?://[^>\s]+)>")
_EMPHASIS = re.compile(r"[*_#]")
_LOOSE_DASH = re.compile(r"(?:(?<=\s)|^)-+(?=\s|$)")
_ELLIPSIS = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…")


def light(text: str) -> str:
    """Unicode, link and markdown clean-up that keeps case: what fact regexes are run against."""
    t = text.translate(_SUPERSCRIPTS)
    t = _FOOTNOTE_REF.sub(" ", t)
    t = _MD_LINK.sub(r"\1", t)
    t = _UNDERLINE.sub("", t)
    t = _ANGLE_URL.sub(r"\1", t)
    t = unicodedata.normalize("NFKC", t)
    t = t.translate(_PUNCT).replace("…", "...")
    return _EMPHASIS.sub("", t)


def normalise(text: str) -> str:
    """Canonical form for quote matching: ``light``, bullet dashes dropped, lower case, single spaces."""
    return " ".join(_LOOSE_DASH.sub(" ", light(text)).lower().split())


def tokens(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def coverage(needle: Sequence[str], hay: Counter[str]) -> float:
    """Share of needle tokens, counted with multiplicity, that the haystack can supply."""
    if not needle:
        return 0.0
    return sum(min(n, hay.get(t, 0)) for t, n in Counter(needle).items()) / len(needle)


class Passage:
    """A citation text or context, cut to the passage limit and pre-tokenised once."""

    __slots__ = ("norm", "toks", "counter", "ntok")

    def __init__(self, text: str, max_chars: int = MAX_PASSAGE_CHARS) -> None:
        self.norm = normalise(text[:max_chars])
        self.toks = _WORD.findall(self.norm)
        self.counter = Counter(self.toks)
        self.ntok = len(self.toks)


class Snippet:
    """An evidence snippet from a gold item."""

    __slots__ = ("norm", "toks")

    def __init__(self, text: str) -> None:
        self.norm = normalise(text)
        self.toks = _WORD.findall(self.norm)


def snippet_in(snippet: Snippet, passage: Passage, min_cov: float = EVIDENCE_COVERAGE) -> bool:
    """Substring after normalisation, or enough of the snippet's words in any order."""
    if snippet.norm and snippet.norm in passage.norm:
        return True
    return coverage(snippet.toks, passage.counter) >= min_cov


def _has_digit(tok: str) -> bool:
    return any(ch.isdigit() for ch in tok)


@dataclass(frozen=True)
class Check:
    """Outcome of checking one citation against the corpus."""

    valid: bool
    overlap: float
    file: str | None


class Corpus:
    """The source documents, normalised, for deciding whether a citation is a real quote."""

    def __init__(self, files: Iterable[Path]) -> None:
        self.texts: dict[str, str] = {}
        self.toks: dict[str, list[str]] = {}
        self.vocab: dict[str, set[str]] = {}
        for path in sorted(files):
            # read exactly as the reference does: undecodable bytes replaced, not skipped
            norm = normalise(path.read_text(encoding="utf-8", errors="replace"))
            self.texts[path.name] = norm
            self.toks[path.name] = _WORD.findall(norm)
            self.vocab[path.name] = set(self.toks[path.name])
        if not self.texts:
            raise ValueError("no corpus files to check citations against")
        self._cache: dict[tuple[str, float, bool], Check] = {}

    @classmethod
    def from_dir(cls, directory: Path) -> Corpus:
        """The ingestible documents of a corpus folder; the manifest is metadata, not a source."""
        return cls(corpus_files(directory))

    def verify(
        self,
        p: Passage,
        min_overlap: float = VALIDITY_OVERLAP,
        min_tokens: int = MIN_CITATION_TOKENS,
        strict_numbers: bool = True,
    ) -> Check:
        if p.ntok < min_tokens:
            return Check(False, 0.0, None)
        key = (p.norm, min_overlap, strict_numbers)
        if key not in self._cache:
            self._cache[key] = self._verify(p, min_overlap, strict_numbers)
        return self._cache[key]

    def _verify(self, p: Passage, min_overlap: float, strict_numbers: bool) -> Check:
        for name, text in self.texts.items():
            if p.norm in text:
                return Check(True, 1.0, name)
        need = p.counter
        numbers = {t: c for t, c in need.items() if _has_digit(t)} if strict_numbers else {}
        thresh = math.ceil(min_overlap * p.ntok - 1e-9)
        # the reference computes the window as ceil(n * 1.1) in floating point; keep that exactly
        width = max(p.ntok, int(math.ceil(p.ntok * 1.1)))
        best, best_file = 0.0, None
        for name, ftoks in self.toks.items():
            vocab = self.vocab[name]
            if sum(c for t, c in need.items() if t in vocab) < thresh or any(t not in vocab for t in numbers):
                continue  # no window of this file can qualify
            top, found = self._best_window(ftoks, need, numbers, thresh, min(len(ftoks), width))
            if found:
                return Check(True, top / p.ntok, name)
            if top / p.ntok > best:
                best, best_file = top / p.ntok, name
        return Check(False, best, best_file)

    @staticmethod
    def _best_window(
        ftoks: list[str], need: Counter[str], numbers: dict[str, int], thresh: int, w: int
    ) -> tuple[int, bool]:
        """Slide a w-token window; return (best overlap seen, whether some window qualifies)."""
        win: Counter[str] = Counter()
        ov = 0
        for tok in ftoks[:w]:
            if win[tok] < need.get(tok, 0):
                ov += 1
            win[tok] += 1
        top = ov

        def qualifies() -> bool:
            return ov >= thresh and all(win[t] >= c for t, c in numbers.items())

        if qualifies():
            return top, True
        for i in range(w, len(ftoks)):
            out_t, in_t = ftoks[i - w], ftoks[i]
            win[out_t] -= 1
            if win[out_t] < need.get(out_t, 0):
                ov -= 1
            if win[in_t] < need.get(in_t, 0):
                ov += 1
            win[in_t] += 1
            top = max(top, ov)
            if qualifies():
                return top, True
        return top, False


def verify_citation(corpus: Corpus, text: str, passage: Passage | None = None) -> Check:
    """Whole text first; a quote elided with "..." passes if every substantial part is real."""
    cut = text[:MAX_PASSAGE_CHARS]
    res = corpus.verify(passage or Passage(text))
    if res.valid or not _ELLIPSIS.search(cut):
        return res
    parts = [q for q in (Passage(x) for x in _ELLIPSIS.split(cut)) if q.ntok >= MIN_CITATION_TOKENS]
    if not parts:
        return res
    checks = [corpus.verify(q) for q in parts]
    if all(c.valid for c in checks):
        return Check(True, min(c.overlap for c in checks), checks[0].file)
    return res


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


# ------------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------------
def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def print_table(overall: dict, cats: dict[str, dict], timing: dict, out: TextIO | None = None) -> None:
    """Same layout and summary lines as the reference, so the two can be diffed by eye."""
    out = out or sys.stdout
    cols = ["n", "facts", "ev_hit", "rec@5", "cit_ok", "abst_acc", "abst_bal", "headline"]
    keys = ["answer_fact_accuracy", "evidence_hit@citations", "evidence_recall@5", "citation_validity",
            "abstention_accuracy", "abstention_balanced_accuracy", "headline"]  # fmt: skip
    head = f"{'category':22s} " + " ".join(f"{c:>8s}" for c in cols)
    print(head, file=out)
    print("-" * len(head), file=out)

    def row(name: str, agg: dict) -> None:
        cells = [f"{agg['n']:8d}"] + [f"{_fmt(agg[k]):>8s}" for k in keys]
        print(f"{name:22s} " + " ".join(cells), file=out)

    for cat in CATEGORY_ORDER + sorted(set(cats) - set(CATEGORY_ORDER)):
        if cat in cats:
            row(cat, cats[cat])
    print("-" * len(head), file=out)
    row("OVERALL", overall)
    print(file=out)
    print(
        f"abstention recall (must_abstain items): {_fmt(overall['abstention_recall'])}   "
        f"false-abstention rate (others): {_fmt(overall['false_abstention_rate'])}",
        file=out,
    )
    print(
        f"answer_fact_accuracy micro (all regexes): {_fmt(overall['answer_fact_accuracy_micro'])}   "
        f"citations checked: {overall['n_citations']}   responses with errors: {overall['errors']}   "
        f"mean answer length: {overall['mean_answer_chars'] or 0:.0f} chars",
        file=out,
    )
    print(
        f"facts counting only the first {ANSWER_HEAD_CHARS} characters: "
        f"{_fmt(overall.get('answer_fact_accuracy_600'))}   "
        f"mean answer length: {overall['mean_answer_chars'] or 0:.0f} chars",
        file=out,
    )
    if timing:

        def s(v: float | None) -> str:
            return "n/a" if v is None else f"{v:.3f}s"

        print(
            f"timing: wall {s(timing['wall_s'])}  mean/question {s(timing['mean_s'])}  "
            f"p50 {s(timing['p50_s'])}  p95 {s(timing['p95_s'])}  max {s(timing['max_s'])}  "
            f"first answer {s(timing['first_s'])}",
            file=out,
        )
    ab = "abst_bal" if overall["headline_abstention"] == "balanced" else "abst_acc"
    print(f"HEADLINE = mean(facts, ev_hit, {ab}) = {_fmt(overall['headline'])}", file=out)


def print_failures(rs: Sequence[dict], limit_chars: int = 300, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    print("\nFAILURES", file=out)
    nf = 0
    for r in rs:
        missing = [rx for rx, ok in r["facts"].items() if not ok] if not r["must_abstain"] else []
        bad_cit = [c for c in r["citations"] if not c["valid"]]
        bad_ev = r["evidence_hit"] == 0.0
        bad_ab = not r["abstention_correct"]
        if not (missing or bad_ev or bad_ab or bad_cit or r["error"]):
            continue
        nf += 1
        print(f"\n[{r['id']}] ({r['category']}) {r['question']}", file=out)
        if r["error"]:
            print(f"   error: {r['error']}", file=out)
        if bad_ab:
            print(f"   abstention: expected {r['must_abstain']}, got {r['abstained']}", file=out)
        if missing:
            print(f"   missing facts: {missing}", file=out)
        if bad_ev:
            print("   no citation contains an evidence snippet", file=out)
        for c in bad_cit:
            print(f"   invalid citation (overlap {c['overlap']}): {c['text'][:120]!r}", file=out)
        a = r["answer"].replace("\n", " ")
        print(f"   answer: {a[:limit_chars]}{'...' if len(a) > limit_chars else ''}", file=out)
    print(f"\n{nf} of {len(rs)} items with at least one failure", file=out)


# ------------------------------------------------------------------------------------------------
# entry point used by the CLI
# ------------------------------------------------------------------------------------------------
def evaluate_set(
    assistant: Any, path: Path, corpus: Corpus, show_failures: bool = False, mode: str | None = None
) -> dict:
    """Ask, score and print one set; return its report section."""
    items = load_set(path)
    if not items:
        raise ValueError(f"{path}: no items")
    return evaluate_items(assistant, items, path, corpus, show_failures, mode)


def evaluate_items(
    assistant: Any,
    items: Sequence[dict],
    path: Path | str,
    corpus: Corpus,
    show_failures: bool = False,
    mode: str | None = None,
) -> dict:
    """Ask, score and print a list of items (a whole set, or the rewordings of some sets)."""
    print(f"running the assistant in process on {len(items)} items from {path} ...", file=sys.stderr)
    run = collect(assistant, items, mode)
    results = score_items(items, run.responses, corpus, run.errors)
    for it, r in zip(items, results, strict=True):
        if "source_id" in it:  # a rewording: keep the link to the question it rewords
            r["source_id"], r["source_set"] = it["source_id"], it.get("source_set")
    overall, cats = aggregate(results), per_category(results)
    timing = timing_summary(run.latencies, run.wall)
    modes = Counter(str((r or {}).get("mode", "")) for r in run.responses)
    fallbacks = sum(1 for r in run.responses if r and r.get("fallback_reason"))
    shown = f"  mode: {mode}" if mode else ""
    print(f"\nset: {path}  items: {len(items)}  corpus files: {len(corpus.texts)}{shown}")
    print_table(overall, cats, timing)
    if mode == "generative":
        print(f"answers by mode: {dict(modes)}   generative answers that fell back: {fallbacks}")
    if show_failures:
        print_failures(results)
    section = {"set": str(path), "overall": overall, "per_category": cats, "timing": timing, "items": results}
    if mode:
        section.update(mode=mode, answer_modes=dict(modes), fallbacks=fallbacks)
    return section


def print_mode_comparison(sections: Sequence[dict], out: TextIO | None = None) -> None:
    """One line per (set, mode): the headline figures side by side."""
    out = out or sys.stdout
    print("\nMODES COMPARED", file=out)
    head = f"{'set':14s} {'mode':11s} {'facts':>6s} {'ev_hit':>6s} {'cit_ok':>6s} {'abst_bal':>8s} "
    head += f"{'headline':>8s} {'fallbk':>6s} {'p50':>7s} {'p95':>7s}"
    print(head, file=out)
    for s in sections:
        o, t = s["overall"], s["timing"]
        print(
            f"{Path(s['set']).name[:14]:14s} {s.get('mode', ''):11s} {_fmt(o['answer_fact_accuracy']):>6s} "
            f"{_fmt(o['evidence_hit@citations']):>6s} {_fmt(o['citation_validity']):>6s} "
            f"{_fmt(o['abstention_balanced_accuracy']):>8s} {_fmt(o['headline']):>8s} "
            f"{s.get('fallbacks', 0):6d} {t.get('p50_s', 0):6.2f}s {t.get('p95_s', 0):6.2f}s",
            file=out,
        )


# ------------------------------------------------------------------------------------------------
# paraphrase robustness
# ------------------------------------------------------------------------------------------------
def set_name(path: Path | str) -> str:
    """The name a paraphrase line's ``source_set`` uses for a set file: ``dev``, ``gold``..."""
    return Path(path).stem


def style_of(item_id: object) -> str | None:
    """``"D001-P2"`` -> ``"P2"``: which of the three rewordings an id is."""
    m = re.search(r"-(P\d+)$", str(item_id))
    return m.group(1) if m else None


def select_paraphrases(paraphrases: Sequence[dict], source_ids: Iterable[object], name: str) -> list[dict]:
    """The rewordings of one evaluated set: source id in the set, and its ``source_set`` (if given) agrees."""
    ids = set(source_ids)
    return [p for p in paraphrases if p.get("source_id") in ids and p.get("source_set", name) == name]


def item_passes(r: dict) -> bool:
    """Fully right: abstained exactly when it should; if it must answer, every fact and an evidence hit."""
    if not r["abstention_correct"]:
        return False
    if r["must_abstain"]:
        return True
    return r["fact_accuracy"] in (None, 1.0) and r["evidence_hit"] != 0.0


def pair_results(originals: Sequence[dict], paraphrases: Sequence[dict]) -> list[tuple[dict, list[dict]]]:
    """Each original's result with the results of its rewordings (in file order)."""
    by_source: dict[object, list[dict]] = {}
    for r in paraphrases:
        by_source.setdefault(r.get("source_id"), []).append(r)
    return [(o, by_source.get(o["id"], [])) for o in originals]


def overfitting(original: dict, reworded: dict) -> float | None:
    """headline(originals) - headline(paraphrases): what the scores owe to the exact wording."""
    a, b = original.get("headline"), reworded.get("headline")
    return None if a is None or b is None else a - b


def _first_line(text: str, limit: int = 160) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def compare_paraphrases(originals: Sequence[dict], paraphrases: Sequence[dict]) -> dict:
    """Originals against their rewordings: both aggregates, per style, the overfitting figure and
    the rewordings that fail where their original passes (``regressions``) or the reverse (``gains``)."""
    pairs = pair_results(originals, paraphrases)
    orig, para = aggregate(originals), aggregate(paraphrases)
    by_style = {}
    for tag in sorted({style_of(r["id"]) for r in paraphrases} - {None}, key=str):
        by_style[tag] = aggregate([r for r in paraphrases if style_of(r["id"]) == tag])

    def brief(o: dict, p: dict) -> dict:
        missing = [rx for rx, ok in p["facts"].items() if not ok] if not p["must_abstain"] else []
        return {
            "source_id": o["id"], "id": p["id"], "question": p["question"],
            "original_question": o["question"], "abstained": p["abstained"],
            "must_abstain": p["must_abstain"], "missing_facts": missing,
            "evidence_hit": p["evidence_hit"], "answer_first_line": _first_line(p["answer"]),
        }  # fmt: skip

    known = {o["id"] for o in originals}
    return {
        "n_originals": len(originals),
        "n_paraphrases": len(paraphrases),
        "originals": orig,
        "paraphrases": para,
        "by_style": by_style,
        "overfitting": overfitting(orig, para),
        "regressions": [brief(o, p) for o, ps in pairs if item_passes(o) for p in ps if not item_passes(p)],
        "gains": [brief(o, p) for o, ps in pairs if not item_passes(o) for p in ps if item_passes(p)],
        "without_paraphrases": [o["id"] for o, ps in pairs if not ps],
        "unpaired": [r["id"] for r in paraphrases if r.get("source_id") not in known],
    }


def print_paraphrase_comparison(
    comparisons: dict[str, dict],
    mode: str | None = None,
    show_failures: bool = False,
    out: TextIO | None = None,
) -> None:
    """The side-by-side table and, per set, the overfitting line (printed on every run)."""
    out = out or sys.stdout
    shown = f" (mode: {mode})" if mode else ""
    print(
        f"\nPARAPHRASE ROBUSTNESS{shown}: every question in three rewordings, same answers expected", file=out
    )
    head = (
        f"{'set':6s} {'questions':16s} {'n':>4s} {'headline':>8s} {'facts':>6s} {'facts600':>8s} "
        f"{'ev_hit':>6s} {'abst_rec':>8s} {'false_ab':>8s} {'mean_chars':>10s}"
    )
    print(head, file=out)
    print("-" * len(head), file=out)

    def row(name: str, label: str, agg: dict) -> None:
        chars = agg.get("mean_answer_chars")
        print(
            f"{name:6s} {label:16s} {agg['n']:4d} {_fmt(agg['headline']):>8s} "
            f"{_fmt(agg['answer_fact_accuracy']):>6s} {_fmt(agg.get('answer_fact_accuracy_600')):>8s} "
            f"{_fmt(agg['evidence_hit@citations']):>6s} {_fmt(agg['abstention_recall']):>8s} "
            f"{_fmt(agg['false_abstention_rate']):>8s} {'n/a' if chars is None else f'{chars:.0f}':>10s}",
            file=out,
        )

    for name, c in comparisons.items():
        row(name, "originals", c["originals"])
        row(name, "paraphrases", c["paraphrases"])
        for tag, agg in c["by_style"].items():
            row(name, f"  {tag} {PARAPHRASE_STYLES.get(tag, '')}", agg)
    print("-" * len(head), file=out)
    for name, c in comparisons.items():
        o, p, d = c["originals"]["headline"], c["paraphrases"]["headline"], c["overfitting"]
        figure = "n/a" if d is None else f"{_fmt(o).strip()} − {_fmt(p).strip()} = {d:.3f}"
        print(f"OVERFITTING ({name}): {figure}", file=out)
    for name, c in comparisons.items():
        reg = c["regressions"]
        print(
            f"{name}: {len(reg)} of {c['n_paraphrases']} rewordings fail where the original passes, "
            f"{len(c['gains'])} pass where it fails",
            file=out,
        )
        if reg and not show_failures:
            print("   " + " ".join(r["id"] for r in reg), file=out)
        for r in reg if show_failures else []:
            why = "abstained" if r["abstained"] and not r["must_abstain"] else (
                "did not abstain" if r["must_abstain"] else
                f"missing {r['missing_facts']}" if r["missing_facts"] else "no evidence cited"
            )  # fmt: skip
            print(f"   [{r['id']}] {r['question']}\n      {why}; answer: {r['answer_first_line']}", file=out)
        if c["without_paraphrases"]:
            print(f"   no rewordings for: {' '.join(map(str, c['without_paraphrases']))}", file=out)


def run_paraphrases(
    assistant: Any,
    para_path: Path,
    sections: Sequence[dict],
    corpus: Corpus,
    show_failures: bool = False,
) -> list[dict]:
    """Run the rewordings of every evaluated set (once per mode) and compare them with the originals."""
    paraphrases = load_set(para_path)
    results_out = []
    modes = list(dict.fromkeys(s.get("mode") for s in sections))
    for mode in modes:
        chosen: dict[str, tuple[dict, list[dict]]] = {}
        for s in sections:
            if s.get("mode") != mode:
                continue
            name = set_name(s["set"])
            items = select_paraphrases(paraphrases, (r["id"] for r in s["items"]), name)
            if items and name not in chosen:
                chosen[name] = (s, items)
        if not chosen:
            print(f"\nparaphrases: {para_path.name} rewords none of the evaluated sets", file=sys.stdout)
            continue
        batch = [it for _, items in chosen.values() for it in items]
        label = f"{para_path} (rewordings of {', '.join(chosen)})"
        section = evaluate_items(assistant, batch, label, corpus, show_failures, mode)
        comparisons, start = {}, 0
        for name, (s, items) in chosen.items():  # the batch holds each set's rewordings in turn
            comparisons[name] = compare_paraphrases(s["items"], section["items"][start : start + len(items)])
            start += len(items)
        print_paraphrase_comparison(comparisons, mode, show_failures)
        section["comparison"] = comparisons
        results_out.append(section)
    return results_out


def run_eval(
    assistant: Any,
    files: list[Path],
    show_failures: bool = False,
    out: str | None = None,
    modes: Sequence[str] | None = None,
    paraphrases: Path | None = None,
) -> int:
    """Evaluate each set in turn (once per mode in ``modes``, e.g. ``["extractive", "generative"]``),
    then the rewordings in ``paraphrases`` of the sets just evaluated, side by side with them.

    Exit code 1 when a set is missing or malformed, else 0.
    """
    corpus = Corpus.from_dir(assistant.settings.corpus_dir)
    sections, status = [], 0
    for path in files:
        for mode in modes or [None]:
            try:
                sections.append(evaluate_set(assistant, Path(path), corpus, show_failures, mode))
            except (OSError, ValueError, KeyError) as exc:
                print(f"error: {path}: {exc}", file=sys.stderr)
                status = 1
    if modes and len(modes) > 1 and sections:
        print_mode_comparison(sections)
    para_sections: list[dict] = []
    if paraphrases is not None and sections:
        try:
            para_sections = run_paraphrases(assistant, Path(paraphrases), sections, corpus, show_failures)
        except (OSError, ValueError, KeyError) as exc:
            print(f"error: {paraphrases}: {exc}", file=sys.stderr)
            status = 1
    if out:
        report = {
            "settings": {
                "max_passage_chars": MAX_PASSAGE_CHARS, "min_citation_tokens": MIN_CITATION_TOKENS,
                "validity_overlap": VALIDITY_OVERLAP, "evidence_token_coverage": EVIDENCE_COVERAGE,
                "strict_numbers": True, "headline_abstention": "balanced",
                "corpus_dir": str(assistant.settings.corpus_dir),
            },
            "sets": sections,
            "paraphrases": para_sections,
        }  # fmt: skip
        Path(out).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"report written to {out}")
    return status
