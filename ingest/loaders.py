"""Turn one file into text, refusing clearly what cannot be read.

Every refusal is a :class:`LoadError` naming the file and the reason, so that
ingest can report it, skip the file and keep the rest of the index.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata
import warnings
from pathlib import Path

from ingest.models import LoadedText, PageSpan

MAX_FILE_BYTES = 50 * 1024 * 1024
# pypdf reports recoverable damage (a wrong xref offset, say) as warnings on stderr; the file is
# read anyway, and what cannot be read becomes a LoadError naming the file, so they are noise
logging.getLogger("pypdf").setLevel(logging.ERROR)
_FALLBACK_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


class LoadError(Exception):
    """A file that cannot be ingested; ``str()`` is the message shown to the user."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


def load_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> LoadedText:
    """Dispatch on the suffix; raise LoadError for anything unreadable."""
    if not path.is_file():
        raise LoadError(path, "not a file")
    size = path.stat().st_size
    if size == 0:
        raise LoadError(path, "empty file (0 bytes)")
    if size > max_bytes:
        raise LoadError(path, f"too large ({_size(size)}; the limit is {_size(max_bytes)})")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _load_pdf(path)
    if suffix in (".txt", ".md", ".markdown"):
        return _load_text(path)
    raise LoadError(path, f"unsupported file type {suffix or '(none)'}; use .pdf, .txt or .md")


def _control_count(text: str) -> int:
    """Control characters (C0 and C1) other than line and tab breaks: a sign of binary data."""
    return sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")


def _size(n: int) -> str:
    """Sizes in the unit of CSC_MAX_UPLOAD_MB (MB of 1024 x 1024 bytes), so the limit reads "50 MB"."""
    if n < 100_000:
        return f"{n:,} bytes"
    mb = n / 2**20
    return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"


def _looks_utf16(raw: bytes) -> bool:
    """Mostly-ASCII text saved as UTF-16 without a BOM: every other byte is NUL."""
    sample = raw[:8192]
    if len(sample) < 16:
        return False
    even, odd = sample[0::2], sample[1::2]
    for zeros, text in ((odd, even), (even, odd)):
        if zeros.count(0) > 0.9 * len(zeros) and text.count(0) < 0.1 * len(text):
            return True
    return False


# byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    # Windows tools save "Unicode" text as UTF-16 with a BOM: full of NUL bytes, yet text
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise LoadError(path, f"starts with a {enc.upper()} byte-order mark but is not {enc.upper()} "
                                      f"text (byte {exc.start})") from exc  # fmt: skip
    if b"\x00" in raw[:8192]:
        if _looks_utf16(raw):
            raise LoadError(
                path,
                "looks like UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)",
            )
        raise LoadError(path, "binary content (NUL bytes) in a text file")
    for enc in _FALLBACK_ENCODINGS[:2]:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    # latin-1 decodes anything; only accept it if the result looks like text
    text = raw.decode("latin-1")
    control = _control_count(text)
    if control > len(text) * 0.01:
        raise LoadError(path, "undecodable: not UTF-8 and not readable as Windows-1252/Latin-1 text")
    return text, "latin-1"


def _load_text(path: Path) -> LoadedText:
    raw = path.read_bytes()
    text, enc = _decode(path, raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    control = _control_count(text[:20000])
    if control > max(10, len(text[:20000]) * 0.01):
        raise LoadError(path, "binary content: too many control characters for a text file")
    if not text.strip():
        raise LoadError(path, "no text (only white space)")
    return LoadedText(text=text.replace("\r\n", "\n").replace("\r", "\n"), encoding=enc)


def _load_pdf(path: Path) -> LoadedText:
    with warnings.catch_warnings():  # pypdf's PdfReadWarning: see the logger note at the top
        warnings.simplefilter("ignore")
        return _read_pdf(path)


def _read_pdf(path: Path) -> LoadedText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as exc:
        raise LoadError(path, f"corrupt or unreadable PDF ({exc})") from exc
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except Exception as exc:  # pypdf raises several types for unsupported crypto
            raise LoadError(path, f"encrypted PDF ({exc})") from exc
        if not ok:
            raise LoadError(path, "encrypted PDF: a password is needed")
    parts: list[str] = []
    pages: list[PageSpan] = []
    offset = 0
    try:
        for number, page in enumerate(reader.pages, 1):
            text = (page.extract_text() or "").replace("\r\n", "\n").replace("\r", "\n")
            pages.append(PageSpan(page=number, start=offset, end=offset + len(text)))
            parts.append(text)
            offset += len(text) + 2
    except Exception as exc:  # a damaged object stream can fail on any page
        raise LoadError(path, f"corrupt PDF: failed on page {len(pages) + 1} ({exc})") from exc
    full = "\n\n".join(parts)
    if not full.strip():
        raise LoadError(path, "PDF has no text layer (scanned pages need OCR, which is not supported)")
    return LoadedText(text=full, pages=pages)
