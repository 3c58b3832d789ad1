"""Durable thumbs up/down feedback on answers, in SQLite next to the index.

Why SQLite: feedback must survive restarts and concurrent browser sessions
without a server, and a single file in the data directory is easy to back up
and to export (``csc-assistant feedback export``). Each rating stores the full
question, answer and citations as shown, so it can be reviewed later even if
the index has been rebuilt since.

One row per rated answer (session + turn): clicking the other thumb, or
adding a comment later, updates that row rather than adding a contradictory
one. ``created_at``/``updated_at`` are UTC ISO-8601 timestamps.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RATINGS = ("up", "down")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '',
    turn INTEGER NOT NULL DEFAULT 0,
    rating TEXT CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL DEFAULT 0,
    citations_json TEXT NOT NULL DEFAULT '[]'
);
CREATE UNIQUE INDEX IF NOT EXISTS feedback_session_turn ON feedback (session_id, turn)
    WHERE session_id <> '';
"""

COLUMNS = (
    "id", "created_at", "updated_at", "session_id", "turn", "rating", "comment",
    "question", "query", "answer", "abstained", "citations_json",
)  # fmt: skip

MAX_COMMENT_CHARS = 4000


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _plain(obj: Any) -> Any:
    return asdict(obj) if is_dataclass(obj) and not isinstance(obj, type) else obj


class FeedbackStore:
    """Thread-safe access to ``feedback.sqlite``; one short connection per call.

    Gradio runs handlers in worker threads, so no connection is shared; WAL
    mode lets an export read while a rating is being written.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.db_path, timeout=10)
        con.row_factory = sqlite3.Row
        try:
            with con:
                yield con
        finally:
            con.close()

    def record(
        self,
        *,
        question: str,
        answer: str,
        rating: str | None = None,
        comment: str | None = None,
        citations: Sequence[Any] = (),
        query: str = "",
        abstained: bool = False,
        session_id: str = "",
        turn: int = 0,
    ) -> int:
        """Store (or update, for the same session and turn) a rating and/or comment; returns the row id.

        ``rating`` None keeps an existing rating, ``comment`` None keeps an
        existing comment: a later comment must not erase an earlier thumb.
        """
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
        comment_text = None if comment is None else comment.strip()[:MAX_COMMENT_CHARS]
        cites = json.dumps([_plain(c) for c in citations], ensure_ascii=False)
        now = _now()
        with self._lock, self._connect() as con:
            row = None
            if session_id:
                row = con.execute(
                    "SELECT id FROM feedback WHERE session_id = ? AND turn = ?", (session_id, turn)
                ).fetchone()
            if row is None:
                cur = con.execute(
                    "INSERT INTO feedback (created_at, updated_at, session_id, turn, rating, comment,"
                    " question, query, answer, abstained, citations_json)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        now,
                        now,
                        session_id,
                        turn,
                        rating,
                        comment_text or "",
                        question,
                        query,
                        answer,
                        int(abstained),
                        cites,
                    ),
                )
                return int(cur.lastrowid or 0)
            con.execute(
                "UPDATE feedback SET updated_at = ?, rating = COALESCE(?, rating),"
                " comment = COALESCE(?, comment) WHERE id = ?",
                (now, rating, comment_text, row["id"]),
            )
            return int(row["id"])

    def rows(self) -> list[dict[str, Any]]:
        """All feedback, oldest first (for review, tests and export)."""
        with self._connect() as con:
            return [dict(r) for r in con.execute("SELECT * FROM feedback ORDER BY id")]

    def export_csv(self, path: Path) -> int:
        """Write every row to ``path`` as CSV (UTF-8, header first); returns the number of rows."""
        rows = self.rows()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return len(rows)


def feedback_db_path(data_dir: Path) -> Path:
    """Where the app keeps feedback: ``<data_dir>/feedback.sqlite``."""
    return Path(data_dir) / "feedback.sqlite"


def export_feedback_csv(db_path: Path, out: Path) -> int:
    """CLI entry (``csc-assistant feedback export``): dump the store to CSV, return the row count.

    A missing database means nobody has rated anything yet: that writes a
    header-only CSV rather than failing, so scripts can run it unconditionally.
    """
    if not Path(db_path).exists():
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow(COLUMNS)
        return 0
    return FeedbackStore(db_path).export_csv(out)
