"""ui.feedback: ratings survive, update in place per answer, and export to CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from assistant.models import Citation
from ui.feedback import FeedbackStore, export_feedback_csv, feedback_db_path

CIT = Citation(
    n=1,
    doc_id="d",
    title="T",
    file="f.txt",
    date="2016-04",
    section="S",
    paragraph="3",
    page=None,
    text="quote",
    start=0,
    end=5,
)


def test_record_and_reopen(tmp_path: Path) -> None:
    db = feedback_db_path(tmp_path)
    store = FeedbackStore(db)
    row_id = store.record(
        question="Who can apply?",
        answer="Anyone [1]",
        rating="down",
        comment=" vague ",
        citations=[CIT],
        query="who can apply",
        session_id="s1",
        turn=0,
    )
    rows = FeedbackStore(db).rows()  # a new instance reads what the first wrote: durable
    assert len(rows) == 1 and rows[0]["id"] == row_id
    row = rows[0]
    assert row["rating"] == "down" and row["comment"] == "vague" and row["question"] == "Who can apply?"
    assert json.loads(row["citations_json"])[0]["text"] == "quote"
    assert row["created_at"].endswith("+00:00")


def test_same_answer_updates_rather_than_duplicates(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite")
    store.record(question="q", answer="a", rating="up", session_id="s", turn=1)
    store.record(question="q", answer="a", comment="more detail please", session_id="s", turn=1)
    store.record(question="q", answer="a", rating="down", session_id="s", turn=1)
    store.record(question="q2", answer="a2", rating="up", session_id="s", turn=2)
    rows = store.rows()
    assert [(r["turn"], r["rating"], r["comment"]) for r in rows] == [
        (1, "down", "more detail please"),
        (2, "up", ""),
    ]


def test_bad_rating_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rating"):
        FeedbackStore(tmp_path / "fb.sqlite").record(question="q", answer="a", rating="meh")


def test_export_csv(tmp_path: Path) -> None:
    db = tmp_path / "fb.sqlite"
    store = FeedbackStore(db)
    store.record(question='say "hi", then\nbye', answer="a", rating="up")
    out = tmp_path / "out" / "feedback.csv"
    assert export_feedback_csv(db, out) == 1
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["question"] == 'say "hi", then\nbye' and rows[0]["rating"] == "up"


def test_export_without_database_writes_header(tmp_path: Path) -> None:
    out = tmp_path / "empty.csv"
    assert export_feedback_csv(tmp_path / "missing.sqlite", out) == 0
    assert out.read_text(encoding="utf-8").startswith("id,created_at")
    assert not (tmp_path / "missing.sqlite").exists()
