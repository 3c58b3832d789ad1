"""The one entry point the CLI and the UI call: ``Assistant.ask``.

Retrieval, composition and citation checks all happen behind it; front ends
only render the :class:`~assistant.models.Answer` it returns.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator
from copy import copy
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.abstain import abstain_reason
from assistant.analysis import QuestionAnalysis, analyse
from assistant.answerability import (
    Verdict,
    about_subject,
    acronym_names,
    alternatives,
    judge,
    names_covered,
    states_value,
)
from assistant.cite import verify
from assistant.compose import (
    candidates,
    merge_adjacent,
    promote_answer,
    promote_row,
    select,
    unit_citation,
    unit_prose,
)
from assistant.conflicts import citation_conflicts, conflict_notes, find_conflicts
from assistant.dates import passed_note
from assistant.models import ABSTAIN_TEXT, Answer, Citation, Passage, abstained  # noqa: F401
from assistant.reading import what_to_read
from assistant.references import resolve
from assistant.retrieve import hybrid_search
from assistant.rewrite import rewrite
from assistant.snapshot import IndexMissingError, Snapshot
from assistant.text import PROSE_TYPES, content_stems
from assistant.vocab import normalise
from ingest import store
from ingest.config import Settings, load_settings
from ingest.embeddings import embed_query

if TYPE_CHECKING:  # the LangChain retriever is imported only when asked for
    from assistant.lc_retriever import HybridRetriever

MAX_HISTORY_TURNS = 10
_LLM_OFF = ("", "none", "off", "extractive", "0", "false", "no")  # as assistant.llm.OFF


def _merge(first: Answer, second: Answer) -> Answer:
    """Append ``second``'s sentences and sources to ``first``, renumbering the second's markers."""
    offset = len(first.citations)
    renumbered = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", second.answer)
    extra = [replace(c, n=c.n + offset) for c in second.citations]
    notes = [re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", n) for n in second.notes]
    return replace(
        first,
        answer=f"{first.answer}\n\n{renumbered}",
        citations=[*first.citations, *extra],
        notes=[*first.notes, *notes],
        mode=f"{first.mode}+{second.mode}",
    )


__all__ = ["ABSTAIN_TEXT", "Assistant", "IndexMissingError", "IndexUnavailableError", "QuestionError"]


_ROLE = re.compile(
    r"\b(?:lead|leader|manager|director|head|chair|minister|officer|person|people|staff|contact|name of"
    r"|phone|e-?mail|address|evaluat\w*)\b",
    re.I,
)


# asking which councils (local authorities, boroughs) take part in something
_ASKS_COUNCILS = re.compile(r"\b(?:which|what) (?:local authorit(?:y|ies)|councils?|boroughs?|las)\b", re.I)
_COUNCIL = re.compile(r"\b(?:council|borough|county|city|local authorit(?:y|ies)|trust)\b", re.I)


_DUE = frozenset(
    content_stems(
        "deadline deadlines closing close due submit submission apply application event workshop webinar "
        "session meeting interview available availability release start begin proposal proposals"
    )
)


# asking by when something must be done: "have to be in by", "is it still open", "too late to apply"
_DUE_ASK = re.compile(
    r"\b(?:by when|in by|due|cut-?off|still (?:time|open)|too late|closing|close[sd]?)\b", re.I
)


def _is_about_dates(analysis: QuestionAnalysis) -> bool:
    """ "This date has passed" belongs only to answers about something due or scheduled.

    A deadline, a workshop, when funding is released: a reader might still act on those. A
    publication date, a launch or a statistic's date is history, and a note would mislead.
    """
    due = bool(_DUE & set(analysis.focus)) or bool(_DUE_ASK.search(analysis.clause))
    return analysis.answer_type in {"date", "duration", None} and due


class IndexUnavailableError(RuntimeError):
    """The index cannot be searched just now (its Chroma server is down and fallback is off).

    ``str()`` is the message for users: front ends show it instead of a generic failure, because
    "try again shortly" is the right advice for this error and for no other.
    """

    def __init__(self, url: str) -> None:
        super().__init__(
            f"The document index cannot be searched right now: its vector server ({url}) is not "
            "answering. Please try again in a minute; if it persists, tell the service's staff."
        )
        self.url = url


class QuestionError(ValueError):
    """Input the assistant refuses; ``field`` names what was wrong, ``str()`` is the user message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def clean_question(question: object, limit: int) -> str:
    """Validate and normalise a question (control characters removed, white space folded)."""
    if not isinstance(question, str):
        raise QuestionError("question", "must be text")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("question", "is empty; please type a question")
    if len(text) > limit:
        raise QuestionError(
            "question", f"is {len(text):,} characters long; the limit is {limit:,}. Please shorten it."
        )
    return text


