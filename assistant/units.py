"""Sentences in their document: the paragraph a sentence belongs to, and what it is about.

A sentence is read by the asker inside its paragraph: "The impact of these changes has been a
reduction ..." is about the project its paragraph opens with, even though it does not name it.
Composition and answerability ask these questions of the index's sentence table; the answers
depend only on the index, so they are cached on the snapshot.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import numpy as np

from assistant.models import Passage
from assistant.snapshot import Snapshot
from assistant.text import FRAME_STEMS, FRAME_WORDS, STOPWORDS, content_stems
from ingest.config import ReadingSettings

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _span(snap: Snapshot, idx: int) -> tuple[int, int, int, str]:
    row, a, b = (int(v) for v in snap.sent_spans[idx])
    return row, a, b, snap.chunks[row].doc_id


def _joined(snap: Snapshot, left: int, right: int) -> bool:
    """Whether sentence ``right`` follows sentence ``left`` within one paragraph of one document."""
    _r1, _a1, b1, doc1 = _span(snap, left)
    _r2, a2, _b2, doc2 = _span(snap, right)
    if doc1 != doc2 or a2 < b1:
        return False
    return not _BLANK_LINE.search(snap.texts[doc1][b1:a2])


def _cache(snap: Snapshot, name: str, key: object) -> dict:
    """The snapshot's cache ``name`` for one setting's value ``key`` (made on first use)."""
    caches: dict | None = getattr(snap, name, None)
    if caches is None:
        caches = {}
        object.__setattr__(snap, name, caches)
    return caches.setdefault(key, {})


def paragraph(snap: Snapshot, idx: int, reading: ReadingSettings) -> tuple[int, int]:
    """First and last sentence index of the paragraph that holds sentence ``idx``.

    At most ``reading.max_paragraph_sentences`` either side: a longer run is a list or a table.
    """
    most = reading.max_paragraph_sentences
    cache: dict[int, tuple[int, int]] = _cache(snap, "_paragraph_cache", most)
    if idx in cache:
        return cache[idx]
    first = idx
    while first > 0 and idx - first < most and _joined(snap, first - 1, first):
        first -= 1
    last = idx
    n = len(snap.sent_spans)
    while last + 1 < n and last - idx < most and _joined(snap, last, last + 1):
        last += 1
    cache[idx] = (first, last)
    return first, last


def paragraph_text(snap: Snapshot, idx: int, reading: ReadingSettings) -> str:
    """The source text of sentence ``idx``'s paragraph (verbatim, from its first to its last sentence)."""
    first, last = paragraph(snap, idx, reading)
    _r, a, _b, doc = _span(snap, first)
    _r, _a, b, _doc = _span(snap, last)
    return snap.texts[doc][a:b]


_NAMES_SOMETHING = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+|^[A-Z][a-z]+ [A-Z][a-z]+|\b[A-Z]{2,}\b")


def subject_context(snap: Snapshot, idx: int, reading: ReadingSettings) -> str:
    """What sentence ``idx`` is about: its heading trail and its whole paragraph.

    Case studies name their project once, at the head of a paragraph; the sentences after it
    ("It has seen...", "The impact of these changes...") are about that project too. A paragraph
    that names nothing at all continues the one before it (in the same section), so that one's
    subject is its subject.
    """
    row = int(snap.sent_spans[idx][0])
    section = snap.chunks[row].section
    text = paragraph_text(snap, idx, reading)
    first, _last = paragraph(snap, idx, reading)
    if not _NAMES_SOMETHING.search(text) and first > 0:
        prev_row = int(snap.sent_spans[first - 1][0])
        chunk = snap.chunks[prev_row]
        if chunk.doc_id == snap.chunks[row].doc_id and chunk.section == section:
            text = f"{paragraph_text(snap, first - 1, reading)}\n{text}"
    return f"{section}\n{text}"


