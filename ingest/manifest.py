"""Read ``corpus/manifest.toml`` and guess metadata for files it does not list."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

from ingest.models import DocumentInfo

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.toml"
SUPPORTED_SUFFIXES = {".txt", ".md", ".pdf"}


class ManifestError(ValueError):
    """The manifest itself is unreadable; ingest cannot trust any metadata then."""


def read_manifest(corpus_dir: Path) -> dict[str, DocumentInfo]:
    """Map file name -> metadata for every entry in the manifest (empty if there is none)."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: {exc}") from exc
    out: dict[str, DocumentInfo] = {}
    for i, entry in enumerate(data.get("document", []), 1):
        missing = [k for k in ("id", "file", "title") if not entry.get(k)]
        if missing:
            raise ManifestError(f"{path}: document #{i} lacks {', '.join(missing)}")
        out[entry["file"]] = DocumentInfo(
            doc_id=entry["id"],
            file=entry["file"],
            title=entry["title"],
            publisher=entry.get("publisher", ""),
            date=str(entry.get("date", "")),
            kind=entry.get("kind", "other"),
            licence=entry.get("licence", ""),
        )
    return out


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every ingestible file in the corpus folder (hidden files and the manifest excluded)."""
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name != MANIFEST_NAME
    )


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def guess_info(path: Path, text: str) -> DocumentInfo:
    """Metadata for a file with no manifest entry: title from its first heading, else its name."""
    title = ""
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip().strip("*").strip()
        if stripped:
            title = stripped[:120]
            break
    if not title:
        title = path.stem.replace("-", " ").replace("_", " ")
    year = re.search(r"(?<!\d)(20[0-3]\d|19\d\d)(?!\d)", path.stem)
    log.warning("%s has no manifest entry; title guessed as %r", path.name, title)
    return DocumentInfo(
        doc_id=slug(path.stem),
        file=path.name,
        title=title,
        publisher="unknown",
        date=year.group(1) if year else "",
        kind="other",
        licence="unknown (not in manifest)",
        in_manifest=False,
    )
