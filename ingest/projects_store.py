"""SQLite store of the parsed project directory, so list/count/total questions are exact.

Retrieval over chunks cannot reliably answer "which projects in X" or "how much in
total": it sees a handful of passages. This store holds every parsed entry with its
offsets into the source file, so answers can be filtered exactly and still cite
verbatim. Rebuilt from scratch on every ingest and swapped in atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ingest.directory import (
    CANONICAL_REGIONS,
    UNKNOWN_REGION,
    Award,
    Round,
    TimelineEvent,
    parse_directory,
)
from ingest.values import format_gbp

SCHEMA_VERSION = "1"

# Obvious variants only; no invented groupings ("East Anglia" is not a region here).
REGION_ALIASES: dict[str, str] = {
    **{r.lower(): r for r in CANONICAL_REGIONS},
    "london": "Greater London",
    "east england": "East of England",
    "the east of england": "East of England",
    "nationwide": "Multiple or Nationwide",
    "multiple": "Multiple or Nationwide",
    "multiple regions": "Multiple or Nationwide",
    "national": "Multiple or Nationwide",
    "north-east": "North East",
    "northeast": "North East",
    "north-west": "North West",
    "northwest": "North West",
    "south-east": "South East",
    "southeast": "South East",
    "south-west": "South West",
    "southwest": "South West",
    "yorkshire": "Yorkshire and the Humber",
    "yorkshire and humber": "Yorkshire and the Humber",
    "yorkshire & the humber": "Yorkshire and the Humber",
    "yorkshire and the humber": "Yorkshire and the Humber",
    "unknown": UNKNOWN_REGION,
}


def fold_text(text: str) -> str:
    """Lowercase with curly quotes/dashes straightened, so "St Christopher's" finds "St Christopher’s"."""
    text = text.lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip()


def normalise_region(value: str) -> str | None:
    """Canonical region name for a user-typed region, or None if it is not one we know."""
    key = fold_text(value).strip(" .?!")
    key = re.sub(r"^the\s+", "", key)
    return REGION_ALIASES.get(key)


@dataclass
class ProjectRecord:
    """One directory entry as stored; offsets index the source file the store was built from."""

    number: int
    name: str
    themes: list[str]
    organisations: str
    region: str
    region_known: bool
    region_note: str
    region_candidates: list[str]
    heading_region: str | None
    description: str
    complete: bool
    start: int
    end: int
    head_end: int
    heading_end: int
    description_start: int
    description_end: int
    awards_text: str
    amount_total: float | None  # sum of non-shared awards
    has_shared_award: bool
    awards: list[Award] = field(default_factory=list)

    def awards_display(self) -> str:
        """ "Feb 2015, £1.19m" / "Jan 2015, share of £4.1m (shared award)"; as printed, normalised if odd."""
        parts = []
        for a in self.awards:
            amount = a.amount_text or format_gbp(a.amount_gbp)
            if a.shared:
                amount = f"{amount} (shared award)"
            elif a.amount_gbp is not None and format_gbp(a.amount_gbp) != a.amount_text:
                amount = f"{a.amount_text} (= {format_gbp(a.amount_gbp)})"
            parts.append(f"{a.date_text}, {amount}" if a.date_text else amount)
        return "; ".join(parts) if parts else "no award printed in the extract"

    def section(self) -> str:
        """Citation trail such as "GREATER LONDON > 34. Safe Steps"."""
        if self.region_known:
            where = self.region.upper()
        else:
            where = "REGION UNKNOWN"
            if self.heading_region:
                where += f" (printed under {self.heading_region.upper()})"
        return f"{where} > {self.number}. {self.name}"


def _fold_entry(name: str, orgs: str, desc: str) -> str:
    return fold_text(f"{name} \n {orgs} \n {desc}")


def build_projects_db(text: str, db_path: Path, *, doc_id: str, file: str, title: str, date: str) -> int:
    """Rebuild the store from the directory file's text; returns the number of entries.

    Written to a temporary file in the same folder and ``os.replace``d into place, so
    a reader never opens a half-built database.
    """
    data = parse_directory(text)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        con = sqlite3.connect(tmp)
        try:
            _write(con, data, doc_id=doc_id, file=file, title=title, date=date, source_chars=len(text))
            con.commit()
        finally:
            con.close()
        os.replace(tmp, db_path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return len(data.entries)


def _write(
    con: sqlite3.Connection, data, *, doc_id: str, file: str, title: str, date: str, source_chars: int
) -> None:
    con.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE entries (
            number INTEGER PRIMARY KEY, name TEXT NOT NULL, themes TEXT NOT NULL,
            organisations TEXT NOT NULL, region TEXT NOT NULL, region_known INTEGER NOT NULL,
            region_note TEXT NOT NULL, region_candidates TEXT NOT NULL, heading_region TEXT,
            description TEXT NOT NULL, complete INTEGER NOT NULL,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL, head_end INTEGER NOT NULL,
            heading_end INTEGER NOT NULL, description_start INTEGER NOT NULL,
            description_end INTEGER NOT NULL, awards_text TEXT NOT NULL,
            amount_total REAL, has_shared INTEGER NOT NULL,
            org_fold TEXT NOT NULL, text_fold TEXT NOT NULL
        );
        CREATE TABLE awards (
            entry_number INTEGER NOT NULL REFERENCES entries(number), idx INTEGER NOT NULL,
            month TEXT, year INTEGER, amount_gbp REAL, shared INTEGER NOT NULL, raw TEXT NOT NULL,
            date_text TEXT NOT NULL, amount_text TEXT NOT NULL, start INTEGER NOT NULL,
            "end" INTEGER NOT NULL, note TEXT NOT NULL, PRIMARY KEY (entry_number, idx)
        );
        CREATE TABLE entry_themes (entry_number INTEGER NOT NULL, code TEXT NOT NULL, part TEXT NOT NULL);
        CREATE INDEX entry_themes_part ON entry_themes(part);
        CREATE TABLE rounds (
            number INTEGER PRIMARY KEY, name TEXT, years TEXT, year_from INTEGER, year_to INTEGER,
            projects INTEGER, funding_gbp REAL, funding_text TEXT, focus TEXT, start INTEGER,
            "end" INTEGER, funding_start INTEGER, funding_end INTEGER, note TEXT
        );
        CREATE TABLE events (
            idx INTEGER PRIMARY KEY, month TEXT, year INTEGER, kind TEXT, description TEXT,
            items TEXT, start INTEGER, "end" INTEGER
        );
        """
    )
    meta = {
        "schema_version": SCHEMA_VERSION,
        "doc_id": doc_id,
        "file": file,
        "title": title,
        "date": date,
        "source_chars": str(source_chars),
        "missing_numbers": json.dumps(data.missing_numbers),
    }
    con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    for e in data.entries:
        con.execute(
            "INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                e.number,
                e.name,
                json.dumps(e.themes),
                e.organisations,
                e.region,
                int(e.region_known),
                e.region_note,
                json.dumps(e.region_candidates),
                e.heading_region,
                e.description,
                int(e.complete),
                e.start,
                e.end,
                e.head_end,
                e.heading_end,
                e.description_start,
                e.description_end,
                e.awards_text,
                e.amount_total,
                int(e.has_shared_award),
                fold_text(e.organisations),
                _fold_entry(e.name, e.organisations, e.description),
            ),
        )
        for i, a in enumerate(e.awards):
            con.execute(
                "INSERT INTO awards VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    e.number,
                    i,
                    a.month,
                    a.year,
                    a.amount_gbp,
                    int(a.shared),
                    a.raw,
                    a.date_text,
                    a.amount_text,
                    a.start,
                    a.end,
                    a.note,
                ),
            )
        for code in e.themes:
            for part in {code, *code.split("/")}:
                con.execute("INSERT INTO entry_themes VALUES (?,?,?)", (e.number, code, part.upper()))
    for r in data.rounds:
        con.execute(
            "INSERT INTO rounds VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                r.number,
                r.name,
                r.years,
                r.year_from,
                r.year_to,
                r.projects,
                r.funding_gbp,
                r.funding_text,
                json.dumps(r.focus),
                r.start,
                r.end,
                r.funding_start,
                r.funding_end,
                r.note,
            ),
        )
    for i, ev in enumerate(data.events):
        con.execute(
            "INSERT INTO events VALUES (?,?,?,?,?,?,?,?)",
            (i, ev.month, ev.year, ev.kind, ev.description, json.dumps(ev.items), ev.start, ev.end),
        )


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ProjectStore:
    """Read-only access to a built store. Opens a fresh connection per call so an
    atomic rebuild is picked up without restarting the app."""

    def __init__(self, db_path: Path | str) -> None:
        self.db_path = Path(db_path)
        if not self.db_path.exists():
            raise FileNotFoundError(f"project store not built yet: {self.db_path}")
        self._meta = self._read_meta()
        self._cache: dict[str, tuple[tuple[int, int], tuple[Any, ...]]] = {}

    # -- plumbing
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        return con

    def _read_meta(self) -> dict[str, str]:
        con = self._connect()
        try:
            return {r["key"]: r["value"] for r in con.execute("SELECT key, value FROM meta")}
        finally:
            con.close()

    @property
    def doc_id(self) -> str:
        return self._meta.get("doc_id", "")

    @property
    def file(self) -> str:
        return self._meta.get("file", "")

    @property
    def title(self) -> str:
        return self._meta.get("title", "")

    @property
    def date(self) -> str:
        return self._meta.get("date", "")

    @property
    def missing_numbers(self) -> list[int]:
        """Entry numbers the extract lacks (1..highest present); the directory is partial."""
        return list(json.loads(self._meta.get("missing_numbers", "[]")))

    def metadata(self) -> dict[str, str]:
        """doc_id, file, title, date: what a citation needs besides the quote."""
        return {"doc_id": self.doc_id, "file": self.file, "title": self.title, "date": self.date}

    # -- queries
    def query(
        self,
        region: str | None = None,
        theme: str | None = None,
        org: str | None = None,
        year: int | None = None,
        min_amount: float | None = None,
        max_amount: float | None = None,
        search: str | None = None,
    ) -> list[ProjectRecord]:
        """Entries matching every given filter (AND), by number.

        region: canonical name or an obvious variant ("London"), or "unknown".
        theme: an exact code; "CIN" or "EOC" also match the combined "EOC/CIN".
        org / search: case-insensitive substring of the organisations / of name+organisations+description.
        year: any award in that year. Amounts compare the entry's non-shared total,
        so entries with only a shared award never match an amount filter.
        """
        where: list[str] = []
        params: list[object] = []
        if region:
            canon = normalise_region(region) or region
            where.append("lower(e.region) = lower(?)")
            params.append(canon)
        if theme:
            code = theme.strip().upper()
            where.append(
                "EXISTS (SELECT 1 FROM entry_themes t WHERE t.entry_number = e.number "
                "AND (upper(t.code) = ? OR t.part = ?))"
            )
            params += [code, code]
        if org:
            where.append("e.org_fold LIKE ? ESCAPE '\\'")
            params.append(_like(fold_text(org)))
        if year is not None:
            where.append("EXISTS (SELECT 1 FROM awards a WHERE a.entry_number = e.number AND a.year = ?)")
            params.append(int(year))
        if min_amount is not None:
            where.append("e.amount_total >= ?")
            params.append(float(min_amount))
        if max_amount is not None:
            where.append("e.amount_total <= ?")
            params.append(float(max_amount))
        if search:
            where.append("e.text_fold LIKE ? ESCAPE '\\'")
            params.append(_like(fold_text(search)))
        sql = "SELECT * FROM entries e"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.number"
        return self._records(sql, params)

    def get(self, number: int) -> ProjectRecord | None:
        rows = self._records("SELECT * FROM entries e WHERE e.number = ?", [int(number)])
        return rows[0] if rows else None

    def _per_version(self, key: str, read: Callable[[], Iterable[Any]]) -> list[Any]:
        """``read()`` once per version of the file (inode, mtime): every directory question reads the
        same rows, and re-reading SQLite for each was half of a directory answer's time. An atomic
        rebuild (a new file at the path) is still picked up."""
        st = self.db_path.stat()
        version = (st.st_ino, st.st_mtime_ns)
        hit = self._cache.get(key)
        if hit is None or hit[0] != version:
            hit = (version, tuple(read()))
            self._cache[key] = hit
        return list(hit[1])

    def all(self) -> list[ProjectRecord]:
        """Every record, in directory order."""
        return self._per_version(
            "all", lambda: self._records("SELECT * FROM entries e ORDER BY e.number", [])
        )

    def theme_codes(self) -> list[str]:
        """Distinct raw codes present (e.g. "EOC/CIN" stays one code)."""

        def read() -> list[str]:
            con = self._connect()
            try:
                return sorted({r[0] for r in con.execute("SELECT DISTINCT code FROM entry_themes")})
            finally:
                con.close()

        return self._per_version("theme_codes", read)

    def rounds(self) -> list[Round]:
        return [_from_row(Round, r) for r in self._rows("SELECT * FROM rounds ORDER BY number")]

    def events(self) -> list[TimelineEvent]:
        """Timeline items in file order (the extract's order is not chronological)."""
        return [_from_row(TimelineEvent, r) for r in self._rows("SELECT * FROM events ORDER BY idx")]

    def _rows(self, sql: str, params: list[object] | None = None) -> list[sqlite3.Row]:
        con = self._connect()
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def _records(self, sql: str, params: list[object]) -> list[ProjectRecord]:
        rows = self._rows(sql, params)
        numbers = [r["number"] for r in rows]
        awards: dict[int, list[Award]] = {n: [] for n in numbers}
        if numbers:
            marks = ",".join("?" * len(numbers))
            query = f"SELECT * FROM awards WHERE entry_number IN ({marks}) ORDER BY entry_number, idx"
            for a in self._rows(query, numbers):
                awards[a["entry_number"]].append(_from_row(Award, a))
        return [
            _from_row(ProjectRecord, r, has_shared_award=bool(r["has_shared"]), awards=awards[r["number"]])
            for r in rows
        ]


def _from_row(cls: type, row: sqlite3.Row, **given: object):  # type: ignore[no-untyped-def]
    """A record from its table row: one column per field, named alike.

    SQLite has no booleans or lists, so ``bool`` fields are cast back and ``list`` fields are
    parsed from the JSON they were stored as; ``given`` supplies fields that are not plain columns.
    """
    values = dict(given)
    for f in fields(cls):
        if f.name in values:
            continue
        value = row[f.name]
        kind = str(f.type)
        if kind == "bool":
            value = bool(value)
        elif kind.startswith("list["):
            value = json.loads(value)
        values[f.name] = value
    return cls(**values)