def context_stems(snap: Snapshot, idx: int, reading: ReadingSettings) -> frozenset[str]:
    """The stems of ``subject_context`` (cached per paragraph: scoring asks for it per sentence)."""
    cache: dict[tuple[int, int], frozenset[str]] = _cache(
        snap, "_context_stems_cache", reading.max_paragraph_sentences
    )
    key = paragraph(snap, idx, reading)
    if key not in cache:
        cache[key] = frozenset(content_stems(subject_context(snap, idx, reading)))
    return cache[key]


def subject_neighbours(
    snap: Snapshot,
    passages: list[Passage],
    qvec: np.ndarray,
    names_in: Callable[[str], bool],
    reading: ReadingSettings,
    top: int = 4,
    heading_names: Callable[[str], bool] | None = None,
) -> list[Passage]:
    """``passages`` plus the rest of the case study (or section) that the best of them belong to.

    A question about one project's results or lessons ("what did X learn") is answered by a
    sentence several paragraphs into X's case study, under a sub-heading ("Leadership commitment")
    that shares no words with the question and names no project. Once retrieval has found the
    case study, its other chunks are read too. ``names_in`` says whether a text names the asked
    subject; the case study is the shortest heading trail that names it (or, when no heading
    does, the passage's own section, nearby). At most ``reading.max_neighbours`` passages are added.
    """
    have = {p.chunk.chunk_id for p in passages}
    extra: list[Passage] = []
    for p in passages[:top]:
        if not names_in(f"{p.chunk.section}\n{p.chunk.text}"):
            continue
        parts = p.chunk.section.split(" > ") if p.chunk.section else []
        # the case study's heading may name one of the asked names only ("Case study: Leeds City
        # Council" for "Leeds ... Family Valued"): ``heading_names`` says whether a heading names any
        named = heading_names or names_in
        prefix = next((parts[: i + 1] for i in range(len(parts)) if named(parts[i])), None)
        row = snap.row_of[p.chunk.chunk_id]
        for other_row, chunk in enumerate(snap.chunks):
            full = len(extra) >= reading.max_neighbours
            if chunk.chunk_id in have or chunk.doc_id != p.chunk.doc_id or full:
                continue
            other = chunk.section.split(" > ") if chunk.section else []
            if prefix is not None:
                same = other[: len(prefix)] == prefix
            else:
                same = other == parts and abs(other_row - row) <= 3
            if same:
                dense = float(snap.chunk_vecs[other_row] @ qvec)
                extra.append(Passage(chunk, p.score * 0.9, dense=dense))
                have.add(chunk.chunk_id)
    return passages + extra


GENERIC_TITLE_WORDS = frozenset(
    {
        "children",
        "social",
        "care",
        "innovation",
        "programme",
        "with",
        "from",
        "about",
        "department",
        "education",
    }
)


_KIND_SYNONYMS = {
    "guidance": {"guide", "doc"},
    # not "site" alone: in these documents a site is where a service runs ("from site to site")
    "web page": {"webpage", "website"},
    "news article": {"article", "news"},
    "learning report": {"report"},
}


# "what", "tell": words of any question, never a title's own
_ANY_QUESTIONS_WORDS = STOPWORDS | frozenset(FRAME_WORDS.split())


def _title_word_counts(snap: Snapshot) -> Counter[str]:
    """How many documents' titles (and file names) hold each word; made once per snapshot."""
    cached = getattr(snap, "_title_words_cache", None)
    if cached is None:
        cached = Counter(
            w
            for info in snap.docs.values()
            for w in {w.lower() for w in re.findall(r"[A-Za-z]{4,}", f"{info.title} {info.file}")}
        )
        object.__setattr__(snap, "_title_words_cache", cached)
    return cached


# words that tell one document of a kind from another of the same kind: a final report is not the
# interim one, an evaluation report is not a learning report
_EDITION_WORDS = frozenset(
    {"final", "draft", "annual", "evaluation", "inspection", "summative", "previous", "next"}
)


def _another_edition(word: str, title_words: set[str]) -> bool:
    """Whether ``word`` before a document's kind marks another document of that kind."""
    w = word.strip().lower()
    return w in _EDITION_WORDS and w not in title_words


