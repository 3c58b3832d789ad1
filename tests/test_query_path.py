"""The fast query path: ONNX embeddings, numpy BM25, exact dense scan, precomputed index tables.

Each is checked against what it replaces (torch vectors, bm25s scores, today's stemming and IDF),
on the two small documents; no timings are asserted (benchmarks/ prints those).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from support import indexed_small_corpus, private_copy

from assistant import tables
from assistant.candidates import idf_table
from assistant.retrieve import dense_ranking, exact_ranking
from assistant.snapshot import Snapshot
from assistant.text import content_stems
from ingest import store
from ingest.config import Settings, load_settings
from ingest.embeddings import embed_texts, encoder, models_dir, torch_embedder, use_index
from ingest.lexical import QUERY_RULES, LexicalIndex
from ingest.onnx_model import fingerprint, onnx_file

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "Who can apply for funding?",
    "",
    "Ünïcödé café: £2.5m for 3 local authorities (2016–17) — “kinship care”.",
    "word " * 400,  # longer than the model window: truncated the same way as sentence-transformers
    "The Innovation Programme funds projects that improve outcomes for children in care.",
]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return indexed_small_corpus(tmp_path_factory.mktemp("query-path"))


def test_onnx_vectors_agree_with_torch() -> None:
    model_path = load_settings().model_path
    onnx = embed_texts(model_path, TEXTS, precision="float32")
    ref = np.asarray(torch_embedder(model_path).embed_documents(TEXTS), dtype=np.float32)
    cos = (onnx * ref).sum(axis=1) / (np.linalg.norm(onnx, axis=1) * np.linalg.norm(ref, axis=1))
    assert onnx.shape == (len(TEXTS), 384)
    assert cos.min() >= 0.999, cos


def test_duplicates_are_embedded_once_and_kept_in_order() -> None:
    model_path = load_settings().model_path
    calls: list[int] = []
    vecs = embed_texts(model_path, ["b", "a", "b"], progress=calls.append)
    assert sum(calls) == 2  # two distinct texts went through the model
    assert np.array_equal(vecs[0], vecs[2]) and not np.array_equal(vecs[0], vecs[1])


def test_parallel_sessions_give_the_same_vectors_in_the_same_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest embeds with one session per core; every text keeps its own vector, whatever the split."""
    model_path = load_settings().model_path
    texts = [
        f"Project {i} worked with {i % 7 + 1} councils on " + "family support " * (i % 9) for i in range(60)
    ]
    one = encoder(model_path, "float32").encode(texts, token_budget=128, workers=1)
    threads: set[str] = set()
    real_run = type(encoder(model_path, "float32"))._run

    def spy(self, session, enc):  # type: ignore[no-untyped-def]
        import threading

        threads.add(threading.current_thread().name)
        return real_run(self, session, enc)

    encoder(model_path, "float32").encode(texts, token_budget=128, workers=3)  # makes the extra sessions
    monkeypatch.setattr(type(encoder(model_path, "float32")), "_run", spy)
    done: list[int] = []
    three = encoder(model_path, "float32").encode(texts, token_budget=128, progress=done.append, workers=3)
    assert len(threads) >= 2  # the batches really were shared out
    assert sum(done) == len(texts)
    assert (one * three).sum(axis=1).min() >= 0.99999
    assert np.argmax(three @ one.T, axis=1).tolist() == list(range(len(texts)))


def test_embed_workers_default_to_the_cores_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    assert load_settings().embed_worker_count == 3
    monkeypatch.setenv("CSC_EMBED_WORKERS", "1")
    assert load_settings().embed_worker_count == 1


def test_int8_vectors_stay_close_to_float32() -> None:
    """The quantised model's vectors: a loose check (retrieval and answers are what eval measures)."""
    model_path = load_settings().model_path
    exact = embed_texts(model_path, TEXTS, precision="float32")
    quantised = embed_texts(model_path, TEXTS, precision="int8")
    cos = (exact * quantised).sum(axis=1)
    assert quantised.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(quantised, axis=1), 1, atol=1e-4)
    assert cos.min() >= 0.97, cos
    assert encoder(model_path, "int8").path.name.endswith("-int8q1.onnx")


def test_ingest_keeps_the_onnx_file_beside_the_index(small: Settings) -> None:
    folder = models_dir(small.index_root)
    precision = small.embed_precision
    names = {p.name for p in folder.glob("*.onnx")}
    assert onnx_file(small.model_path, folder, precision).name in names
    known = {onnx_file(small.model_path, folder, p).name for p in ("float32", "int8")}
    assert f"minilm-{fingerprint(small.model_path)}.onnx" in known and names <= known
    use_index(small.model_path, small.index_root)
    assert encoder(small.model_path, precision).path.parent == folder
    build = store.current_build(small.index_root)
    assert build is not None and store.read_meta(build)["embed_precision"] == precision
    assert Snapshot.load(small.index_root, small.model_path).embed_precision == precision


