"""On-disk layout of one index build, and the atomic swap that publishes it.

A build is a folder holding everything the assistant reads: chunks, sentence
spans and vectors, the Chroma collection, the BM25 index, document texts and
metadata. Ingest writes a new folder and then repoints the ``current``
symlink with one ``rename``; readers therefore see the old build or the new
one, never half of either, whatever happens to ingest.

Server mode (``CSC_CHROMA_URL`` set): the chunk vectors go to a Chroma server instead, in one
collection per build (``csc_chunks-<build id>``) named in that build's ``meta.json``, so the same
symlink swap still publishes vectors and files together; old builds' collections are dropped
when the builds are pruned. Everything else stays on local disk in the build folder.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from ingest.models import Chunk, DocumentInfo

COLLECTION = "csc_chunks"
OWNER_KEY = "csc_owner"  # collection metadata: which data dir made it (see owner_id)
FORMAT_VERSION = 1
log = logging.getLogger(__name__)


class VectorStoreUnavailableError(RuntimeError):
    """The Chroma server that holds a build's vectors cannot be reached, or has lost the collection."""

    def __init__(self, url: str, reason: object) -> None:
        super().__init__(f"vector store unavailable at {url}: {reason}")
        self.url = url


def server_url(url: str) -> str:
    """``url`` (``Settings.chroma_url``) in one spelling, so two builds' URLs compare; "" means embedded."""
    return url.strip().rstrip("/")