def named_document(snap: Snapshot, question: str) -> str | None:
    """The document the asker names ("the 2016 guidance", "the interim report", "the 2017 page").

    Two or more of a document's own marks (distinctive title or file words, its kind, its year)
    name it; one shared word ("funding") does not. None unless one document clearly leads.
    """
    q = question.lower()
    scores: list[tuple[int, str]] = []
    kinds = Counter(info.kind for info in snap.docs.values())
    for doc_id, info in snap.docs.items():
        # a kind is named by its head noun: "the report", "the page"; "learning" alone (a "learning
        # report"'s modifier) is a word of many questions ("the national learning conference")
        kind = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", info.kind.split()[-1] if info.kind else "")}
        kind |= _KIND_SYNONYMS.get(info.kind, set())
        words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", f"{info.title} {info.file}")}
        said = [m for w in kind for m in re.finditer(rf"(\S+\s+)?\b{re.escape(w)}\b", question, re.I)]
        # "the Narey report" is another report: a capitalised word before the kind must be the title's
        said = [
            m
            for m in said
            if not (m.group(1) and m.group(1)[0].isupper() and m.start() > 0)
            or m.group(1).strip().lower() in words
        ]
        # "the final report" is another edition than an interim one: an edition word before the kind
        # names this document only when its title says so
        said = [m for m in said if not (m.group(1) and _another_edition(m.group(1), words))]
        own = words - GENERIC_TITLE_WORDS - kind
        if not said:
            # the asker names a document by what it is ("the guidance", "the report", "the page"), or
            # by its year and two title words no other document's title has ("the 2017 targeted
            # funding ... deadline")
            if not (info.date[:4] and info.date[:4] in q):
                continue
            in_titles = _title_word_counts(snap)
            unique = [
                w
                for w in own - _ANY_QUESTIONS_WORDS
                if in_titles[w] == 1 and re.search(rf"\b{re.escape(w)}\b", q)
            ]
            if len(unique) >= 2:
                scores.append((1 + len(unique), doc_id))
            continue
        # the only document of its kind is named by its kind alone
        hits = (2 if kinds[info.kind] == 1 else 1) + sum(
            1 for w in own if re.search(rf"\b{re.escape(w)}\b", q)
        )
        if info.date[:4] and info.date[:4] in q:
            hits += 1
        scores.append((hits, doc_id))
    scores.sort(reverse=True)
    if not scores or scores[0][0] < 2 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1]


def naming_words(snap: Snapshot, doc_id: str) -> set[str]:
    """The words by which an asker names ``doc_id`` (its kind, its distinctive title words, its year).

    Once the question has picked its document, those words frame the ask ("what did the interim
    report find about ...") rather than say what it is about: every sentence of that document is
    "in the interim report", so the words must not favour the ones that talk about the report itself.
    """
    info = snap.docs[doc_id]
    kind = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", info.kind)} | _KIND_SYNONYMS.get(info.kind, set())
    words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", f"{info.title} {info.file}")}
    return kind | (words - GENERIC_TITLE_WORDS) | ({info.date[:4]} if info.date[:4] else set())


def within_document(snap: Snapshot, passages: list[Passage], qvec: np.ndarray, doc_id: str) -> list[Passage]:
    """Only ``doc_id``'s passages: the retrieved ones, and the chunks of its best sentences."""
    kept = [p for p in passages if p.chunk.doc_id == doc_id]
    have = {p.chunk.chunk_id for p in kept}
    top_score = passages[0].score if passages else 1.0
    sims = snap.sent_vecs @ qvec
    for idx in np.argsort(-sims, kind="stable"):
        row = int(snap.sent_spans[int(idx)][0])
        chunk = snap.chunks[row]
        if chunk.doc_id != doc_id or chunk.chunk_id in have:
            continue
        kept.append(Passage(chunk, top_score * 0.95, dense=float(snap.chunk_vecs[row] @ qvec)))
        have.add(chunk.chunk_id)
        if len(have) >= 8:
            break
    return kept


