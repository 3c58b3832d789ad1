"""When a document in the corpus was published: its own date first.

"When was the interim report published?" asks about a document the assistant holds. Another
document may say when it came out ("published in February 2016"), and may be wrong or late; the
document's own dated line ("January 2016" under its title) is the surer answer, and both are shown
when they differ. Only the line that repeats the document's manifest date near its start counts:
a title page, not a date mentioned further in.
"""

from __future__ import annotations

from assistant.analysis import QuestionAnalysis
from assistant.candidates import Candidate
from assistant.conflicts import typed_figures
from assistant.models import Citation
from assistant.snapshot import Snapshot
from assistant.text import content_stems, has_value
from assistant.units import GENERIC_TITLE_WORDS, naming_words


def own_date(snap: Snapshot, doc_id: str, score: float, title_page: int) -> Candidate | None:
    """The sentence within the first ``title_page`` characters of ``doc_id`` (the settings'
    ``reading.title_page_chars``) that gives its own date ("January 2016"), as a candidate scored
    ``score``; None when its title page carries no date."""
    info = snap.docs.get(doc_id)
    if info is None or not info.display_date or info.display_date == info.date:
        return None  # no month and year to look for
    text = snap.texts[doc_id]
    for idx, (row, a, b) in enumerate(snap.sent_spans):
        row, a, b = int(row), int(a), int(b)
        if snap.chunks[row].doc_id != doc_id or a > title_page:
            continue
        if text[a:b].strip().lower() == info.display_date.lower():
            return Candidate(idx, row, a, b, text[a:b], 0.0, 0.0, score)
    return None


# the words of a publication ask ("published", "came out"): they say when, not what about
_PUBLISHING_STEMS = frozenset(
    content_stems("publish published released release issued dated written produced come came")
)


def about_itself(snap: Snapshot, analysis: QuestionAnalysis, doc_id: str) -> bool:
    """The ask is about the document itself: every focus word names it or asks when it came out
    ("when was the interim report published?"), none is about something in it ("when were the
    grants issued, according to the report?")."""
    naming = set(content_stems(" ".join(naming_words(snap, doc_id))))
    return all(f in naming or f in _PUBLISHING_STEMS for f in analysis.focus)


def says_published(snap: Snapshot, cand: Candidate, doc_id: str) -> bool:
    """``cand``, in another document, dates ``doc_id``'s publication ("The Interim Learning Report,
    published in February 2016, ..."): it names the document by two of its title words, gives a
    date and says it was published."""
    if snap.chunks[cand.row].doc_id == doc_id or not has_value(cand.text, "date"):
        return False
    title = set(content_stems(snap.docs[doc_id].title)) - set(content_stems(" ".join(GENERIC_TITLE_WORDS)))
    said = set(content_stems(cand.text))
    return len(title & said) >= 2 and bool(said & _PUBLISHING_STEMS)


def dates_differ(snap: Snapshot, cited: list[tuple[list[Candidate], Citation]]) -> list[str]:
    """A note when another document dates the publication differently from the document's own
    dated line (the first cited unit)."""
    if len(cited) < 2:
        return []
    own_unit, own_cit = cited[0]
    own = typed_figures(" ".join(c.text for c in own_unit)).get("date", set())
    notes = []
    for unit, cit in cited[1:]:
        other = typed_figures(" ".join(c.text for c in unit)).get("date", set())
        if own and other and not own & other:
            info = snap.docs.get(cit.doc_id)
            when = info.display_date if info else cit.date
            own_said, other_said = ", ".join(sorted(own)), ", ".join(sorted(other))
            notes.append(
                f"The documents differ here: “{own_cit.title}” is dated {own_said} [{own_cit.n}]; "
                f"“{cit.title}” ({when}) [{cit.n}] gives {other_said}. Both are quoted above."
            )
    return notes
