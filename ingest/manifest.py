"""Read ``corpus/manifest.toml`` and guess metadata for files it does not list."""

from __future__ import annotations

import logging
import os
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


def _candidates(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in corpus_dir.iterdir() if not p.name.startswith(".") and p.name != MANIFEST_NAME)


def link_problem(path: Path, corpus_dir: Path) -> str | None:
    """Why the symbolic link ``path`` may not be indexed, or None when it may (or is no link).

    A link is followed only to a file inside ``corpus_dir``: one pointing elsewhere would publish
    whatever file it names (a link is easy to leave behind, and to plant), and a dangling one
    would otherwise vanish from the index without a word.
    """
    if not path.is_symlink():
        return None
    target = os.readlink(path)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"symbolic link to {target}, which does not exist (dangling link)"
    if not real.is_relative_to(corpus_dir.resolve()):
        return f"symbolic link to {target}, outside the {corpus_dir.name}/ folder: refused"
    if not real.is_file():
        return f"symbolic link to {target}, which is not a file"
    return None


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every ingestible file in the corpus folder (hidden files and the manifest excluded).

    Symbolic links are included only when they point to a file inside the folder; see
    :func:`refused_links` for the others.
    """
    return [
        p
        for p in _candidates(corpus_dir)
        if (p.is_symlink() and link_problem(p, corpus_dir) is None) or (not p.is_symlink() and p.is_file())
    ]


def refused_links(corpus_dir: Path) -> list[tuple[str, str]]:
    """(name, reason) of every symbolic link in the folder that is not followed."""
    out = []
    for p in _candidates(corpus_dir):
        reason = link_problem(p, corpus_dir)
        if reason:
            out.append((p.name, reason))
    return out


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