def kinds_of(setting: str) -> set[str]:
    """The document kinds a comma-separated setting names ("guidance, web page"), lower case."""
    return {k.strip().lower() for k in setting.split(",") if k.strip()}


def docs_of_kinds(snap: Snapshot, kinds: set[str]) -> set[str]:
    """The documents whose manifest kind is one of ``kinds``."""
    return {d for d, info in snap.docs.items() if info.kind.strip().lower() in kinds}


def with_kinds(
    snap: Snapshot, passages: list[Passage], qvec: np.ndarray, kinds: set[str], n: int = 3
) -> list[Passage]:
    """``passages`` plus the chunks of the ``n`` sentences of documents of ``kinds`` closest to the question.

    An applicant's question ("could a charity apply?") is settled by the guidance, yet reports and
    news about the programme use the same words and can fill the whole retrieved list. The
    guidance's best sentences are read as well, ranked with the rest.
    """
    docs = docs_of_kinds(snap, kinds)
    if not docs or not len(snap.sent_vecs):
        return passages
    have = {p.chunk.chunk_id for p in passages}
    sims = snap.sent_vecs @ qvec
    top_score = passages[0].score if passages else 1.0
    extra: list[Passage] = []
    for idx in np.argsort(-sims, kind="stable"):
        row = int(snap.sent_spans[int(idx)][0])
        chunk = snap.chunks[row]
        if chunk.doc_id not in docs or chunk.chunk_id in have:
            continue
        extra.append(Passage(chunk, top_score * 0.95, dense=float(snap.chunk_vecs[row] @ qvec)))
        have.add(chunk.chunk_id)
        if len(extra) >= n:
            break
    return passages + extra


def embed_each(embed: Callable[[str], np.ndarray], texts: list[str]) -> list[np.ndarray]:
    """``embed`` of each text; in one model call when ``embed`` offers ``many`` (the assistant's does)."""
    many = getattr(embed, "many", None)
    if many is not None and texts:
        return list(many(texts))
    return [embed(t) for t in texts]


def question_headings(
    snap: Snapshot, embed: Callable[[str], np.ndarray]
) -> list[tuple[str, list[int], np.ndarray]]:
    """The documents' own question headings ("Who can apply for funding?"), the chunks under each, embedded.

    Guidance answers applicants' questions under headings that are themselves questions. An
    asker's question is much closer in meaning to the question it repeats than to the answer's
    wording ("early help ... fundable?" against "I have an idea that is focused on early
    intervention. Can that be funded?"). Computed once per index.
    """
    cached = getattr(snap, "_question_headings_cache", None)
    if cached is not None:
        return cached
    rows: dict[str, list[int]] = {}
    for row, chunk in enumerate(snap.chunks):
        head = chunk.section.split(" > ")[-1].strip() if chunk.section else ""
        if head.endswith("?"):
            rows.setdefault(head, []).append(row)
    vecs = embed_each(embed, list(rows))
    found = [(head, members, vec) for (head, members), vec in zip(rows.items(), vecs, strict=True)]
    object.__setattr__(snap, "_question_headings_cache", found)
    return found


# what any applicant's question says ("can that be funded?", "could we apply with our idea?"): a
# heading that shares only these with the asker asks something else
_APPLYING_STEMS = frozenset(
    content_stems(
        "idea ideas focus focused fund funds funding funded apply applying application applications "
        "project projects programme innovation innovations bid bids bidding get support eligible"
    )
)


def _subject_near(
    snap: Snapshot, heading: str, qvec: np.ndarray, embed: Callable[[str], np.ndarray], min_cos: float
) -> bool:
    """The question is near in meaning (``min_cos``, ``reading.heading_subject_min``) to what the
    heading asks about, in other words ("a prevention service" for "early intervention"). The
    subject's vector is made once per heading."""
    cache: dict[str, np.ndarray] = getattr(snap, "_heading_subject_cache", None) or {}
    if heading not in cache:
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", heading) if content_stems(w)]
        kept = [w for w in words if not set(content_stems(w)) & (_APPLYING_STEMS | FRAME_STEMS)]
        cache[heading] = embed(" ".join(kept) or heading)
        object.__setattr__(snap, "_heading_subject_cache", cache)
    return float(cache[heading] @ qvec) >= min_cos


