"""Documents added by staff: checked, stored once, described in a manifest, then ingested.

Uploaded files live in ``settings.uploads_dir`` (``data/uploads``) beside their own
``manifest.toml``; ``ingest.pipeline.run_ingest`` indexes that folder together with the
corpus. Every file is checked *before* it is stored (type, size, that the loader can read
text from it), so a bad upload is refused with the loader's message and never reaches the
index; a file the index still refuses after storing (no indexable text) is taken out again.

Names are sanitised (no folders, no path traversal, no control characters) and never
replace another document: a clashing name gets a ``-2``, ``-3`` ... suffix. The same bytes
uploaded twice are stored once (SHA-256 of the content, checked against the corpus too).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest.config import Settings
from ingest.loaders import LoadError, load_file
from ingest.manifest import MANIFEST_NAME, SUPPORTED_SUFFIXES, corpus_files, guess_info, read_manifest, slug
from ingest.models import LoadedText

ALLOWED_SUFFIXES = (".pdf", ".txt", ".md")
UPLOAD_KINDS = ("guidance", "learning report", "news article", "web page", "report", "other")
MAX_NAME_CHARS = 120
_DATE = re.compile(r"^(?:19|20)\d\d(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
_local_lock = threading.Lock()


@dataclass
class UploadResult:
    """What happened to one uploaded file; ``message`` is shown to the member of staff."""

    name: str  # the name as uploaded
    status: str  # added | duplicate | refused
    message: str
    file: str | None = None  # the stored file name (None when refused)
    doc_id: str | None = None


@dataclass
class UploadBatch:
    results: list[UploadResult] = field(default_factory=list)
    report: object | None = None  # ingest.pipeline.IngestReport of the ingest that followed

    @property
    def added(self) -> list[UploadResult]:
        return [r for r in self.results if r.status == "added"]


class UploadError(ValueError):
    """An upload refused before it was stored; ``str()`` is the message for the user."""


def sanitise_name(name: str) -> str:
    """A safe base file name: no folders, no control characters, only ``[A-Za-z0-9._-]``."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = "".join(ch for ch in base if ch.isprintable())
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_.") or "document"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()
    stem = stem[: MAX_NAME_CHARS - len(suffix) - 1]
    return f"{stem}.{suffix}" if suffix else stem


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3`` ... whichever is not taken (compared case-insensitively)."""
    lowered = {t.lower() for t in taken}
    if name.lower() not in lowered and name.lower() != MANIFEST_NAME:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    n = 2
    while True:
        cand = f"{stem}-{n}.{suffix}" if suffix else f"{stem}-{n}"
        if cand.lower() not in lowered:
            return cand
        n += 1


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _toml_str(value: str) -> str:
    """A TOML basic string (JSON escaping is valid TOML once control characters are gone)."""
    clean = "".join(ch for ch in str(value) if unicodedata.category(ch)[0] != "C")
    return json.dumps(clean, ensure_ascii=False)


def _read_entries(folder: Path) -> list[dict]:
    import tomllib

    path = folder / MANIFEST_NAME
    if not path.exists():
        return []
    return list(tomllib.loads(path.read_text(encoding="utf-8")).get("document", []))


def _write_entries(folder: Path, entries: list[dict]) -> None:
    """Rewrite the uploads manifest atomically (written aside, then renamed)."""
    keys = ("id", "file", "title", "publisher", "date", "kind", "licence", "sha256", "original_name")
    lines = ["# Documents added in the admin area; written by ingest/uploads.py\n"]
    for e in entries:
        lines.append("\n[[document]]\n")
        lines.extend(f"{k} = {_toml_str(e[k])}\n" for k in keys if e.get(k) is not None)
    tmp = folder / f".{MANIFEST_NAME}.{uuid.uuid4().hex}.tmp"
    tmp.write_text("".join(lines), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST_NAME)


@contextmanager
def _uploads_lock(settings: Settings) -> Iterator[None]:
    """One upload batch at a time (threads of this process and other processes alike)."""
    path = settings.data_dir / "uploads.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _local_lock, path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def uploaded_documents(settings: Settings) -> list[dict]:
    """The uploads manifest's entries (what staff added), oldest first."""
    return _read_entries(settings.uploads_dir)


def check_file(path: Path, settings: Settings) -> LoadedText:
    """Refuse what cannot be indexed, before storing it: raises UploadError with the reason."""
    suffix = path.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadError(
            f"unsupported file type {suffix or '(none)'}; upload a PDF, a plain text (.txt) or Markdown (.md)"
        )
    size = path.stat().st_size
    if size > settings.max_upload_bytes:
        raise UploadError(
            f"too large ({size / 2**20:.1f} MB); the limit is {settings.max_upload_mb} MB (CSC_MAX_UPLOAD_MB)"
        )
    try:
        return load_file(path, max_bytes=settings.max_upload_bytes)
    except LoadError as exc:
        raise UploadError(exc.reason) from exc


def clean_date(value: str | None) -> str:
    value = (value or "").strip()
    if value and not _DATE.match(value):
        raise UploadError(f"publication date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def store_upload(
    settings: Settings,
    source: Path,
    original_name: str | None = None,
    *,
    title: str = "",
    date: str = "",
    kind: str = "other",
    licence: str = "",
    publisher: str = "",
) -> UploadResult:
    """Check ``source`` and copy it into the uploads folder with a manifest entry.

    Never raises for a bad file: the result says ``refused`` and why. Call under no lock;
    it takes the uploads lock itself.
    """
    shown = original_name or source.name
    with _uploads_lock(settings):
        return _store_locked(settings, source, shown, title, date, kind, licence, publisher)


