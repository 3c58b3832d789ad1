"""What ``csc-assistant eval`` prints: the per-category table, failures and the comparisons.

The table has the same layout and summary lines as the reference scorer's, so the two can be
diffed by eye. The mode comparison (extractive vs generative) and the paraphrase-robustness table
(originals beside their rewordings, and the overfitting line) are this project's own.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from assistant.eval_paraphrase import PARAPHRASE_STYLES
from assistant.eval_score import ANSWER_HEAD_CHARS

CATEGORY_ORDER = [
    "eligibility", "funding", "process_deadlines", "criteria", "what_worked",
    "directory_lookup", "directory_list", "statistics", "wording", "multi_doc",
    "conflict", "follow_up", "out_of_scope", "unanswerable_in_scope",
]  # fmt: skip


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