def with_question_heading(
    snap: Snapshot,
    passages: list[Passage],
    qvec: np.ndarray,
    embed: Callable[[str], np.ndarray],
    reading: ReadingSettings,
    query: str = "",
) -> tuple[list[Passage], int | None]:
    """``passages`` plus the chunk under the document question heading that repeats the asker's
    question, and that chunk's row (None when no heading asks the same thing).

    "I have an idea focused on early intervention. Can that be funded?" is close in meaning to any
    "could we get X funded?"; it repeats the asker's question only if it also names what they ask
    about, so a heading whose own subject the question does not mention is passed over (the
    thresholds: ``reading.question_heading_min``, ``reading.heading_subject_min``).
    """
    heads = question_headings(snap, embed)
    if not heads:
        return passages, None
    sims = [float(vec @ qvec) for _h, _rows, vec in heads]
    asked = set(content_stems(query))
    best = None
    for i in sorted(range(len(heads)), key=lambda i: -sims[i]):
        if sims[i] < reading.question_heading_min:
            break
        own = set(content_stems(heads[i][0])) - _APPLYING_STEMS - FRAME_STEMS
        near = not query or not own or own & asked
        if near or _subject_near(snap, heads[i][0], qvec, embed, reading.heading_subject_min):
            best = i
            break
    if best is None:
        return passages, None
    row = heads[best][1][0]
    if any(p.chunk.chunk_id == snap.chunks[row].chunk_id for p in passages):
        return passages, row
    top_score = passages[0].score if passages else 1.0
    extra = Passage(snap.chunks[row], top_score, dense=float(snap.chunk_vecs[row] @ qvec))
    return [*passages, extra], row


def table_rows(snap: Snapshot, embed: Callable[[str], np.ndarray]) -> list[tuple[int, np.ndarray]]:
    """Sentence indices of table rows (cells split by tabs) with their first cell embedded.

    A criteria table names each criterion in its first cell ("The project will be able to be
    delivered") and what it asks in the next; an asker names the criterion ("deliverability").
    A header row (a one-word first cell, "Criteria") names no criterion. Computed once per index.
    """
    cached = getattr(snap, "_table_rows_cache", None)
    if cached is not None:
        return cached
    rows: list[tuple[int, str]] = []
    for idx, (row, a, b) in enumerate(snap.sent_spans):
        text = snap.texts[snap.chunks[int(row)].doc_id][int(a) : int(b)]
        if "\t" not in text:
            continue
        first = text.split("\t", 1)[0].strip().strip("*")
        if len(first.split()) < 2 or len(first) > 150:
            continue
        rows.append((idx, first))
    vecs = embed_each(embed, [first for _idx, first in rows])
    found = [(idx, vec) for (idx, _first), vec in zip(rows, vecs, strict=True)]
    object.__setattr__(snap, "_table_rows_cache", found)
    return found


def meant_row(
    snap: Snapshot, qvec: np.ndarray, embed: Callable[[str], np.ndarray], reading: ReadingSettings
) -> tuple[int | None, bool]:
    """(the table row the question names, whether it names a table at all).

    ``(idx, True)``: one row stands out (``reading.row_margin`` above the next); ``(None, True)``:
    several rows fit about equally, so the question is about the table as a whole; ``(None, False)``:
    no table row fits (none reaches ``reading.row_min``).
    """
    rows = table_rows(snap, embed)
    if not rows:
        return None, False
    sims = sorted(((float(vec @ qvec), idx) for idx, vec in rows), reverse=True)
    best, idx = sims[0]
    if best < reading.row_min:
        return None, False
    second = sims[1][0] if len(sims) > 1 else -1.0
    return (idx, True) if best - second >= reading.row_margin else (None, True)
