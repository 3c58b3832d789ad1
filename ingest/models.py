"""Records that cross the ingest boundary: a document's metadata, its text, its chunks."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ingest.values import FULL_MONTH_ALT

_MONTH_YEAR = re.compile(rf"(?:{FULL_MONTH_ALT}) \d{{4}}")


@dataclass(frozen=True)
class DocumentInfo:
    """Manifest entry (or a fallback guessed from the file) for one corpus file."""

    doc_id: str
    file: str
    title: str
    publisher: str
    date: str  # ISO "YYYY-MM" (month precision) or "YYYY-MM-DD"
    kind: str  # guidance | web page | learning report | directory | news article | other
    licence: str
    in_manifest: bool = True

    @property
    def year(self) -> int | None:
        """The year the document was written, from its manifest date (None when the date has none)."""
        year = self.date[:4]
        return int(year) if year.isdigit() else None

    @property
    def display_date(self) -> str:
        """Human form such as "April 2016"."""
        from calendar import month_name

        parts = self.date.split("-")
        if len(parts) >= 2 and parts[1].isdigit():
            return f"{month_name[int(parts[1])]} {parts[0]}"
        return self.date


@dataclass(frozen=True)
class PageSpan:
    """Character range of one PDF page inside the extracted text."""

    page: int
    start: int
    end: int


@dataclass
class LoadedText:
    """A file's full text as the citations will quote it, plus page boundaries (PDF only)."""

    text: str
    pages: list[PageSpan] = field(default_factory=list)
    encoding: str = "utf-8"

    def page_at(self, offset: int) -> int | None:
        for span in self.pages:
            if span.start <= offset < span.end:
                return span.page
        return self.pages[-1].page if self.pages and offset >= self.pages[-1].start else None


@dataclass
class Chunk:
    """A retrievable, citable unit: one numbered paragraph, one Q&A pair, one directory entry...

    ``segments`` are the (start, end) ranges of the source text the chunk is made
    of; usually one, several when a footnote or page furniture was cut out of
    the middle. ``text`` is those ranges joined by blank lines, so every
    sentence of ``text`` is a verbatim substring of the source.
    """

    chunk_id: str
    doc_id: str
    file: str
    title: str
    date: str
    kind: str
    section: str  # heading trail, " > " separated
    paragraph: str | None
    page: int | None
    start: int
    end: int
    text: str
    segments: list[tuple[int, int]] = field(default_factory=list)
    block: str = "body"  # body | qa | entry | timeline | list
    page_starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, page) of later pages

    def page_at(self, offset: int) -> int | None:
        """The page of a quote starting at ``offset``: a chunk can run over a page break."""
        page = self.page
        for start, number in self.page_starts:
            if offset >= start:
                page = number
        return page

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Chunk:
        data = dict(data)
        data["segments"] = [tuple(s) for s in data.get("segments", [])]
        data["page_starts"] = [tuple(s) for s in data.get("page_starts", [])]
        return cls(**data)

    def heading_parts(self) -> list[str]:
        """The document title and each heading of the trail: the context the chunk is read in."""
        return [p for p in [self.title, *self.section.split(" > ")] if p.strip()]

    def entry_date(self) -> str:
        """A dated entry's date ("January 2016" over a timeline's events), else "": every event
        listed under that date happened then, though no sentence of the entry says so."""
        if self.block != "timeline":
            return ""
        last = self.section.rsplit(" > ", 1)[-1]
        return last if _MONTH_YEAR.fullmatch(last) else ""

    def embed_text(self) -> str:
        """What BM25 and the vector store's document field hold: the text with its heading trail."""
        head = " > ".join(p for p in (self.title, self.section) if p)
        return f"{head}\n{self.text}" if head else self.text
