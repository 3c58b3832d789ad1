"""Ingest: load, chunk, embed and index the corpus, incrementally and crash-safely.

Per-document results are cached by content hash, so re-running ingest only
embeds new or changed documents; every run assembles a complete new build
from those caches and publishes it atomically (see ``ingest.store``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest import stages, store
from ingest.chunking import chunk_document
from ingest.config import Settings
from ingest.embeddings import embed_texts, pooled_chunk_vectors, use_index
from ingest.loaders import LoadError, load_file
from ingest.manifest import SUPPORTED_SUFFIXES, corpus_files, guess_info, read_manifest, refused_links
from ingest.models import Chunk, DocumentInfo
from ingest.onnx_model import QUANT_VERSION
from ingest.sentences import join_broken, sentence_spans
from ingest.tokens import token_counter

log = logging.getLogger(__name__)
PIPELINE_VERSION = "21"  # bump when chunking, sentence splitting, de-duplication or vector pooling change
_LABEL_LINE = re.compile(r"\*\*[^*\n]+\*\*")  # a markdown line that is all bold: a label


@dataclass
class IngestReport:
    """What one ingest run did; the CLI prints it and derives the exit status from ``skipped``."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # informational (e.g. repeated passages stored once)
    chunks: int = 0
    build: Path | None = None
    published: bool = False
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # wall seconds per stage (ingest.stages)

    @property
    def ok(self) -> bool:
        return not self.skipped


@contextmanager
def ingest_lock(path: Path) -> Iterator[None]:
    """Serialise ingests: a second one waits for the first instead of interleaving."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _sources(
    settings: Settings, paths: list[Path] | None, refused: list[tuple[str, str]] | None = None
) -> list[tuple[Path, DocumentInfo | None]]:
    """Files to index with their manifest entry (None when the manifest does not list them).

    Symbolic links in a folder are followed only to files inside that folder; the others (and
    dangling ones) are added to ``refused`` with the reason, never indexed silently.
    """
    # by default the corpus plus the documents staff added in the admin area (ingest.uploads)
    roots = paths or [settings.corpus_dir, *([settings.uploads_dir] if settings.uploads_dir.is_dir() else [])]
    out: list[tuple[Path, DocumentInfo | None]] = []
    for root in roots:
        if root.is_dir():
            manifest = read_manifest(root)
            out.extend((p, manifest.get(p.name)) for p in corpus_files(root))
            if refused is not None:
                refused.extend(refused_links(root))
        else:
            manifest = read_manifest(root.parent) if root.parent.is_dir() else {}
            out.append((root, manifest.get(root.name)))
    return out


def _cache_key(raw: bytes, info: DocumentInfo | None, settings: Settings) -> str:
    h = hashlib.sha256(raw)
    model = Path(settings.model_path).name
    if settings.embed_precision != "float32":  # float32 keys unchanged: caches made before int8 stay valid
        model += f"/{settings.embed_precision}q{QUANT_VERSION}"
    h.update(f"|{PIPELINE_VERSION}|{model}|{settings.max_chunk_tokens}|".encode())
    if info is not None:
        h.update(json.dumps(info.__dict__, sort_keys=True).encode())
    return h.hexdigest()[:32]


def _process(
    path: Path, info: DocumentInfo | None, key: str, settings: Settings, cache: Path
) -> DocumentInfo:
    """Load, chunk and embed one document into its cache folder (written aside, then renamed)."""
    with stages.stage("load"):
        loaded = load_file(path, max_bytes=settings.max_upload_bytes)
        if info is None:
            info = guess_info(path, loaded.text)
    with stages.stage("chunk"):
        chunks = chunk_document(info, loaded, token_counter(settings.model_path), settings.max_chunk_tokens)
    if not chunks:
        raise LoadError(path, "no indexable text after removing contents and footnotes")
    chunks, repeats = dedupe_chunks(chunks)
    spans: list[tuple[int, int, int]] = []
    for row, c in enumerate(chunks):
        # a sentence a page break and its footnotes cut between two segments is one sentence
        pieces = [span for s, e in c.segments for span in sentence_spans(loaded.text, s, e)]
        if c.block == "timeline":
            # an entry's labels ("**JANUARY 2016**", "**PUBLICATION**") head it (its section says
            # the date); as sentences they would be quoted as if they were the event
            pieces = [(a, b) for a, b in pieces if not _LABEL_LINE.fullmatch(loaded.text[a:b])]
        spans.extend((row, a, b) for a, b in join_broken(loaded.text, pieces))
    with stages.stage("embed"):  # one call: duplicates embedded once, batches packed by length
        sentences = [loaded.text[a:b] for _r, a, b in spans]
        pieces = [(row, part) for row, c in enumerate(chunks) for part in c.heading_parts()]
        with_sentences = {row for row, _a, _b in spans}  # a chunk without any is embedded whole
        pieces += [(row, c.embed_text()) for row, c in enumerate(chunks) if row not in with_sentences]
        vecs = embed_texts(
            settings.model_path,
            sentences + [t for _r, t in pieces],
            precision=settings.embed_precision,
            workers=settings.embed_worker_count,
        )
        sent_vecs = vecs[: len(sentences)]
        count = token_counter(settings.model_path)
        chunk_vecs = pooled_chunk_vectors(
            len(chunks),
            vecs,
            np.asarray([row for row, _a, _b in spans] + [row for row, _t in pieces], dtype=np.int64),
            np.asarray([count(t) for t in sentences + [t for _r, t in pieces]], dtype=np.float64),
        )
    tmp = cache.with_name(cache.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "text.txt").write_text(loaded.text, encoding="utf-8")
    (tmp / "info.json").write_text(json.dumps(info.__dict__, ensure_ascii=False), encoding="utf-8")
    (tmp / "repeats.json").write_text(json.dumps({"collapsed": repeats}), encoding="utf-8")
    with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    np.save(tmp / "chunk_vecs.npy", chunk_vecs)
    np.save(tmp / "sent_spans.npy", np.asarray(spans, dtype=np.int64).reshape(-1, 3))
    np.save(tmp / "sent_vecs.npy", sent_vecs)
    shutil.rmtree(cache, ignore_errors=True)
    tmp.rename(cache)
    return info


_preloaded = threading.Event()


def _preload_writers() -> None:
    """Import Chroma and bm25s (about 2 s of CPU, more on a cold disk) in the background while the
    documents are embedded, instead of after, when the build is written. ONNX Runtime releases the
    GIL while it runs; the main thread imports nothing new meanwhile (documents are embedded with
    what is already loaded), so the two cannot wait on each other's import locks."""
    if _preloaded.is_set():
        return
    _preloaded.set()

    def run() -> None:
        try:
            import bm25s  # noqa: F401
            import langchain_chroma  # noqa: F401
        except Exception:  # noqa: BLE001 - only a head start: write_build imports them again and reports
            pass

    threading.Thread(target=run, name="ingest-preload", daemon=True).start()