def clean_history(history: object, limit: int) -> list[dict]:
    """Keep the last few well-formed turns; anything else in the history is ignored, not fatal."""
    if not isinstance(history, list):
        return []
    turns = []
    for turn in history[-MAX_HISTORY_TURNS:]:
        if isinstance(turn, dict):
            q = str(turn.get("q", ""))[:limit]
            a = str(turn.get("a", ""))[: limit * 2]
            if q.strip():
                turns.append({"q": q, "a": a})
    return turns


class Assistant:
    """Answers questions from the current index build; safe to share between threads.

    ``llm`` chooses the optional language model (see :mod:`assistant.llm`): ``None`` reads
    ``CSC_LLM`` (unset: extractive only), a backend name such as ``"openai-compatible"`` overrides
    it, ``"none"`` switches it off, and a LangChain chat model object is used as it is. A backend
    that cannot be used is reported once and the assistant stays extractive.
    """

    def __init__(self, settings: Settings | None = None, llm: Any = None) -> None:
        self.settings = settings or load_settings()
        self._lock = threading.Lock()
        self._snap: Snapshot | None = None
        self._embed_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._projects = None
        self._projects_build: Path | None = None
        # the model is configured from the environment at start-up (as load_chat_model reads it);
        # its packages are imported only when one is wanted
        backend = (self.settings.llm.backend or load_settings().llm.backend).strip().lower()
        if isinstance(llm, str) or (llm is None and backend not in _LLM_OFF):
            from assistant.llm import load_chat_model  # langchain_core: imported only when a model is wanted

            llm = load_chat_model(llm)
        self.llm = llm

    def with_llm(self, llm: Any) -> Assistant:
        """The same assistant (index, caches) answering with another chat model (``None``: extractive)."""
        other = copy(self)
        other.llm = llm
        return other

    # -- index -----------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The current build, reloaded when ingest has published a newer one."""
        build = store.current_build(self.settings.index_root)
        with self._lock:
            if self._snap is None or (build is not None and build != self._snap.build):
                s = self.settings
                self._snap = Snapshot.load(s.index_root, s.model_path, s.chroma_url, s.chroma_fallback)
            return self._snap

    def embed(self, text: str) -> np.ndarray:
        # with the precision the live build's vectors were made with, whatever the setting says now
        key = ((self._snap or self.snapshot()).embed_precision, text)
        with self._lock:
            hit = self._embed_cache.get(key)
        if hit is not None:
            return hit
        vec = embed_query(self.settings.model_path, text, precision=key[0])
        with self._lock:
            self._embed_cache[key] = vec
            while len(self._embed_cache) > 512:
                self._embed_cache.popitem(last=False)
        return vec

    def retriever(self, k: int | None = None) -> HybridRetriever:
        """The hybrid search as a LangChain ``BaseRetriever``."""
        from assistant.lc_retriever import HybridRetriever

        return HybridRetriever(snapshot=self.snapshot, embed=self.embed, k=k or self.settings.top_k)

    def project_store(self):  # type: ignore[no-untyped-def]
        """The project directory table of the current build, if one was derived."""
        snap = self.snapshot()
        path = snap.build / "projects.sqlite"
        if not path.exists():
            return None
        if self._projects is None or self._projects_build != snap.build:
            from ingest.projects_store import ProjectStore

            self._projects = ProjectStore(path)
            self._projects_build = snap.build
        return self._projects

    # -- documents -------------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        snap = self.snapshot()
        return [
            {**info.__dict__, "display_date": info.display_date, "chunks": snap.chunk_counts.get(doc_id, 0)}
            for doc_id, info in snap.docs.items()
        ]

    def document_text(self, doc_id: str) -> str:
        snap = self.snapshot()
        if doc_id not in snap.texts:
            raise KeyError(f"unknown document id {doc_id!r}")
        return snap.texts[doc_id]

    def document_outline(self, doc_id: str) -> list[dict]:
        return [
            {"section": c.section, "paragraph": c.paragraph, "page": c.page, "start": c.start, "end": c.end}
            for c in self.snapshot().chunks
            if c.doc_id == doc_id
        ]

    # -- answering -------------------------------------------------------------------------------
    def ask(self, question: str, history: list[dict] | None = None, *, mode: str | None = None) -> Answer:
        """The answer; ``mode="extractive"`` skips the language model even when one is configured."""
        answer = None
        for item in self.ask_stream(question, history, mode=mode):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(
        self, question: str, history: list[dict] | None = None, *, mode: str | None = None
    ) -> Iterator[str | Answer]:
        """Yield the language model's text as it arrives (nothing without one), then the final Answer.

        The streamed text is a draft: the Answer holds only the sentences that passed the citation
        checks (``mode == "generative"``), or the extractive answer with ``fallback_reason`` set.
        """
        t0 = time.perf_counter()
        limit = self.settings.max_question_chars
        text = clean_question(question, limit)
        turns = clean_history(history, limit)
        snap = self.snapshot()
        # the asker's spelling and shorthand in the documents' words, before anything reads it
        fixed, corrections = normalise(snap, text)
        query = rewrite(fixed, turns)
        analysis = analyse(fixed, query)
        analysis.corrections = corrections
        analysis.names += acronym_names(snap, analysis.terms)  # "MTM" is a subject, as a name is
        qvec = self.embed(query)
        try:
            passages = hybrid_search(snap, query, qvec, self.settings.top_k)
        except store.VectorStoreUnavailableError as exc:
            raise IndexUnavailableError(exc.url) from exc
        contexts = [p.chunk.text for p in passages]
        answer = self._from_directory(snap, analysis, text, query, contexts)
        if answer is None and self.llm is not None and mode != "extractive" and not analysis.reference:
            from assistant.generate import generate

            reason = None
            stream = generate(self, self.llm, snap, text, query, qvec, passages, contexts, analysis=analysis)
            for item in stream:
                if isinstance(item, str):
                    yield item
                else:
                    answer, reason = item.answer, item.fallback_reason
            if answer is None:
                answer = self._extractive(snap, analysis, text, query, qvec, passages, contexts)
                answer.fallback_reason = reason
        elif answer is None:
            answer = self._extractive(snap, analysis, text, query, qvec, passages, contexts)
        else:
            # a mixed question gets the directory's record plus what the other documents say; any
            # question gets the other documents' account too when its figures contradict the record
            pool = passages
            if analysis.asks_conflict:
                # the asker has seen other figures: look further than the records crowding the top
                pool = hybrid_search(snap, query, qvec, self.settings.top_k * 4)
            others = [p for p in pool if snap.docs[p.chunk.doc_id].kind != "directory"]
            prose = (
                self._extractive(snap, analysis, text, query, qvec, others, contexts, decline=False)
                if others
                else None
            )
            if prose is not None and not prose.abstained:
                shifted = [replace(c, n=c.n + len(answer.citations)) for c in prose.citations]
                # one record's figures can be disputed by prose; a list of records states no one quantity
                one_record = len(answer.citations) == 1
                disputes = citation_conflicts(snap, answer.citations, shifted, query) if one_record else []
                # a typed question (how much, how many, when) that the other documents also answer
                # gets their figure too: the record and the narrative may count differently
                typed = analysis.answer_type in {"money", "count", "date"}
                if disputes or analysis.wants_prose or typed:
                    answer = _merge(answer, prose)
                    answer.notes.extend(d for d in disputes if d not in answer.notes)
        answer.analysis = analysis.to_dict()
        answer.seconds = time.perf_counter() - t0
        yield answer

    def _extractive(
        self,
        snap: Snapshot,
        analysis: QuestionAnalysis,
        question: str,
        query: str,
        qvec: np.ndarray,
        passages: list[Passage],
        contexts: list[str],
        decline: bool = True,
    ) -> Answer:
        cfg = self.settings
        if analysis.not_documents:
            reason = (
                f"This is {analysis.not_documents}. I only answer questions about the Children's Social "
                "Care Innovation Programme, by quoting its documents."
            )
            if analysis.not_documents.startswith("a personal matter"):
                # a family in trouble needs somewhere to turn, not only a refusal
                reason += (
                    " If this is about your own family, your local council's children's services, a "
                    "family law solicitor or a free advice service can help."
                )
            return abstained(question, query, contexts, reason=reason)
        if analysis.reference:
            lead_row = None
            if analysis.reference.get("kind") == "passage":
                # "quote me what it says about X": the passage holding the sentence that best answers
                scored = [c for c in candidates(snap, query, qvec, passages) if not c.is_question]
                lead_row = max(scored, key=lambda c: c.score).row if scored else None
            found = resolve(snap, analysis, passages, self.embed, lead_row)
            if found is not None:
                text, cits = found
                if all(verify(c, snap.texts[c.doc_id]) for c in cits):
                    return Answer(question=question, query=query, answer=text, abstained=False,
                                  citations=cits, contexts=contexts, mode="reference")  # fmt: skip
            if analysis.reference.get("kind") == "paragraph":
                numbered = sorted({snap.docs[c.doc_id].title for c in snap.chunks if c.paragraph})
                reason = (
                    f"No document has a paragraph {analysis.reference['number']}. Numbered paragraphs "
                    "are in: " + "; ".join(f"“{t}”" for t in numbered) + "."
                )
                return abstained(question, query, contexts, reason=reason)
        # words around the ask (who is asking, why, pasted junk) do not make a question unanswerable
        why = abstain_reason(
            snap,
            analysis,
            passages,
            cfg.abstain_threshold,
            qvec,
            cfg.min_sentence_cos,
            cfg.unknown_words_margin,
            cfg.unknown_name_cos,
        )
        if why:
            return abstained(question, query, contexts, reason=f"The documents do not cover this: {why}.")
        reading = what_to_read(snap, analysis, passages, qvec, self.embed, cfg.applicant_kinds)
        if reading.whole_table:
            # several criteria fit equally: the question is about the table, given whole
            found = resolve(snap, replace(analysis, reference={"kind": "table"}), passages, self.embed)
            if found is not None and all(verify(c, snap.texts[c.doc_id]) for c in found[1]):
                return Answer(question=question, query=query, answer=found[0], abstained=False,
                              citations=found[1], contexts=contexts, mode="reference")  # fmt: skip
        passages, names = reading.passages, reading.names
        cands = candidates(snap, query, qvec, passages, analysis.answer_type,
                           prose_first=analysis.intent in {"explain", "yesno"},
                           subject=frozenset(content_stems(" ".join(names))))  # fmt: skip
        if reading.row_meant is not None:
            promote_row(cands, reading.row_meant)
        elif reading.answered_row is not None and analysis.answer_type is None:
            # (a typed question, "how long in 2014-16", is still judged on its value and time frame)
            row = reading.answered_row
            promote_answer(cands, row, snap.chunks[row].section.split(" > ")[-1])
        verdict = judge(snap, analysis, cands, lead_margin=cfg.lead_margin, min_focus=cfg.min_focus,
                        count_window=cfg.count_window)  # fmt: skip
        if verdict.lead is None:
            if not decline:
                return abstained(question, query, contexts)
            return self._near_miss(snap, question, query, contexts, verdict)
        # a lead that names the asked subject ("Hertfordshire's principle ... has led to") goes on
        # through its paragraph, which tells what that subject did
        names_lead = bool(analysis.names) and names_covered(analysis, verdict.lead.text)
        units = merge_adjacent(select(snap, cands, lead=verdict.lead, names_lead=names_lead))
        # a different figure for what the lead states, about the same subject
        extra = find_conflicts(
            snap, query, cands, units[:1], about=lambda c: about_subject(snap, analysis, c)
        )
        if analysis.asks_conflict and analysis.answer_type not in {None, *PROSE_TYPES}:
            taken = {c.idx for u in units for c in u}
            alts = alternatives(snap, analysis, qvec, verdict.lead, min_focus=cfg.min_focus,
                                count_window=cfg.count_window)  # fmt: skip
            alts = [u for u in alts if not any(c.idx in taken for c in u)]
            extra.extend(alts)
        units.extend(extra)
        pieces: list[str] = []
        more: list[str] = []
        citations: list[Citation] = []
        cited: list[tuple[list, Citation]] = []
        notes: list[str] = []
        lead_score = units[0][0].score if units else 0.0
        size = 0
        for unit in units:
            bound = unit[0].bound  # what the lead's asterisk points to (its footnote, the starred rows)
            short = not pieces or unit in extra or bound or unit[0].score >= lead_score - cfg.extra_margin
            if short and pieces and unit not in extra and not bound:
                # a passage about another project is not spliced in as if about this one
                short = about_subject(snap, analysis, unit[-1])
            cit = unit_citation(snap, unit, len(citations) + 1)
            if not verify(cit, snap.texts[cit.doc_id]):
                continue  # never show a quote that is not verbatim
            prose = unit_prose(snap, unit, cit)
            if not prose:
                continue
            piece_len = len(prose) + 6
            if short and pieces and not bound and size + piece_len > cfg.answer_chars:
                short = False
            if not short and cited and conflict_notes(snap, [cited[0], (unit, cit)]):
                short = True  # another document's different figure for the same thing is part of the answer
            if short:
                citations.append(cit)
                pieces.append(f"{prose} [{cit.n}]")
                size += piece_len
                cited.append((unit, cit))
                if _is_about_dates(analysis):
                    note = passed_note(prose, cit.date, cit.title, cfg.today)
                    if note and note not in notes:
                        notes.append(note)
            else:
                more.append((prose, cit))
        # the short answer's sources are numbered first; "more" continues the numbering after them
        first = len(citations) + 1
        more_text = [f"{prose} [{i}]" for i, (prose, _c) in enumerate(more, start=first)]
        more_cits = [replace(cit, n=i) for i, (_p, cit) in enumerate(more, start=first)]
        if not citations:
            return abstained(question, query, contexts)
        notes.extend(conflict_notes(snap, cited))
        return Answer(
            question=question,
            query=query,
            answer="\n\n".join(pieces),
            abstained=False,
            citations=citations,
            contexts=contexts,
            notes=notes,
            more="\n\n".join(more_text),
            more_citations=more_cits,
        )

    def _near_miss(
        self, snap: Snapshot, question: str, query: str, contexts: list[str], verdict: Verdict
    ) -> Answer:
        """Decline, saying what is missing, and quote the nearest sentence so the reader can look on."""
        reason = f"The documents were searched, but {verdict.missing}."
        answer = abstained(question, query, contexts, reason=reason)
        if verdict.nearby is not None:
            cit = unit_citation(snap, [verdict.nearby], 1)
            if verify(cit, snap.texts[cit.doc_id]):
                answer.answer += f"\n\nThe nearest they come: “{unit_prose(snap, [verdict.nearby], cit)}” [1]"
                answer.citations = [cit]
        return answer

    def _from_directory(
        self, snap: Snapshot, analysis: QuestionAnalysis, question: str, query: str, contexts: list[str]
    ) -> Answer | None:
        if analysis.intent in {"reference", "not_documents"} or analysis.answer_type in {
            "share",
            "date",
            "duration",
        }:
            return None  # a paragraph, a share of projects, a date, a funding period: answered from the prose
        if (analysis.intent == "explain" and analysis.directory != "list") or analysis.criteria:
            return None  # lessons, and how bids are judged, are the prose's matter
        if analysis.answer_type in {"person", "contact", "frequency"} and _ROLE.search(analysis.query):
            return None  # the directory names organisations, never their staff or contact details
        from assistant.projects import answer_from_directory, answer_rounds, answer_superlative

        projects = self.project_store()
        if projects is None:
            return None
        source = snap.texts.get(projects.doc_id, "")
        if analysis.directory == "superlative":
            result = answer_superlative(query, projects, source)
        else:
            result = answer_rounds(query, projects, source) or answer_from_directory(query, projects, source)
        if result is None or not names_covered(analysis, result.answer):
            return None  # a record that does not name the asked subject does not answer
        if _ASKS_COUNCILS.search(analysis.clause) and not _COUNCIL.search(result.answer):
            # "which councils are testing Pause": a record led by a charity that names no council
            # (neither as its lead body nor in its description) does not say; the prose may
            return None
        if analysis.answer_type in {"money", "count"} and not states_value(
            snap, analysis, result.answer, self.settings.count_window, record=True
        ):
            return None  # records that only repeat the asker's figure ("the £29m") do not answer
        info = snap.docs.get(projects.doc_id)
        citations = []
        for c in result.citations:
            cit = Citation(
                n=int(c["n"]),
                doc_id=projects.doc_id,
                title=info.title if info else projects.title,
                file=info.file if info else projects.file,
                date=info.date if info else projects.date,
                section=c.get("section") or "",
                paragraph=c.get("paragraph"),
                page=c.get("page"),
                text=c["text"],
                start=int(c["start"]),
                end=int(c["end"]),
            )
            if verify(cit, source):
                citations.append(cit)
        if not citations:
            return None
        return Answer(
            question=question,
            query=query,
            answer=result.answer,
            abstained=False,
            citations=citations,
            contexts=contexts,
            table=result.rows,
            mode="directory",
        )
