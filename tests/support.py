"""Helpers several test modules share: generated PDFs, free loopback ports, a small indexed corpus."""

from __future__ import annotations

import io
import shutil
import socket
from pathlib import Path

import pytest

from ingest.config import Settings, load_settings
from ingest.pipeline import run_ingest


def pdf_bytes(pages: list[str] | None = None, rectangle_only: bool = False) -> bytes:
    """A real PDF with one line of text per page; ``rectangle_only`` adds a page with no text layer."""
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    if rectangle_only:
        c.rect(100, 100, 200, 200, fill=1)
        c.showPage()
    for text in pages or []:
        c.drawString(72, 720, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def free_port() -> int:
    """A loopback port nobody listens on right now (servers under test bind 127.0.0.1 only)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NEWS = "community-care-innovation-plans-2016.txt"
EOI = "targeted-funding-opportunity-eoi-2017.txt"
SMALL = (NEWS, EOI)


def small_corpus(root: Path, names: tuple[str, ...] = SMALL) -> Path:
    """``root/corpus`` holding ``names`` from the real corpus with their own manifest entries."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    for n in names:
        shutil.copy2(CORPUS / n, corpus / n)
    text = (CORPUS / "manifest.toml").read_text(encoding="utf-8")
    blocks = [b for b in text.split("[[document]]")[1:] if any(f'file = "{n}"' in b for n in names)]
    assert len(blocks) == len(names)
    (corpus / "manifest.toml").write_text("".join(f"[[document]]{b}" for b in blocks), encoding="utf-8")
    return corpus


def indexed_small_corpus(root: Path) -> Settings:
    """The two small documents indexed under ``root``: a module's base, copied per test."""
    settings = load_settings(data_dir=root / "data", corpus_dir=small_corpus(root))
    assert run_ingest(settings).published
    return settings


def index_invented(root: Path, files: dict[str, str], manifest: str) -> Settings:
    """An invented corpus (file name -> text, plus its manifest) written under ``root`` and indexed."""
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    (corpus / "manifest.toml").write_text(manifest, encoding="utf-8")
    settings = load_settings(data_dir=root / "data", corpus_dir=corpus)
    assert run_ingest(settings).published
    return settings


def sentence_starting(asst, starts: str) -> int:  # type: ignore[no-untyped-def]
    """The index of the first indexed sentence that starts with ``starts``."""
    snap = asst.snapshot()
    for idx, (row, a, b) in enumerate(snap.sent_spans):
        if snap.texts[snap.chunks[int(row)].doc_id][int(a) : int(b)].startswith(starts):
            return idx
    raise AssertionError(f"no sentence starts with {starts!r}")


def private_copy(base: Settings, tmp_path: Path) -> Settings:
    """A test's own copy of ``base``'s data dir (caches included, so nothing is re-embedded)."""
    shutil.copytree(base.data_dir, tmp_path / "data", symlinks=True)
    return load_settings(data_dir=tmp_path / "data", corpus_dir=base.corpus_dir)


DIRECTORY = CORPUS / "programme-journey-and-project-directory.md"


def projects_store(folder: Path):  # type: ignore[no-untyped-def]
    """The real directory parsed into ``folder/projects.sqlite``, as ingest derives it."""
    from ingest.projects_store import ProjectStore, build_projects_db

    db = folder / "projects.sqlite"
    count = build_projects_db(
        DIRECTORY.read_text(encoding="utf-8"), db, doc_id="programme-journey-directory",
        file=DIRECTORY.name, title="Directory", date="2020-03",
    )  # fmt: skip
    assert count == 69
    return ProjectStore(db)