def test_answering_imports_no_torch_bm25s_or_chromadb(small: Settings) -> None:
    code = (
        "import json, sys\n"
        "from assistant.api import Assistant\n"
        "from ingest.config import load_settings\n"
        f"s = load_settings(data_dir={str(small.data_dir)!r}, corpus_dir={str(small.corpus_dir)!r})\n"
        "ans = Assistant(s, llm='none').ask('When is the deadline for expressions of interest?')\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'bm25s', 'numba', 'chromadb'}\n"
        "print(json.dumps({'loaded': sorted(m for m in sys.modules if m.split('.')[0] in heavy),\n"
        "                  'cited': len(ans.citations)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["loaded"] == [] and result["cited"] > 0, result


def test_numpy_bm25_scores_equal_bm25s(small: Settings) -> None:
    build = store.current_build(small.index_root)
    assert build is not None and (build / "bm25" / QUERY_RULES).exists()
    fast = LexicalIndex(build / "bm25", len(store.read_chunks(build)))
    (build / "bm25" / QUERY_RULES).rename(build / "bm25" / "rules.bak")
    try:
        slow = LexicalIndex(build / "bm25", len(store.read_chunks(build)))
    finally:
        (build / "bm25" / "rules.bak").rename(build / "bm25" / QUERY_RULES)
    for query in [*TEXTS, "deadline deadline EOI", "the and of", "Leeds, FDAC & £110m in 2016-17?"]:
        assert fast.query_terms(query) == slow.query_terms(query), query
        assert np.array_equal(fast.scores(query), slow.scores(query)), query


def test_exact_dense_ranking_matches_a_full_sort(small: Settings) -> None:
    snap = Snapshot.load(small.index_root, small.model_path)
    assert snap.exact_dense
    qvec = embed_texts(small.model_path, ["When is the deadline?"], precision=snap.embed_precision)[0]
    sims = snap.chunk_vecs @ qvec
    expected = sorted(range(len(sims)), key=lambda i: (-sims[i], i))[:5]
    assert [r for r, _ in dense_ranking(snap, qvec, 5)] == expected
    assert [r for r, _ in exact_ranking(snap.chunk_vecs, qvec, 10**6)] == sorted(
        range(len(sims)), key=lambda i: (-sims[i], i)
    )


def test_tables_equal_todays_computation(small: Settings) -> None:
    build = store.current_build(small.index_root)
    assert build is not None and (build / tables.FILE).exists()  # written by ingest
    snap = Snapshot.load(small.index_root, small.model_path)
    assert tables.idf(snap) == idf_table(Snapshot.load(small.index_root, small.model_path))
    assert tables.chunk_stems(snap) == [content_stems(c.text) for c in snap.chunks]
    expected = [
        frozenset(content_stems(snap.texts[snap.chunks[int(r)].doc_id][int(a) : int(b)]))
        for r, a, b in snap.sent_spans
    ]
    assert tables.sentence_stems(snap) == expected
    n = len(snap.chunks)
    df = sum(1 for c in snap.chunks if "deadlin" in content_stems(c.text))
    assert df and math.isclose(tables.idf(snap)["deadlin"], math.log(1 + n / df))


def test_stale_tables_are_recomputed(small: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    build = store.current_build(small.index_root)
    assert build is not None
    from ingest import index_tables

    monkeypatch.setattr(index_tables, "rules_fingerprint", lambda: "changed-rules")
    monkeypatch.setattr(index_tables, "content_stems", lambda text: ["x"])  # the "new" stemming
    snap = Snapshot.load(small.index_root, small.model_path)
    assert set(tables.idf(snap)) == {"x"}
    assert json.loads((build / tables.FILE).read_text(encoding="utf-8"))["rules"] == "changed-rules"


def test_a_read_only_index_uses_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import onnx_model

    model_path = load_settings().model_path
    real = onnx_model._ensure_in
    read_only = tmp_path / "index" / "models"

    def refuse(model: str, folder: Path, precision: str = "float32") -> Path:
        if folder == read_only:
            raise PermissionError(13, "Read-only file system", str(folder))
        return real(model, folder, precision)

    monkeypatch.setattr(onnx_model, "_ensure_in", refuse)
    path = onnx_model.ensure_onnx(model_path, read_only)
    assert path.parent == onnx_model._user_cache() and path.exists()
    assert not read_only.exists()


def test_ingest_reports_every_stage(small: Settings) -> None:
    from ingest.pipeline import run_ingest
    from ingest.stages import STAGES, line

    again = run_ingest(small)  # nothing changed: nothing published, no stage timed
    assert not again.published and set(again.stages) == set(STAGES) and again.stages["embed"] == 0.0
    fresh = load_settings(data_dir=small.data_dir.parent / "fresh-data", corpus_dir=small.corpus_dir)
    report = run_ingest(fresh)
    assert report.published and list(report.stages) == list(STAGES)
    assert report.stages["embed"] > 0 and report.stages["write"] > 0
    assert line(report.stages).startswith("stages: load ") and "publish" in line(report.stages)


def test_changing_the_precision_re_embeds_and_questions_follow_the_build(
    small: Settings, tmp_path: Path
) -> None:
    from assistant.api import Assistant
    from ingest.pipeline import run_ingest

    work = private_copy(small, tmp_path)
    other = "int8" if work.embed_precision == "float32" else "float32"
    switched = work.replace(index={**work.index.model_dump(), "embed_precision": other})
    report = run_ingest(switched)
    assert report.published and report.stages["embed"] > 0  # every document embedded again
    assert any("embedding precision changed" in w for w in report.warnings), report.warnings
    build = store.current_build(switched.index_root)
    assert build is not None and store.read_meta(build)["embed_precision"] == other
    assert (models_dir(switched.index_root) / onnx_file(switched.model_path, Path(), other).name).exists()
    # an app still configured with the old precision embeds questions like the live build
    app = Assistant(work, llm="none")
    assert app.snapshot().embed_precision == other
    question = "When is the deadline?"
    assert np.array_equal(app.embed(question), embed_texts(work.model_path, [question], precision=other)[0])


def test_pooled_chunk_vector_is_the_token_weighted_mean_of_its_pieces() -> None:
    from ingest.embeddings import pooled_chunk_vectors

    vecs = np.asarray([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [3.0, 4.0]], dtype=np.float32)
    rows = np.asarray([0, 0, 1, 1])
    pooled = pooled_chunk_vectors(2, vecs, rows, np.asarray([3.0, 1.0, 1.0, 0.0]))
    assert np.allclose(pooled[0], np.asarray([3.0, 1.0]) / math.sqrt(10))  # weight 3 pulls towards piece 1
    assert np.allclose(pooled[1], [0.0, 1.0])  # a piece of weight 0 (no tokens) counts for nothing
    assert np.allclose(np.linalg.norm(pooled, axis=1), 1.0)


def test_a_chunk_is_found_by_its_own_sentence_and_by_its_heading(small: Settings) -> None:
    """Chunk vectors are pooled from heading parts and sentences (ingest/pipeline.py); each chunk
    must still be the nearest chunk to one of its own sentences, and its heading must count."""
    snap = Snapshot.load(small.index_root, small.model_path)
    assert np.allclose(np.linalg.norm(snap.chunk_vecs, axis=1), 1.0, atol=1e-4)
    hits = 0
    for row, chunk in enumerate(snap.chunks):
        first = chunk.text.split(". ")[0]
        qvec = embed_texts(small.model_path, [first])[0]
        hits += int(np.argmax(snap.chunk_vecs @ qvec) == row)
    assert hits >= 0.8 * len(snap.chunks), (hits, len(snap.chunks))
    for row, chunk in enumerate(snap.chunks):  # the heading pulls the vector towards it
        own = snap.sentences_of[row]
        plain = snap.sent_vecs[own].mean(axis=0)
        plain /= np.linalg.norm(plain)
        head = embed_texts(small.model_path, [chunk.title])[0]
        assert snap.chunk_vecs[row] @ head > plain @ head, chunk.chunk_id


def test_the_index_s_question_headings_and_table_rows_are_embedded_in_one_call(small: Settings) -> None:
    # what every question compares with is embedded together on first use (the one-shot `ask`
    # embedded 22 headings one by one), and the vectors are those of embedding each alone
    from assistant.api import Assistant, _Embedder
    from assistant.units import question_headings, table_rows

    asst = Assistant(small)
    calls: list[int] = []

    class Counting(_Embedder):
        def __init__(self, assistant: Assistant) -> None:
            super().__init__(assistant)
            many = self.many
            self.many = lambda texts: (calls.append(len(texts)), many(texts))[1]

    snap = asst.snapshot()
    heads = question_headings(snap, Counting(asst))
    rows = table_rows(snap, Counting(asst))
    assert heads and len(calls) == 1 + (1 if rows else 0) and calls[0] == len(heads)
    for head, _members, vec in heads:
        assert float(vec @ asst.embed(head)) > 0.9999
