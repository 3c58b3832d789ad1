"""ingest.loaders: readable formats come back as text; every unreadable file is a LoadError naming it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import pdf_bytes

from ingest.loaders import MAX_FILE_BYTES, LoadError, load_file

PAGES = [
    "Alpha page one about the Innovation Programme.",
    "Bravo page two: funding for local authorities.",
    "Charlie page three closes the document.",
]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _refused(path: Path, **kwargs: int) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_file(path, **kwargs)
    err = info.value
    assert path.name in str(err), str(err)
    assert err.path == path
    assert err.reason and err.reason in str(err)
    return err


# -- text files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_text_with_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    text = "Children’s Social Care – £2m for 2016.\r\nSecond line: Ealing’s panel."
    data = text.encode(encoding)
    if encoding.endswith(("-le", "-be")):  # the codecs without a BOM of their own: write one, as Notepad does
        data = "\ufeff".encode(encoding) + data
    assert b"\x00" in data
    loaded = load_file(_write(tmp_path, "notepad.txt", data))
    assert loaded.text == text.replace("\r\n", "\n")
    assert loaded.encoding.startswith("utf-")


def test_truncated_utf16_is_refused_by_name(tmp_path: Path) -> None:
    data = "Half a character follows".encode("utf-16") + b"\x41"  # an odd byte count
    err = _refused(_write(tmp_path, "cut.txt", data))
    assert "UTF-16" in err.reason


def test_nul_bytes_without_a_byte_order_mark_are_named_as_utf16(tmp_path: Path) -> None:
    err = _refused(_write(tmp_path, "raw.txt", "no mark here".encode("utf-16-le")))
    assert "looks like UTF-16 without a byte-order mark" in err.reason  # issue 14: not "binary"


def test_utf8_text(tmp_path: Path) -> None:
    text = "Children’s Social Care – £2m for 2016.\nSecond line."
    loaded = load_file(_write(tmp_path, "doc.txt", text.encode("utf-8")))
    assert loaded.text == text
    assert loaded.pages == []


def test_utf8_with_bom_drops_the_bom(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, "bom.txt", "\ufeffHeading\n\nBody text here.".encode()))
    assert loaded.text == "Heading\n\nBody text here."
    assert not loaded.text.startswith("\ufeff")


def test_cp1252_pound_and_curly_quotes(tmp_path: Path) -> None:
    text = "Grants of £5,000 were “welcome” and ‘timely’ – said the council."
    raw = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    loaded = load_file(_write(tmp_path, "legacy.txt", raw))
    assert loaded.text == text
    assert loaded.encoding == "cp1252"


def test_crlf_is_normalised(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, "dos.txt", b"one\r\ntwo\rthree\n"))
    assert loaded.text == "one\ntwo\nthree\n"


def test_markdown(tmp_path: Path) -> None:
    text = "# Directory\n\n### 1. Project name\n\n*Provider*\n"
    loaded = load_file(_write(tmp_path, "dir.md", text.encode("utf-8")))
    assert loaded.text == text
    assert loaded.pages == []


# -- PDF --------------------------------------------------------------------------------------------


def test_pdf_pages_land_in_their_page_spans(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, "three.pdf", pdf_bytes(PAGES)))
    assert [p.page for p in loaded.pages] == [1, 2, 3]
    for span, expected in zip(loaded.pages, PAGES, strict=True):
        page_text = loaded.text[span.start : span.end]
        assert expected in page_text
        for other in PAGES:
            if other != expected:
                assert other not in page_text
        at = loaded.text.index(expected)
        assert span.start <= at < span.end
        # every character of the page's own text maps back to that page
        for offset in (at, at + len(expected) // 2, at + len(expected) - 1):
            assert loaded.page_at(offset) == span.page
    # spans are ordered, disjoint and inside the text
    for a, b in zip(loaded.pages, loaded.pages[1:], strict=False):
        assert a.end <= b.start
    assert loaded.pages[-1].end <= len(loaded.text)
    assert loaded.page_at(len(loaded.text) - 1) == 3


def test_corrupt_pdf_random_bytes(tmp_path: Path) -> None:
    data = b"%PDF-1.4\n" + os.urandom(4096)
    err = _refused(_write(tmp_path, "random.pdf", data))
    assert "PDF" in err.reason


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.9])
def test_truncated_pdf(tmp_path: Path, fraction: float) -> None:
    data = pdf_bytes(PAGES)
    err = _refused(_write(tmp_path, "truncated.pdf", data[: int(len(data) * fraction)]))
    assert "corrupt" in err.reason


def test_text_renamed_to_pdf(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "notes.pdf", b"just some notes, not a PDF at all\n"))


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = _write(tmp_path, "plain.pdf", pdf_bytes(PAGES))
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", owner_password="owner")
    target = tmp_path / "locked.pdf"
    with target.open("wb") as fh:
        writer.write(fh)
    assert PdfReader(str(target)).is_encrypted
    err = _refused(target)
    assert "encrypted" in err.reason


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    err = _refused(_write(tmp_path, "scan.pdf", pdf_bytes(rectangle_only=True)))
    assert "no text layer" in err.reason


# -- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.pdf"])
def test_zero_byte_file(tmp_path: Path, name: str) -> None:
    err = _refused(_write(tmp_path, name, b""))
    assert "empty" in err.reason


@pytest.mark.parametrize("name", ["blank.txt", "blank.md"])
def test_whitespace_only(tmp_path: Path, name: str) -> None:
    err = _refused(_write(tmp_path, name, b"  \n\t\n   \r\n\n"))
    assert "white space" in err.reason


def test_binary_renamed_txt(tmp_path: Path) -> None:
    err = _refused(
        _write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    )
    assert "binary" in err.reason


def test_binary_without_nul_bytes(tmp_path: Path) -> None:
    data = bytes(b for b in range(1, 32) if b not in (9, 10, 12, 13)) * 200
    err = _refused(_write(tmp_path, "controls.txt", data))
    assert "binary" in err.reason or "undecodable" in err.reason


def test_undecodable_bytes_with_low_controls(tmp_path: Path) -> None:
    # invalid UTF-8, invalid cp1252 (0x81, 0x8d, 0x8f, 0x90, 0x9d are unassigned), full of control bytes
    data = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D] * 50 + [0x01, 0x02, 0x03] * 100)
    for enc in ("utf-8", "cp1252"):
        with pytest.raises(UnicodeDecodeError):
            data.decode(enc)
    _refused(_write(tmp_path, "garbled.txt", data))


def test_undecodable_high_bytes_only(tmp_path: Path) -> None:
    """Bytes valid in neither UTF-8 nor cp1252 must not be accepted as Latin-1 C1 control characters."""
    data = b"\x81\x8d\x8f\x90\x9d" * 200
    for enc in ("utf-8", "cp1252"):
        with pytest.raises(UnicodeDecodeError):
            data.decode(enc)
    _refused(_write(tmp_path, "high.txt", data))


def test_over_the_size_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", b"Plenty of perfectly good text. " * 100)
    err = _refused(path, max_bytes=1000)
    assert "too large" in err.reason
    assert load_file(path, max_bytes=path.stat().st_size).text.startswith("Plenty")  # at the limit: fine
    assert MAX_FILE_BYTES == 50 * 1024 * 1024


@pytest.mark.parametrize("name", ["report.docx", "sheet.csv", "README"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    err = _refused(_write(tmp_path, name, b"some perfectly readable text"))
    assert "unsupported" in err.reason


def test_missing_file_and_folder(tmp_path: Path) -> None:
    _refused(tmp_path / "nowhere.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    _refused(folder)
