"""Paraphrase robustness: each question's results beside those of its rewordings.

``eval/paraphrases.jsonl`` holds three hand-written rewordings of every dev and gold question
(``id`` "<source>-P1|P2|P3", ``source_id``, ``source_set``; the source's evidence and
``must_include`` unchanged). Scored with the same rules as the originals, they give the
overfitting figure, headline(originals) - headline(paraphrases): what the scores owe to the exact
wording. This module picks a set's rewordings, pairs results and compares them; running them is
:func:`assistant.evaluate.run_paraphrases`, printing :mod:`assistant.eval_report`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from assistant.eval_score import aggregate

PARAPHRASE_STYLES = {"P1": "colloquial", "P2": "typos", "P3": "wordy"}


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
