"""The evaluator's matching rules, and agreement with the shared reference scorer.

The unit tests pin the rules on hand-made inputs. The agreement test scores the same saved
responses with ``../shared/eval/score.py --responses`` and with ``assistant.eval_score`` and requires
identical figures; if the two ever drift, the product's own ``eval`` numbers mean nothing.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from assistant.eval_match import Corpus, Passage, Snippet, normalise, snippet_in, verify_citation
from assistant.eval_paraphrase import (
    PARAPHRASE_STYLES,
    compare_paraphrases,
    overfitting,
    pair_results,
    select_paraphrases,
    set_name,
    style_of,
)
from assistant.eval_report import CATEGORY_ORDER, print_paraphrase_comparison, print_table
from assistant.eval_score import (
    ANSWER_HEAD_CHARS,
    aggregate,
    per_category,
    percentile,
    score_item,
    score_items,
    timing_summary,
)
from assistant.eval_sets import GOLD_SET, PARAPHRASE_SET, collect, default_sets, load_set, request_for
from assistant.evaluate import run_eval
from ingest.config import PROJECT_ROOT
from ingest.manifest import corpus_files

REFERENCE = PROJECT_ROOT.parent / "shared" / "eval" / "score.py"
DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"

SOURCE = (
    "Pause's 'Preventing Repeat Removals' project received £4.3m of funding for their work to break "
    "the cycle of children being removed into care, often related to complex trans-generational "
    "patterns of neglect or abuse.\n\n## Deadlines\n\nThe first – for those whose proposals are well "
    "developed – is **Friday 6 May**, at 3pm, and the second is Thursday 7 July, 3pm."
)


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    (tmp_path / "guide.md").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "other.txt").write_text("An unrelated page about fostering and adoption.", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text('[[document]]\nfile = "guide.md"\n', encoding="utf-8")
    return Corpus.from_dir(tmp_path)


# ---------------------------------------------------------------------------------------------
# (a) matching rules
# ---------------------------------------------------------------------------------------------
def test_manifest_is_not_a_source(corpus: Corpus) -> None:
    assert sorted(corpus.texts) == ["guide.md", "other.txt"]


def test_verbatim_quote_is_valid_despite_markdown_quotes_and_dashes(corpus: Corpus) -> None:
    quote = "The first - for those whose proposals are well developed - is Friday 6 May, at 3pm"
    check = verify_citation(corpus, quote)
    assert check.valid and check.overlap == 1.0 and check.file == "guide.md"
    curly = "Pause’s ‘Preventing Repeat Removals’ project received £4.3m of funding"
    assert verify_citation(corpus, curly).valid


def test_altered_figure_is_invalid_even_when_words_overlap(corpus: Corpus) -> None:
    real = "project received £4.3m of funding for their work to break the cycle of children being removed"
    assert verify_citation(corpus, real).valid
    fake = real.replace("4.3m", "9.3m")
    assert not verify_citation(corpus, fake).valid
    # only the strict-number rule rejects it: 17 of 18 tokens match a window
    assert corpus.verify(Passage(fake), strict_numbers=False).valid


def test_near_verbatim_quote_passes_the_window_rule(corpus: Corpus) -> None:
    # one word of 20 changed, no figures touched: 95% token overlap in a window
    quote = (
        "received £4.3m of funding for their work to break the cycle of children being taken "
        "into care, often related to complex"
    )
    assert normalise(quote) not in corpus.texts["guide.md"]
    assert verify_citation(corpus, quote).valid


def test_short_and_elided_quotes(corpus: Corpus) -> None:
    assert not verify_citation(corpus, "Friday 6 May").valid  # under 4 tokens
    elided = (
        "Pause's 'Preventing Repeat Removals' project received £4.3m ... the second is Thursday 7 July, 3pm"
    )
    assert verify_citation(corpus, elided).valid
    bad_part = (
        "Pause's 'Preventing Repeat Removals' project received £4.3m ... the second is Monday 9 July, 5pm"
    )
    assert not verify_citation(corpus, bad_part).valid


def test_passage_is_cut_before_matching() -> None:
    long_text = "filler " * 400 + "the snippet words appear only after the cut here"
    assert not snippet_in(Snippet("the snippet words appear only after the cut here"), Passage(long_text))


def test_evidence_matched_by_80_percent_token_coverage() -> None:
    snippet = Snippet("one two three four five six seven eight nine ten")
    eight = Passage("ten nine eight seven six five four three and more")  # 8 of 10, shuffled
    seven = Passage("ten nine eight seven six five four")  # 7 of 10
    assert snippet_in(snippet, eight)
    assert not snippet_in(snippet, seven)
    assert snippet_in(Snippet("Friday 6 May"), Passage("is **Friday 6 May**, at 3pm"))


def test_must_include_regexes_on_light_normalised_answer(corpus: Corpus) -> None:
    item = {
        "id": "X1", "category": "funding", "question": "q", "must_abstain": False,
        "must_include": [r"(?<![\d.,])£?29 ?(m|million)\b", r"\b22\b", r"Staying Close"],
        "evidence": [{"file": "guide.md", "snippet": "Preventing Repeat Removals project received £4.3m"}],
    }  # fmt: skip
    resp = {
        "answer": "Round 3 had **£29m** for [22 projects](http://x) on ‘staying close’.",
        "abstained": False,
        "citations": [{"text": "Pause's 'Preventing Repeat Removals' project received £4.3m of funding"}],
        "contexts": ["nothing relevant here at all"],
    }
    r = score_item(item, resp, None, corpus)
    assert r["facts"] == {rx: True for rx in item["must_include"]}
    assert r["fact_accuracy"] == 1.0 and r["evidence_hit"] == 1.0 and r["evidence_recall@5"] == 0.0
    assert [c["valid"] for c in r["citations"]] == [True]
    partial = score_item(item, {**resp, "answer": "Round 3 had £290m for 22 projects"}, None, corpus)
    assert partial["fact_accuracy"] == pytest.approx(1 / 3)


def test_aggregate_balances_abstention(corpus: Corpus) -> None:
    answer_item = {"id": "A", "category": "funding", "question": "q", "must_include": ["yes"]}
    abstain_item = {"id": "B", "category": "out_of_scope", "question": "q", "must_abstain": True}
    items = [answer_item] * 9 + [abstain_item]
    never = aggregate(score_items(items, [{"answer": "yes"}] * 10, corpus))
    assert never["abstention_accuracy"] == pytest.approx(0.9)
    assert never["abstention_balanced_accuracy"] == pytest.approx(0.5)
    assert never["headline"] == pytest.approx((1.0 + 0.5) / 2)  # no evidence: mean of two parts
    assert never["citation_validity"] is None and never["n_citations"] == 0


def test_request_uses_a_hint_and_percentiles() -> None:
    item = {"question": "And the second?", "history": [{"q": "First deadline?", "a_hint": "6 May"}]}
    assert request_for(item) == {
        "question": "And the second?",
        "history": [{"q": "First deadline?", "a": "6 May"}],
    }
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([], 0.95) is None


def test_gold_set_is_well_formed_and_verbatim() -> None:
    items = load_set(GOLD_SET)
    assert len(items) >= 45 and GOLD_SET in default_sets()
    assert set(CATEGORY_ORDER) <= {it["category"] for it in items}
    texts = {p.name: normalise(p.read_text(encoding="utf-8")) for p in corpus_files(PROJECT_ROOT / "corpus")}
    for it in items:
        for e in it["evidence"]:
            assert normalise(e["snippet"]) in texts[e["file"]], (it["id"], e["snippet"])
        for rx in it["must_include"]:
            re.compile(rx)
        assert bool(it["must_abstain"]) == (not it["must_include"]), it["id"]
        if it["category"] == "follow_up":
            assert it["history"] and all("a_hint" in h for h in it["history"])
    share = sum(bool(it["must_abstain"]) for it in items) / len(items)
    assert 0.08 <= share <= 0.16


# ---------------------------------------------------------------------------------------------
# (a2) facts in the first 600 characters, and the paraphrase-robustness comparison
# ---------------------------------------------------------------------------------------------
def test_facts_counted_only_in_the_first_600_characters(corpus: Corpus) -> None:
    item = {
        "id": "H1",
        "category": "funding",
        "question": "q",
        "must_include": ["alpha", "omega", r"\bmid\b"],
    }
    pad = "x" * (ANSWER_HEAD_CHARS - len("alpha ") - len(" mid"))
    answer = "alpha " + pad + " mid" + " and later omega"  # "mid" ends exactly at character 600
    assert len(answer[:ANSWER_HEAD_CHARS]) == 600 and answer[:600].endswith(" mid")
    r = score_item(item, {"answer": answer}, None, corpus)
    assert r["fact_accuracy"] == 1.0
    assert r["fact_accuracy_600"] == pytest.approx(2 / 3)
    # a fact that straddles the cut is not counted
    straddle = score_item(item, {"answer": "alpha mid " + "y" * 587 + "omega"}, None, corpus)
    assert straddle["fact_accuracy"] == 1.0 and straddle["fact_accuracy_600"] == pytest.approx(2 / 3)
    abstain = {"id": "H2", "category": "out_of_scope", "question": "q", "must_abstain": True}
    ra = score_item(abstain, {"answer": "Sorry.", "abstained": True}, None, corpus)
    assert ra["fact_accuracy_600"] is None
    agg = aggregate([r, score_item(item, {"answer": "omega alpha mid"}, None, corpus), ra])
    assert agg["answer_fact_accuracy"] == 1.0
    assert agg["answer_fact_accuracy_600"] == pytest.approx((2 / 3 + 1.0) / 2)
    lengths = [len(answer), len("omega alpha mid"), len("Sorry.")]
    assert agg["mean_answer_chars"] == pytest.approx(sum(lengths) / 3)
    out = io.StringIO()
    print_table(agg, per_category([r]), {}, out=out)
    assert "facts counting only the first 600 characters: 0.833" in out.getvalue()


def test_paraphrases_are_selected_by_source_set_and_paired_with_their_source() -> None:
    paras = [
        {"id": "X1-P1", "source_id": "X1", "source_set": "alpha"},
        {"id": "X1-P2", "source_id": "X1", "source_set": "alpha"},
        {"id": "X1-P3", "source_id": "X1", "source_set": "beta"},  # same id, another set's rewording
        {"id": "X2-P1", "source_id": "X2"},  # no source_set: goes with whichever set holds X2
        {"id": "Y9-P1", "source_id": "Y9", "source_set": "alpha"},  # its source was not evaluated
    ]
    chosen = select_paraphrases(paras, ["X1", "X2", "X3"], "alpha")
    assert [p["id"] for p in chosen] == ["X1-P1", "X1-P2", "X2-P1"]
    assert [p["id"] for p in select_paraphrases(paras, ["X1"], "beta")] == ["X1-P3"]
    assert set_name(Path("/somewhere/dev.jsonl")) == "dev"
    assert [style_of(i) for i in ("D001-P1", "G055-P3", "D001", "P2")] == ["P1", "P3", None, None]
    originals = [{"id": "X1"}, {"id": "X2"}, {"id": "X3"}]
    results = [{"id": p["id"], "source_id": p["source_id"]} for p in chosen]
    pairs = pair_results(originals, results)
    assert [(o["id"], [r["id"] for r in rs]) for o, rs in pairs] == [
        ("X1", ["X1-P1", "X1-P2"]), ("X2", ["X2-P1"]), ("X3", []),
    ]  # fmt: skip


def _result(item: dict, answer: str, corpus: Corpus, abstained: bool = False, cite: str = "") -> dict:
    resp = {"answer": answer, "abstained": abstained, "citations": [{"text": cite}] if cite else []}
    r = score_item(item, resp, None, corpus)
    if "source_id" in item:
        r["source_id"] = item["source_id"]
    return r


def test_overfitting_is_the_headline_difference_and_regressions_are_listed(corpus: Corpus) -> None:
    quote = "Pause's 'Preventing Repeat Removals' project received £4.3m of funding"
    ask = {"category": "funding", "question": "how much?", "must_include": [r"4\.3 ?m"],
           "evidence": [{"file": "guide.md", "snippet": "project received £4.3m of funding"}]}  # fmt: skip
    refuse = {"category": "out_of_scope", "question": "a poem?", "must_abstain": True}
    originals = [
        _result({**ask, "id": "A"}, "It received £4.3m.", corpus, cite=quote),
        _result({**refuse, "id": "B"}, "Not in the documents.", corpus, abstained=True),
    ]
    orig = aggregate(originals)
    assert orig["headline"] == pytest.approx(1.0)
    paraphrases = [
        _result({**ask, "id": "A-P1", "source_id": "A"}, "It received £4.3m.", corpus, cite=quote),
        _result({**ask, "id": "A-P2", "source_id": "A"}, "It got money.", corpus, cite=quote),  # fact lost
        _result({**refuse, "id": "B-P1", "source_id": "B"}, "Autumn leaves...", corpus),  # answered
        _result({**refuse, "id": "B-P2", "source_id": "B"}, "Not covered.", corpus, abstained=True),
    ]
    cmp = compare_paraphrases(originals, paraphrases)
    # paraphrases: facts 0.5, evidence hit 1.0, abstention recall 0.5 (false-abstention 0) -> balanced 0.75
    para = cmp["paraphrases"]
    assert para["answer_fact_accuracy"] == pytest.approx(0.5)
    assert para["evidence_hit@citations"] == pytest.approx(1.0)
    assert para["abstention_recall"] == pytest.approx(0.5)
    assert para["headline"] == pytest.approx((0.5 + 1.0 + 0.75) / 3)
    assert cmp["overfitting"] == pytest.approx(1.0 - (0.5 + 1.0 + 0.75) / 3)
    assert overfitting({"headline": 0.956}, {"headline": 0.89}) == pytest.approx(0.066)
    assert overfitting({"headline": None}, {"headline": 0.5}) is None
    assert [r["id"] for r in cmp["regressions"]] == ["A-P2", "B-P1"]
    assert cmp["regressions"][0]["missing_facts"] == [r"4\.3 ?m"]
    assert cmp["regressions"][1]["answer_first_line"] == "Autumn leaves..."
    assert cmp["gains"] == [] and cmp["without_paraphrases"] == [] and cmp["unpaired"] == []
    # P1: A-P1 right, B-P1 answered -> facts 1, evidence 1, abstention balanced (0 + 1) / 2
    assert set(cmp["by_style"]) == {"P1", "P2"}
    assert cmp["by_style"]["P1"]["headline"] == pytest.approx((1.0 + 1.0 + 0.5) / 3)

    out = io.StringIO()
    print_paraphrase_comparison({"dev": cmp}, out=out)
    text = out.getvalue()
    assert "OVERFITTING (dev): 1.000 − 0.750 = 0.250" in text
    assert "dev: 2 of 4 rewordings fail where the original passes, 0 pass where it fails" in text
    assert "A-P2 B-P1" in text


class _FakeAnswer:
    def __init__(self, data: dict) -> None:
        self.data = data

    def to_json(self) -> dict:
        return self.data


class _FakeAssistant:
    """Answers from a table keyed by question; anything else gets an empty answer."""

    def __init__(self, corpus_dir: Path, table: dict[str, dict]) -> None:
        self.settings = types.SimpleNamespace(corpus_dir=corpus_dir)
        self.table = table
        self.asked: list[str] = []

    def ask(self, question: str, history: list, **_: object) -> _FakeAnswer:
        self.asked.append(question)
        base = {"answer": "", "abstained": False, "citations": []}
        return _FakeAnswer({**base, **self.table.get(question, {})})


def test_run_eval_runs_the_rewordings_of_evaluated_sets_only(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    corpus_dir = tmp_path / "docs"
    corpus_dir.mkdir()
    (corpus_dir / "guide.md").write_text(SOURCE, encoding="utf-8")
    base = {"category": "process_deadlines", "evidence": [], "must_abstain": False}
    dev = [
        {**base, "id": "Q1", "question": "first deadline?", "must_include": ["6 May"]},
        {**base, "id": "Q2", "question": "second deadline?", "must_include": ["7 July"]},
    ]
    paras = [
        {**base, "id": "Q1-P1", "source_id": "Q1", "source_set": "dev", "question": "earliest cut-off?",
         "must_include": ["6 May"]},
        {**base, "id": "Q2-P1", "source_id": "Q2", "source_set": "dev", "question": "later cut-off?",
         "must_include": ["7 July"]},
        {**base, "id": "Z1-P1", "source_id": "Z1", "source_set": "other", "question": "not asked",
         "must_include": ["x"]},
    ]  # fmt: skip
    dev_path, para_path, report = tmp_path / "dev.jsonl", tmp_path / "para.jsonl", tmp_path / "r.json"
    dev_path.write_text("".join(json.dumps(i) + "\n" for i in dev), encoding="utf-8")
    para_path.write_text("".join(json.dumps(i) + "\n" for i in paras), encoding="utf-8")
    table = {
        "first deadline?": {"answer": "Friday 6 May"},
        "second deadline?": {"answer": "Thursday 7 July"},
        "earliest cut-off?": {"answer": "Friday 6 May"},
        "later cut-off?": {"answer": "I do not know"},
    }
    bot = _FakeAssistant(corpus_dir, table)
    assert run_eval(bot, [dev_path], out=str(report), paraphrases=para_path) == 0
    assert bot.asked == ["first deadline?", "second deadline?", "earliest cut-off?", "later cut-off?"]
    text = capsys.readouterr().out
    # originals: facts 1.0, no evidence, nothing to abstain on, no false abstention -> headline 1.0;
    # rewordings: facts 0.5 -> headline 0.75
    assert "OVERFITTING (dev): 1.000 − 0.750 = 0.250" in text
    saved = json.loads(report.read_text(encoding="utf-8"))
    cmp = saved["paraphrases"][0]["comparison"]["dev"]
    assert cmp["overfitting"] == pytest.approx(0.25)
    assert [r["id"] for r in cmp["regressions"]] == ["Q2-P1"]
    # no paraphrases asked for: the originals only
    bot2 = _FakeAssistant(corpus_dir, table)
    assert run_eval(bot2, [dev_path], paraphrases=None) == 0
    assert len(bot2.asked) == 2 and "OVERFITTING" not in capsys.readouterr().out


def test_eval_cli_paraphrase_flags() -> None:
    from ui.cli import build_parser

    args = build_parser().parse_args(["eval"])
    assert args.paraphrases is None and args.no_paraphrases is False
    args = build_parser().parse_args(["eval", "x.jsonl", "--paraphrases", "p.jsonl", "--no-paraphrases"])
    assert args.files == ["x.jsonl"] and args.paraphrases == "p.jsonl" and args.no_paraphrases


def test_paraphrase_file_rewords_every_dev_and_gold_item() -> None:
    if not PARAPHRASE_SET.exists():
        pytest.skip("no eval/paraphrases.jsonl")
    paras = load_set(PARAPHRASE_SET)
    sources = {"gold": {it["id"]: it for it in load_set(GOLD_SET)}}
    if DEV_SET.exists():
        sources["dev"] = {it["id"]: it for it in load_set(DEV_SET)}
    seen: dict[tuple[str, str], list[str]] = {}
    for p in paras:
        if p["source_set"] not in sources:
            continue
        src = sources[p["source_set"]][p["source_id"]]
        style = style_of(p["id"])
        assert p["id"] == f"{src['id']}-{style}" and style in PARAPHRASE_STYLES, p["id"]
        for key in ("category", "evidence", "must_include", "must_abstain"):
            assert p[key] == src[key], (p["id"], key)
        assert p["question"].strip() and normalise(p["question"]) != normalise(src["question"]), p["id"]
        assert bool(p.get("history")) == bool(src.get("history")), p["id"]
        seen.setdefault((p["source_set"], p["source_id"]), []).append(style_of(p["id"]) or "")
    for name, items in sources.items():
        for sid in items:
            assert sorted(seen.get((name, sid), [])) == ["P1", "P2", "P3"], (name, sid)


# ---------------------------------------------------------------------------------------------
# (b) agreement with the reference scorer
# ---------------------------------------------------------------------------------------------
def _perturb(resp: dict, rng: random.Random) -> dict:
    """A copy whose citations exercise the failure paths: altered figures, elisions, dropped words."""
    out = json.loads(json.dumps(resp))
    for i, c in enumerate(out.get("citations", [])):
        words = c["text"].split()
        kind = i % 4
        if kind == 0:
            c["text"] = re.sub(r"\d", lambda m: str((int(m.group()) + 3) % 10), c["text"])
        elif kind == 1 and len(words) > 12:
            j = rng.randrange(3, len(words) - 6)
            c["text"] = " ".join(words[:j] + ["..."] + words[j + 3 :])
        elif kind == 2 and len(words) > 10:
            c["text"] = " ".join(w for k, w in enumerate(words) if k % 9 != 4)
        else:
            c["text"] = " ".join(words[:3])
    out["answer"] = out.get("answer", "").upper()
    return out


@pytest.mark.slow
def test_agrees_with_reference_scorer(assistant_instance, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if not REFERENCE.exists() or not DEV_SET.exists():
        pytest.skip(f"reference scorer not found at {REFERENCE} (this checkout has no ../shared)")
    dev = load_set(DEV_SET)
    by_cat: dict[str, dict] = {}
    for it in dev:
        by_cat.setdefault(it["category"], it)  # one item per category, follow-up and abstentions included
    gold = load_set(GOLD_SET)[::9]
    items = list(by_cat.values()) + gold
    run = collect(assistant_instance, items)
    rng = random.Random(7)
    items = items + items
    responses = run.responses + [_perturb(r or {}, rng) for r in run.responses]
    latencies = run.latencies + run.latencies

    set_path, resp_path, report_path = tmp_path / "set.jsonl", tmp_path / "resp.jsonl", tmp_path / "ref.json"
    set_path.write_text("".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items), encoding="utf-8")
    with resp_path.open("w", encoding="utf-8") as fh:
        for r, lat in zip(responses, latencies, strict=True):
            fh.write(json.dumps({**(r or {}), "_latency_s": lat}, ensure_ascii=False) + "\n")
    corpus_dir = tmp_path / "corpus"  # the documents only, exactly what the evaluator reads
    corpus_dir.mkdir()
    for p in corpus_files(assistant_instance.settings.corpus_dir):
        shutil.copy(p, corpus_dir / p.name)
    proc = subprocess.run(
        [sys.executable, str(REFERENCE), "--set", str(set_path), "--responses", str(resp_path),
         "--corpus", str(corpus_dir), "--out", str(report_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    ref = json.loads(report_path.read_text(encoding="utf-8"))

    results = score_items(items, responses, Corpus.from_dir(assistant_instance.settings.corpus_dir))
    ours = aggregate(results)
    assert ours["n_citations"] > 20 and 0 < ours["citation_validity"] < 1  # both paths exercised
    for key, theirs in ref["overall"].items():
        mine = ours[key]
        if isinstance(theirs, float) or isinstance(mine, float):
            assert mine == pytest.approx(theirs, abs=1e-9), key
        else:
            assert mine == theirs, key
    assert per_category(results).keys() == ref["per_category"].keys()
    for cat, agg in per_category(results).items():
        assert agg["headline"] == pytest.approx(ref["per_category"][cat]["headline"], abs=1e-9), cat
    for a, b in zip(results, ref["items"], strict=True):
        assert [c["valid"] for c in a["citations"]] == [c["valid"] for c in b["citations"]], a["id"]
        assert a["facts"] == b["facts"] and a["evidence_hit"] == b["evidence_hit"], a["id"]
    timing = timing_summary(latencies)
    for key in ("mean_s", "p50_s", "p95_s", "max_s"):
        assert timing[key] == pytest.approx(ref["timing"][key], abs=1e-9), key