def http_client(url: str):  # type: ignore[no-untyped-def]
    """A client of the Chroma server at ``url`` (http(s)://host:port); raises if it is unreachable."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"CSC_CHROMA_URL={url!r} is not an http(s)://host:port URL")
    try:
        return chromadb.HttpClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False),
        )
    except Exception as exc:
        raise VectorStoreUnavailableError(url, exc) from exc


def collection_name(folder: Path) -> str:
    """The server collection of the build in ``folder`` (build ids are unique: time, pid, ns)."""
    return f"{COLLECTION}-{folder.name}"


def drop_collection(url: str, name: str) -> None:
    """Best effort: a collection that cannot be dropped now is logged, never fatal."""
    try:
        http_client(url).delete_collection(name)
    except Exception as exc:  # noqa: BLE001
        log.warning("could not drop Chroma collection %s at %s: %s", name, url, exc)


def chroma_client(folder: Path):  # type: ignore[no-untyped-def]
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(folder), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


def vector_store(  # type: ignore[no-untyped-def]
    folder: Path,
    model_path: str,
    *,
    client=None,
    collection: str = COLLECTION,
    metadata: dict | None = None,
    precision: str = "float32",
    hnsw_ef: int | None = None,
):
    """The LangChain Chroma store, always with our embedding function (never Chroma's default).

    Embedded (a PersistentClient on ``folder``) unless ``client`` is given (server mode). ``hnsw_ef``
    (``index.hnsw_ef``) is the graph search width of a collection created here; None when opening one
    that exists, whose configuration Chroma fixed when it was created (and ignores when given again).
    """
    hnsw: dict = {"space": "cosine"}
    if hnsw_ef is not None:
        hnsw.update(ef_construction=hnsw_ef, ef_search=hnsw_ef)
    from langchain_chroma import Chroma

    from ingest.embeddings import embedder

    return Chroma(
        client=client if client is not None else chroma_client(folder),
        collection_name=collection,
        embedding_function=embedder(model_path, precision),
        collection_metadata=metadata,
        # a wide graph search (Chroma's default looks at 100 candidates while building and as few
        # as k while searching): answers in server mode match the exact ranking of an embedded build
        collection_configuration={"hnsw": hnsw},
    )


def new_build_dir(index_root: Path) -> Path:
    builds = index_root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    path = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path.mkdir()
    return path


def write_build(
    folder: Path,
    docs: list[tuple[DocumentInfo, str, str]],
    chunks: list[Chunk],
    chunk_vecs: np.ndarray,
    sent_spans: list[tuple[int, int, int]],
    sent_vecs: np.ndarray,
    model_path: str,
    *,
    hnsw_ef: int,
    chroma_url: str = "",
    owner: str = "",
    embed_precision: str = "float32",
) -> None:
    """Write every artefact of a build; ``docs`` is (info, cache key, source text).

    ``hnsw_ef``: ``index.hnsw_ef``, the graph search width of the new collection.

    The vectors go to the Chroma server at ``chroma_url`` when one is given, into a new collection
    named after the build; otherwise into the build's own ``chroma/``.
    """
    from ingest.lexical import build_bm25

    (folder / "texts").mkdir(exist_ok=True)
    for info, _key, text in docs:
        (folder / "texts" / f"{info.doc_id}.txt").write_text(text, encoding="utf-8")
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    np.save(folder / "chunk_vecs.npy", chunk_vecs)
    np.save(folder / "sent_spans.npy", np.asarray(sent_spans, dtype=np.int64).reshape(-1, 3))
    np.save(folder / "sent_vecs.npy", sent_vecs)
    build_bm25([c.embed_text() for c in chunks], folder / "bm25")
    url = server_url(chroma_url)
    collection = collection_name(folder) if url else COLLECTION
    try:
        client = http_client(url) if url else None
        if client is not None and collection in {getattr(c, "name", c) for c in client.list_collections()}:
            client.delete_collection(collection)  # left by an earlier attempt with this very build id
        # a server collection is stamped with its data dir, so a later ingest can tell its orphans
        stamp = {OWNER_KEY: owner or "unknown"} if client is not None else None
        store = vector_store(
            folder / "chroma",
            model_path,
            client=client,
            collection=collection,
            metadata=stamp,
            precision=embed_precision,
            hnsw_ef=hnsw_ef,
        )
        batch = 2000
        for i in range(0, len(chunks), batch):
            part = chunks[i : i + batch]
            store._collection.add(  # precomputed vectors: unchanged documents are never re-embedded
                ids=[c.chunk_id for c in part],
                embeddings=chunk_vecs[i : i + batch].tolist(),
                documents=[c.embed_text() for c in part],
                metadatas=[{"doc_id": c.doc_id, "row": i + j} for j, c in enumerate(part)],
            )
    except Exception as exc:
        if not url:
            raise
        drop_collection(url, collection)
        if isinstance(exc, VectorStoreUnavailableError | ValueError):
            raise
        raise VectorStoreUnavailableError(url, exc) from exc
    meta = {
        "format": FORMAT_VERSION,
        "model_path": model_path,
        # the vectors' precision: questions are embedded with the same (ingest/onnx_model.py)
        "embed_precision": embed_precision,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "vectors": {"backend": "server", "url": url, "collection": collection}
        if url
        else {"backend": "embedded", "collection": COLLECTION},
        "documents": [
            {**asdict(info), "cache_key": key, "chunks": sum(1 for c in chunks if c.doc_id == info.doc_id)}
            for info, key, _text in docs
        ],
    }
    # written last: a build folder without meta.json is incomplete and never published
    (folder / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    _checkpoint("meta-written")


def current_build(index_root: Path) -> Path | None:
    link = index_root / "current"
    if not link.exists():
        return None
    target = link.resolve()
    return target if (target / "meta.json").exists() else None


BUILDS_RECORD = "builds.json"
TRASH_PREFIX = ".trash-"
_hook = None  # tests: called with a step name at each point a kill must be survivable


def _checkpoint(step: str) -> None:
    if _hook is not None:
        _hook(step)


def read_record(index_root: Path) -> dict:
    """The published builds as last recorded: ``{"live": name, "fallback": name or None}``."""
    try:
        data = json.loads((index_root / BUILDS_RECORD).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_record(index_root: Path, live: str, fallback: str | None) -> None:
    tmp = index_root / f".{BUILDS_RECORD}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump({"live": live, "fallback": fallback}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_root / BUILDS_RECORD)


def fallback_build(index_root: Path) -> Path | None:
    """The build published before the live one, complete, to roll back to (None if there is none)."""
    name = read_record(index_root).get("fallback")
    if not name:
        return None
    folder = index_root / "builds" / str(name)
    return folder if (folder / "meta.json").exists() and (folder / "chunks.jsonl").exists() else None


def keep_set(index_root: Path) -> set[str]:
    """Builds never to delete: the one ``current`` names and those the record names.

    Chosen from the published pointer and the record, never from folder times: a build killed
    before it was published, or one half deleted, is not in this set whatever its age.
    """
    keep = set()
    live = current_build(index_root)
    if live is not None:
        keep.add(live.name)
    record = read_record(index_root)
    keep.update(str(record[k]) for k in ("live", "fallback") if record.get(k))
    return keep


def publish(
    index_root: Path, folder: Path, keep: int = 2, chroma_url: str = "", owner: str = ""
) -> list[Path]:
    """Point ``current`` at ``folder`` atomically, then prune old builds; returns the builds kept.

    Order, each step safe to be killed after: (1) the symlink swap publishes ``folder``; (2) the
    record names it live and the build it replaced as the fallback (``keep`` > 1); (3) every
    other build is renamed out of ``builds/`` (so it can never be picked again), its server
    collection dropped when this data dir made it, and its folder removed. A kill before (2)
    leaves one extra build, which the next publish removes.
    """
    link = index_root / "current"
    previous = current_build(index_root)
    tmp = index_root / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(folder, index_root), tmp)
    os.replace(tmp, link)
    _checkpoint("swapped")
    replaced = previous is not None and previous.resolve() != folder.resolve()
    fallback = previous if keep > 1 and replaced else None
    if fallback is None and keep > 1:
        fallback = fallback_build(index_root)  # re-publishing the live build: keep the old fallback
    _write_record(index_root, folder.name, fallback.name if fallback is not None else None)
    _checkpoint("recorded")
    prune(index_root, chroma_url, owner)
    return [folder, *([fallback] if fallback is not None else [])]


def rollback(index_root: Path) -> Path:
    """Publish the recorded fallback build again (the live one stays until the next prune).

    Raises FileNotFoundError when there is no complete fallback to go back to.
    """
    fallback = fallback_build(index_root)
    if fallback is None:
        raise FileNotFoundError(f"no complete fallback build recorded in {index_root / BUILDS_RECORD}")
    live = current_build(index_root)
    tmp = index_root / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(fallback, index_root), tmp)
    os.replace(tmp, index_root / "current")
    _write_record(index_root, fallback.name, live.name if live is not None else None)
    return fallback


def prune(index_root: Path, chroma_url: str = "", owner: str = "") -> list[str]:
    """Delete every build but the live and recorded ones: rename aside, drop its vectors, remove."""
    builds = index_root / "builds"
    if not builds.is_dir():
        return []
    keep = keep_set(index_root)
    removed = []
    for b in sorted(builds.iterdir()):
        if b.name.startswith(".") or b.name in keep:
            continue
        trash = builds / f"{TRASH_PREFIX}{b.name}"
        os.replace(b, trash)
        _checkpoint("trashed")
        _drop_server_vectors(trash, chroma_url, owner)
        _remove_tree(trash)
        removed.append(b.name)
    return removed


def _remove_tree(folder: Path) -> None:
    """Remove ``folder``; a kill midway leaves a ``.trash-*`` folder that the next ingest clears."""
    files = sorted((p for p in folder.rglob("*") if p.is_file() or p.is_symlink()), key=str)
    for i, p in enumerate(files):
        p.unlink(missing_ok=True)
        if i == len(files) // 2:
            _checkpoint("deleting")
    shutil.rmtree(folder, ignore_errors=True)


def clear_trash(index_root: Path) -> None:
    """Finish deletions a kill interrupted (call under the ingest lock)."""
    builds = index_root / "builds"
    if builds.is_dir():
        for t in builds.glob(f"{TRASH_PREFIX}*"):
            shutil.rmtree(t, ignore_errors=True)


def _drop_server_vectors(build: Path, chroma_url: str = "", owner: str = "") -> None:
    """A pruned build's server collection goes with it, only if this data dir made it.

    A copy of the data dir holds the same build names (and so the same collection names), and may
    point at the same server; dropping by name alone removed the original's live collection.
    """
    try:
        vectors = read_meta(build).get("vectors") or {}
    except (OSError, ValueError):
        return
    if vectors.get("backend") != "server":
        return
    url = server_url(chroma_url) or vectors.get("url", "")
    name = vectors["collection"]
    if not owner:
        log.warning("not dropping Chroma collection %s: no owner id to check it against", name)
        return
    try:
        client = http_client(url)
        stamp = (client.get_collection(name).metadata or {}).get(OWNER_KEY)
        if stamp != owner:
            log.warning("not dropping Chroma collection %s at %s: another data dir owns it", name, url)
            return
        client.delete_collection(name)
    except Exception as exc:  # noqa: BLE001  (best effort; drop_orphans retries later)
        log.warning("could not drop Chroma collection %s at %s: %s", name, url, exc)


def _dir_identity(folder: Path) -> str:
    st = folder.stat()
    return f"{st.st_dev}:{st.st_ino}"


def owner_id(index_root: Path) -> str:
    """A random id of this data dir, stamped on its server collections.

    Several data dirs may share one Chroma server (staging and production, say); the stamp lets
    :func:`drop_orphans` and pruning remove only the collections this data dir created. The id is
    bound to the index folder itself (device and inode), which a copy does not share: a copied
    data dir gets a new id, so it never drops the original's collections.
    """
    index_root.mkdir(parents=True, exist_ok=True)
    path = index_root / "owner-id"
    here = _dir_identity(index_root)
    try:
        raw = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raw = ""
    if raw:
        try:
            data = json.loads(raw)
        except ValueError:
            data = {"id": raw, "dir": here}  # the plain id of an older version: adopted here
        if isinstance(data, dict) and data.get("dir") == here and data.get("id"):
            if not raw.startswith("{"):
                _write_owner(path, str(data["id"]), here)
            return str(data["id"])
        log.warning("%s belongs to another folder (a copied data dir): this one gets its own id", path)
    return _write_owner(path, uuid.uuid4().hex, here)


def _write_owner(path: Path, ident: str, here: str) -> str:
    tmp = path.with_name(f".owner-id-{os.getpid()}")
    tmp.write_text(json.dumps({"id": ident, "dir": here}), encoding="utf-8")
    os.replace(tmp, path)
    return ident


def live_collection_missing(url: str, build: Path | None) -> str | None:
    """The name of the live build's server collection when the server no longer has it, else None.

    Raises :class:`VectorStoreUnavailableError` when the server cannot be asked.
    """
    if build is None or not url:
        return None
    vectors = read_meta(build).get("vectors") or {}
    if vectors.get("backend") != "server":
        return None
    client = http_client(url)
    try:
        names = {getattr(c, "name", c) for c in client.list_collections()}
    except Exception as exc:
        raise VectorStoreUnavailableError(url, exc) from exc
    return None if vectors["collection"] in names else str(vectors["collection"])


def drop_orphans(url: str, index_root: Path) -> list[str]:
    """Drop this data dir's server collections whose build is gone (a killed ingest, a failed prune).

    Best effort and only for collections stamped with this data dir's :func:`owner_id`; returns
    the names dropped. Call it under the ingest lock, when no build is half written.
    """
    if not url:
        return []
    owner = owner_id(index_root)
    builds = index_root / "builds"
    dropped = []
    try:
        client = http_client(url)
        for col in client.list_collections():
            name = getattr(col, "name", col)
            meta = getattr(col, "metadata", None) or {}
            if not (isinstance(name, str) and name.startswith(COLLECTION + "-")):
                continue
            if meta.get(OWNER_KEY) != owner:
                continue
            if not (builds / name[len(COLLECTION) + 1 :] / "meta.json").exists():
                client.delete_collection(name)
                dropped.append(name)
    except Exception as exc:  # noqa: BLE001
        log.warning("could not sweep orphan Chroma collections at %s: %s", url, exc)
    return dropped


class ServerVectors:
    """A build's collection in a Chroma server, behaving like the LangChain ``Chroma`` store.

    Connects lazily (an app starts while the server is down) and reconnects after a failure. While
    the server is unreachable, searches either raise :class:`VectorStoreUnavailableError` or, with
    ``fallback`` (the default, ``CSC_CHROMA_FALLBACK``), are answered by an exact scan of the build's
    local copy of the same chunk vectors, so answers stay the same; a warning is logged once per outage.
    """

    def __init__(
        self,
        url: str,
        collection: str,
        model_path: str,
        ids: list[str],
        vecs: np.ndarray,
        fallback: bool,
        precision: str = "float32",
    ) -> None:
        self.url, self.collection, self.model_path = url, collection, model_path
        self.precision = precision
        self.fallback = fallback
        self.degraded = False  # the last search was answered from the local copy
        self.last_error: str | None = None
        self._ids, self._vecs = ids, vecs
        self._store = None
        self._lock = threading.Lock()

    def store(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._store is None:
                client = http_client(self.url)
                try:  # a missing collection is an error, never a new empty one
                    client.get_collection(self.collection)
                except Exception as exc:
                    reason = f"collection {self.collection}: {exc}"
                    raise VectorStoreUnavailableError(self.url, reason) from exc
                self._store = vector_store(
                    Path(),
                    self.model_path,
                    client=client,
                    collection=self.collection,
                    precision=self.precision,
                )
            return self._store

    def similarity_search_by_vector_with_relevance_scores(self, embedding, k: int = 4, **kwargs):  # type: ignore[no-untyped-def]  # noqa: E501
        try:
            hits = self.store().similarity_search_by_vector_with_relevance_scores(embedding, k=k, **kwargs)
        except Exception as exc:
            err = exc
            if not isinstance(exc, VectorStoreUnavailableError):
                err = VectorStoreUnavailableError(self.url, exc)
            with self._lock:
                self._store = None
            if not self.fallback:
                raise err from exc
            if not self.degraded:
                log.warning("%s; searching the build's local copy of the chunk vectors until it is back", err)
            self.degraded, self.last_error = True, str(err)
            return self._local(embedding, k)
        if self.degraded:
            log.warning("vector store at %s is back", self.url)
        self.degraded = False
        return hits

    def _local(self, embedding, k: int):  # type: ignore[no-untyped-def]
        from langchain_core.documents import Document

        sims = self._vecs @ np.asarray(embedding, dtype=np.float32)
        top = np.argsort(-sims, kind="stable")[:k]
        return [
            (Document(page_content="", id=self._ids[i], metadata={"row": int(i)}), 1.0 - float(sims[i]))
            for i in top
        ]  # noqa: E501

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.store(), name)  # the rest of the LangChain Chroma API


def open_vectors(  # type: ignore[no-untyped-def]
    build: Path,
    meta: dict,
    model_path: str,
    ids: list[str],
    vecs: np.ndarray,
    chroma_url: str = "",
    fallback: bool = True,
):
    """The vector store a published build names in its meta.json: embedded, or a server collection.

    A server build is read from ``chroma_url`` (this node's address for the server, which may
    differ from the one the ingesting node used), else from the URL recorded in the build.
    """
    vectors = meta.get("vectors") or {"backend": "embedded", "collection": COLLECTION}
    precision = embed_precision(meta)
    if vectors.get("backend") != "server":
        return vector_store(build / "chroma", model_path, precision=precision)
    url = server_url(chroma_url) or vectors.get("url", "")
    return ServerVectors(url, vectors["collection"], model_path, ids, vecs, fallback, precision)


def embed_precision(meta: dict) -> str:
    """The precision a build's vectors were embedded with (builds from before int8 have none: float32)."""
    return str(meta.get("embed_precision") or "float32")


def vectors_backend(build: Path | None) -> tuple[str, str]:
    """("embedded", "") or ("server", url) for a published build; ("", "") when there is none."""
    if build is None:
        return "", ""
    try:
        vectors = read_meta(build).get("vectors") or {"backend": "embedded"}
    except (OSError, ValueError):
        return "", ""
    if vectors.get("backend") == "server":
        return "server", server_url(vectors.get("url", ""))
    return "embedded", ""


def read_meta(folder: Path) -> dict:
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


def read_chunks(folder: Path) -> list[Chunk]:
    with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
        return [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]
