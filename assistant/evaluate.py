"""``csc-assistant eval``: score the assistant on gold sets with the reference scorer's rules.

The shared reference scorer (``../shared/eval/score.py``) is the yardstick the product is judged
by, but the project has to run without it. The evaluator re-implements its matching rules, metrics
and table layout so that, on the same responses, both print the same figures (a test checks
agreement to 1e-9). The differences are deliberate and only concern *how* answers are obtained:
here ``Assistant.ask`` is called in process (:func:`assistant.eval_sets.collect`).

This module runs an evaluation end to end; each step has its own module:

* :mod:`assistant.eval_sets` -- the set files, loading them, asking their questions in process;
* :mod:`assistant.eval_match` -- the reference's rules for real quotes and cited evidence;
* :mod:`assistant.eval_score` -- one item's checks and a set's figures, by the reference's rules;
* :mod:`assistant.eval_paraphrase` -- originals beside their rewordings (paraphrase robustness);
* :mod:`assistant.eval_report` -- the printed tables.

When the sets that ``eval/paraphrases.jsonl`` rewords are evaluated, the rewordings are run too
and scored with the same rules, and the overfitting figure, headline(originals) -
headline(paraphrases), is printed per set.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.eval_match import (
    EVIDENCE_COVERAGE,
    MAX_PASSAGE_CHARS,
    MIN_CITATION_TOKENS,
    VALIDITY_OVERLAP,
    Corpus,
)
from assistant.eval_paraphrase import compare_paraphrases, select_paraphrases, set_name
from assistant.eval_report import (
    print_failures,
    print_mode_comparison,
    print_paraphrase_comparison,
    print_table,
)
from assistant.eval_score import aggregate, per_category, score_items, timing_summary
from assistant.eval_sets import collect, load_set


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