def dedupe_chunks(chunks: list[Chunk]) -> tuple[list[Chunk], int]:
    """Keep the first of chunks whose text (with its heading trail) is the same but for spacing and case.

    A document of many identical pages (a form repeated, a template, or a file made to flood the
    index) otherwise fills the vector index with identical vectors: approximate search then misses
    the real neighbours of a question (dense recall@10 fell from 1.0 to 0.29 with one such PDF).
    Returns the kept chunks and how many were collapsed.
    """
    seen: set[str] = set()
    kept: list[Chunk] = []
    for c in chunks:
        key = " ".join(c.embed_text().split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        kept.append(c)
    return kept, len(chunks) - len(kept)


def _repeats(cache: Path) -> int:
    try:
        return int(json.loads((cache / "repeats.json").read_text(encoding="utf-8"))["collapsed"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def _previous(build: Path | None) -> dict[str, dict]:
    """The live build's documents by file name (empty when there is none or it cannot be read)."""
    if build is None:
        return {}
    try:
        return {d["file"]: d for d in store.read_meta(build)["documents"]}
    except (OSError, ValueError, KeyError):
        return {}


def run_ingest(settings: Settings, paths: list[Path] | None = None, progress: bool = False) -> IngestReport:
    """Bring the index in line with the sources; publishes a new build only if something changed."""
    t0 = time.perf_counter()
    stages.reset()
    report = IngestReport()
    cache_root = settings.data_dir / "cache"
    cache_root.mkdir(parents=True, exist_ok=True)
    with ingest_lock(settings.lock_path):
        use_index(settings.model_path, settings.index_root)  # the ONNX model file lives beside the index
        _remove_leftovers(settings, cache_root)
        live = store.current_build(settings.index_root)
        previous = _previous(live)
        url = store.server_url(settings.chroma_url)
        backend = ("server", url) if url else ("embedded", "")
        live_backend = store.vectors_backend(live)
        if previous and live_backend != backend:  # e.g. CSC_CHROMA_URL set or moved: same files, new home
            report.warnings.append(
                f"vector store changed ({_describe(live_backend)} -> {_describe(backend)}): rebuilding"
            )
        live_precision = store.embed_precision(store.read_meta(live)) if previous and live else ""
        if live_precision and live_precision != settings.embed_precision:  # new cache keys: all re-embedded
            report.warnings.append(
                f"embedding precision changed ({live_precision} -> {settings.embed_precision}): "
                "re-embedding every document"
            )
        refused: list[tuple[str, str]] = []
        sources = _sources(settings, paths, refused)
        report.skipped.extend(refused)
        docs: list[tuple[DocumentInfo, str, Path]] = []
        seen_ids: set[str] = set()
        iterator = sources
        if progress:
            from tqdm import tqdm

            iterator = tqdm(sources, desc="ingest", unit="file", file=sys.stderr)
        for path, info in iterator:
            name = path.name
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                report.skipped.append((name, f"unsupported file type {path.suffix or '(none)'}"))
                continue
            try:
                if path.stat().st_size > settings.max_upload_bytes:  # refused before it is read into memory
                    load_file(path, max_bytes=settings.max_upload_bytes)
                raw = path.read_bytes()
                key = _cache_key(raw, info, settings)
                cache = cache_root / key
                if not (cache / "chunks.jsonl").exists():
                    _preload_writers()
                    _process(path, info, key, settings, cache)
                    if info is None:  # said only of files that were indexed, not of refused ones
                        report.warnings.append(f"{name}: not in the manifest; title guessed from the text")
                    if repeats := _repeats(cache):
                        report.notes.append(f"{name}: {repeats} repeated passages stored once")
                doc_info = DocumentInfo(**json.loads((cache / "info.json").read_text(encoding="utf-8")))
            except (LoadError, OSError) as exc:
                reason = exc.reason if isinstance(exc, LoadError) else str(exc)
                prev = previous.get(name)
                if prev and (cache_root / prev["cache_key"] / "chunks.jsonl").exists():
                    report.skipped.append((name, f"{reason}; the previously indexed version is kept"))
                    key = prev["cache_key"]
                    doc_info = DocumentInfo(**json.loads((cache_root / key / "info.json").read_text("utf-8")))
                else:
                    report.skipped.append((name, reason))
                    continue
            if doc_info.doc_id in seen_ids:
                report.skipped.append((name, f"duplicate document id {doc_info.doc_id!r}"))
                continue
            seen_ids.add(doc_info.doc_id)
            docs.append((doc_info, key, cache_root / key))
            prev = previous.get(name)
            if prev is None:
                report.added.append(name)
            elif prev["cache_key"] != key:
                report.changed.append(name)
            else:
                report.unchanged.append(name)
        current_files = {info.file for info, _k, _c in docs}
        report.removed = sorted(set(previous) - current_files)
        report.chunks = sum(prev_count(c) for _i, _k, c in docs)
        missing = _missing_live_collection(url, live, live_backend == backend, report)
        if not docs:
            report.warnings.append("nothing to index: the previous index (if any) is left as it was")
        elif (
            report.added
            or report.changed
            or report.removed
            or not previous
            or live_backend != backend
            or missing
        ):
            with stages.stage("write"):
                report.build = _assemble(settings, docs)
                derive_tables(report.build)
            with stages.stage("publish"):
                kept = store.publish(
                    settings.index_root,
                    report.build,
                    chroma_url=settings.chroma_url,
                    owner=store.owner_id(settings.index_root),
                )
            report.published = True
            _prune_caches(cache_root, kept)
        else:
            report.build = store.current_build(settings.index_root)
            if report.build is not None:
                derive_tables(report.build)
    report.seconds = time.perf_counter() - t0
    report.stages = stages.times()
    return report


def _missing_live_collection(url: str, live: Path | None, same_backend: bool, report: IngestReport) -> bool:
    """True when the live build's server collection is gone (dropped by hand or by another data dir).

    Then the index must be rebuilt even though no document changed; saying "up to date" would
    leave every search on the local fallback. A server that cannot be asked is only warned about.
    """
    if not url or live is None or not same_backend:
        return False
    try:
        name = store.live_collection_missing(url, live)
    except store.VectorStoreUnavailableError as exc:
        report.warnings.append(f"could not check the live collection: {exc}")
        return False
    if name:
        report.warnings.append(f"live collection {name} missing from the Chroma server at {url}: rebuilt")
    return bool(name)


def _remove_leftovers(settings: Settings, cache_root: Path) -> None:
    """What a killed ingest leaves behind: half-written caches and builds, a stray swap link.

    Called under the ingest lock, so nothing found here is still being written. Without this,
    an incomplete build (no meta.json) could be kept by ``store.publish``'s pruning as the
    fallback build in place of the last complete one, and ``.tmp`` caches piled up forever.
    """
    for tmp in cache_root.glob("*.tmp"):
        shutil.rmtree(tmp, ignore_errors=True)
    store.clear_trash(settings.index_root)  # builds a killed prune had renamed aside
    if store.read_record(settings.index_root):  # unpublished builds (killed after meta.json) go too
        store.prune(settings.index_root, settings.chroma_url, store.owner_id(settings.index_root))
    live = store.current_build(settings.index_root)
    builds = settings.index_root / "builds"
    if builds.is_dir():
        for b in builds.iterdir():
            if b.is_dir() and not (b / "meta.json").exists() and (live is None or b.resolve() != live):
                shutil.rmtree(b, ignore_errors=True)
    for link in settings.index_root.glob(".current-*"):
        link.unlink(missing_ok=True)
    if settings.chroma_url:  # collections of builds that died before meta.json, or failed to drop
        store.drop_orphans(store.server_url(settings.chroma_url), settings.index_root)


def _describe(backend: tuple[str, str]) -> str:
    kind, url = backend
    return f"Chroma server {url}" if kind == "server" else "embedded Chroma"


def _prune_caches(cache_root: Path, builds: list[Path]) -> None:
    """Drop per-document caches no kept build refers to (old versions of changed or removed files).

    The caches of every kept build stay: the fallback build can be re-assembled, and a file that
    turns corrupt keeps its last good version. Runs under the ingest lock, after publishing.
    """
    wanted: set[str] = set()
    for build in builds:
        try:
            wanted.update(d["cache_key"] for d in store.read_meta(build)["documents"])
        except (OSError, ValueError, KeyError):
            return  # cannot tell what a kept build needs: keep everything
    for folder in cache_root.iterdir():
        if folder.is_dir() and folder.name not in wanted and not folder.name.endswith(".tmp"):
            shutil.rmtree(folder, ignore_errors=True)


def prev_count(cache: Path) -> int:
    with (cache / "chunks.jsonl").open(encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip())


def _assemble(settings: Settings, docs: list[tuple[DocumentInfo, str, Path]]) -> Path:
    """A complete build from per-document caches; nothing is re-embedded here."""
    chunks: list[Chunk] = []
    chunk_vecs: list[np.ndarray] = []
    spans: list[np.ndarray] = []
    sent_vecs: list[np.ndarray] = []
    texts: list[tuple[DocumentInfo, str, str]] = []
    for info, key, cache in docs:
        doc_chunks = store.read_chunks(cache)
        s = np.load(cache / "sent_spans.npy").reshape(-1, 3).copy()
        s[:, 0] += len(chunks)
        chunks.extend(doc_chunks)
        chunk_vecs.append(np.load(cache / "chunk_vecs.npy"))
        spans.append(s)
        sent_vecs.append(np.load(cache / "sent_vecs.npy"))
        texts.append((info, key, (cache / "text.txt").read_text(encoding="utf-8")))
    folder = store.new_build_dir(settings.index_root)
    try:
        store.write_build(
            folder,
            texts,
            chunks,
            np.concatenate(chunk_vecs),
            [tuple(map(int, row)) for row in np.concatenate(spans)],
            np.concatenate(sent_vecs),
            settings.model_path,
            embed_precision=settings.embed_precision,
            hnsw_ef=settings.index.hnsw_ef,
            chroma_url=settings.chroma_url,
            owner=store.owner_id(settings.index_root) if settings.chroma_url else "",
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def derive_tables(build: Path) -> None:
    """Structured data derived from a build (the project directory table), before it is published."""
    from ingest import index_tables

    index_tables.ensure(build)  # stems and IDF of every chunk and sentence, loaded by answering
    try:
        from ingest.projects_store import build_projects_db
    except ImportError:
        return
    meta = store.read_meta(build)
    target = build / "projects.sqlite"
    if target.exists():
        return
    for doc in meta["documents"]:
        if doc.get("kind") == "directory":
            text = (build / "texts" / f"{doc['doc_id']}.txt").read_text(encoding="utf-8")
            build_projects_db(
                text, target, doc_id=doc["doc_id"], file=doc["file"], title=doc["title"], date=doc["date"]
            )
            return  # one directory table per build: a second "directory" document is searched as text