def _store_locked(
    settings: Settings,
    source: Path,
    shown: str,
    title: str,
    date: str,
    kind: str,
    licence: str,
    publisher: str,
) -> UploadResult:
    folder = settings.uploads_dir
    folder.mkdir(parents=True, exist_ok=True)
    safe = sanitise_name(shown)
    staging = folder / ".staging" / uuid.uuid4().hex
    staging.mkdir(parents=True)
    try:
        try:
            if not source.is_file():
                raise UploadError("the upload did not arrive (no file)")
            if Path(safe).suffix.lower() not in ALLOWED_SUFFIXES:
                raise UploadError(
                    f"unsupported file type {Path(safe).suffix or '(none)'}; "
                    "upload a PDF, a plain text (.txt) or Markdown (.md)"
                )
            if source.stat().st_size > settings.max_upload_bytes:  # refuse before copying anything
                raise UploadError(
                    f"too large ({source.stat().st_size / 2**20:.1f} MB); the limit is "
                    f"{settings.max_upload_mb} MB (CSC_MAX_UPLOAD_MB)"
                )
            staged = staging / safe
            shutil.copyfile(source, staged)
            loaded = check_file(staged, settings)
            when = clean_date(date)
            if kind not in UPLOAD_KINDS:
                raise UploadError(f"kind {kind!r} is not one of: {', '.join(UPLOAD_KINDS)}")
        except UploadError as exc:
            return UploadResult(shown, "refused", f"{shown}: {exc}")
        except OSError as exc:
            return UploadResult(shown, "refused", f"{shown}: could not be read ({exc.strerror or exc})")
        digest = file_sha256(staged)
        entries = _read_entries(folder)
        for e in entries:
            if e.get("sha256") == digest and (folder / e["file"]).exists():
                return UploadResult(
                    shown,
                    "duplicate",
                    f"{shown}: already stored as {e['file']} (same content)",
                    e["file"],
                    e["id"],
                )
        corpus = corpus_files(settings.corpus_dir) if settings.corpus_dir.is_dir() else []
        for p in corpus:
            if p.stat().st_size == staged.stat().st_size and file_sha256(p) == digest:
                return UploadResult(shown, "duplicate", f"{shown}: already in the corpus as {p.name}", p.name)
        taken = {p.name for p in folder.iterdir()} | {p.name for p in corpus} | {e["file"] for e in entries}
        name = unique_name(safe, taken)
        ids = {e["id"] for e in entries}
        ids |= {info.doc_id for info in read_manifest(settings.corpus_dir).values()}
        ids |= {slug(p.stem) for p in corpus}
        doc_id = unique_name(f"upload-{slug(Path(name).stem)}", ids)
        if not title.strip():
            title = guess_info(staged, loaded.text).title
        del loaded
        entry = {
            "id": doc_id,
            "file": name,
            "title": " ".join(title.split())[:200],
            "publisher": " ".join(publisher.split())[:200] or "added by staff",
            "date": when,
            "kind": kind,
            "licence": " ".join(licence.split())[:300] or "not stated (uploaded by staff)",
            "sha256": digest,
            "original_name": shown[:200],
        }
        os.replace(staged, folder / name)
        _write_entries(folder, [*entries, entry])
        renamed = f" (stored as {name})" if name != shown else ""
        return UploadResult(shown, "added", f"{shown}: stored{renamed}", name, doc_id)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_upload(settings: Settings, file: str) -> bool:
    """Take a stored upload (file and manifest entry) out again; True if there was one."""
    with _uploads_lock(settings):
        folder = settings.uploads_dir
        entries = _read_entries(folder)
        keep = [e for e in entries if e.get("file") != file]
        target = folder / sanitise_name(file)
        existed = target.is_file() and target.name == file
        if existed:
            target.unlink()
        if len(keep) != len(entries):
            _write_entries(folder, keep)
        return existed or len(keep) != len(entries)


def add_documents(
    settings: Settings,
    files: list[tuple[Path, str]],
    *,
    title: str = "",
    date: str = "",
    kind: str = "other",
    licence: str = "",
    publisher: str = "",
    on_step: Callable[[float, str], None] | None = None,
) -> UploadBatch:
    """Store each ``(path, name as uploaded)`` and ingest once; the new documents are then searchable.

    Title and date apply to a single file; with several files each gets a title from its text.
    A stored file that the ingest then skips is removed again, with the ingest's reason.
    """
    from ingest.pipeline import run_ingest

    step = on_step or (lambda _f, _m: None)
    batch = UploadBatch()
    single = len(files) == 1
    for i, (path, name) in enumerate(files):
        step(0.05 + 0.25 * i / max(1, len(files)), f"Checking {name}")
        batch.results.append(
            store_upload(
                settings,
                Path(path),
                name,
                title=title if single else "",
                date=date,
                kind=kind,
                licence=licence,
                publisher=publisher,
            )
        )
    if not batch.added:
        return batch
    step(0.35, "Indexing: reading, chunking and embedding the new documents")
    try:
        report = run_ingest(settings)
    except BaseException:
        for r in batch.added:  # not indexed: do not leave them to surface in a later ingest
            remove_upload(settings, r.file or "")
        raise
    batch.report = report
    skipped = dict(report.skipped)
    for r in batch.added:
        if r.file in skipped:
            remove_upload(settings, r.file)
            r.status, r.message = "refused", f"{r.name}: {skipped[r.file]}"
    if any(r.status == "refused" and r.file for r in batch.results):
        step(0.9, "Re-indexing without the refused files")
        batch.report = run_ingest(settings)
    for r in batch.added:
        r.message += " and indexed: it can be asked about now"
    step(1.0, "Done")
    return batch


def is_supported(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES
