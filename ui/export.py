"""A conversation as a Markdown file, with every answer's sources written out in full.

Why full sources rather than links: the export is what people paste into a
bid or a briefing note, read away from the app. Each ``[n]`` must still be
checkable there, so each answer is followed by its numbered sources with
title, publication date, section/paragraph/page and the verbatim quote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any

from ui.render_chat import ASSISTANT_SCOPE
from ui.render_common import display_date, locator
from ui.richtext import strip_markdown


def _md_text(text: str) -> str:
    """Neutralise raw HTML so a Markdown viewer shows it as text (the source may contain markup)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;")


def _quote(text: str) -> str:
    lines = [ln.strip() for ln in _md_text(text).strip().splitlines()]
    return "\n".join(f"> {ln}" if ln else ">" for ln in lines)


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    return _md_text("" if value is None else str(value)).replace("|", "\\|").replace("\n", " ")


def _table(rows: Sequence[Mapping[str, Any]]) -> str:
    keys: list[str] = []
    for row in rows:
        keys.extend(k for k in row if k not in keys and not str(k).startswith("_"))
    if not keys:
        return ""
    lines = ["| " + " | ".join(_cell(k) for k in keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(_cell(row.get(k)) for k in keys) + " |" for row in rows]
    return "\n".join(lines)


def _as_dict(answer: Any) -> dict[str, Any]:
    if isinstance(answer, Mapping):
        return dict(answer)
    if is_dataclass(answer) and not isinstance(answer, type):
        return asdict(answer)
    raise TypeError(f"not an answer: {type(answer).__name__}")


def source_lines(citations: Sequence[Any]) -> str:
    """The numbered source list for one answer."""
    out: list[str] = []
    for c in citations:
        c = _as_dict(c)
        where = locator(c)
        head = f"**[{c.get('n')}]** {_md_text(c.get('title') or c.get('doc_id') or '')}"
        head += f" ({display_date(c.get('date'))})" if c.get("date") else ""
        head += f" — {_md_text(where)}" if where else ""
        if c.get("file"):
            head += f" — file `{c['file']}`"
        out.append(head + "\n\n" + _quote(c.get("text") or ""))
    return "\n\n".join(out)


def conversation_markdown(turns: Sequence[Mapping[str, Any]], *, generated: datetime | None = None) -> str:
    """Render ``turns`` (each ``{"question": ..., "answer": Answer or its dict}``) as Markdown."""
    when = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    parts = [
        "# Children's Social Care Innovation Programme — conversation",
        f"_Exported {when}. {ASSISTANT_SCOPE}_",
    ]
    for i, turn in enumerate(turns, 1):
        ans = _as_dict(turn["answer"])
        question = turn.get("question") or ans.get("question") or ""
        parts.append(f"## {i}. {_md_text(question)}")
        query = ans.get("query")
        if query and query.strip() != question.strip():
            parts.append(f"_Searched for: {_md_text(query)}_")
        parts.append(_md_text(ans.get("answer") or ""))
        if ans.get("more"):
            parts.append("**More from the documents**\n\n" + _md_text(ans["more"]))
        if ans.get("table"):
            parts.append(_table(ans["table"]))
        for note in ans.get("notes") or []:
            parts.append(f"> **Note:** {_md_text(note)}")
        if ans.get("abstained") or not ans.get("citations"):
            parts.append("_No sources: the documents do not answer this question._")
        else:
            every = [*ans["citations"], *(ans.get("more_citations") or [])]
            parts.append("### Sources\n\n" + source_lines(every))
    return "\n\n".join(parts).rstrip() + "\n"


def answer_with_sources(answer: Any) -> str:
    """One answer as plain text with its numbered references: what "Copy answer with sources" copies.

    Plain text rather than Markdown, because it is pasted into e-mails and documents; the quotes
    are verbatim (Markdown syntax from a Markdown source dropped) so each ``[n]`` stays checkable.
    """
    ans = _as_dict(answer)
    parts = [strip_markdown(ans.get("answer") or "").strip()]
    if ans.get("more"):
        parts.append("More from the documents:\n" + strip_markdown(ans["more"]).strip())
    every = [_as_dict(c) for c in [*(ans.get("citations") or []), *(ans.get("more_citations") or [])]]
    if every:
        refs = []
        for c in every:
            head = f"[{c.get('n')}] {c.get('title') or c.get('doc_id') or ''}"
            head += f" ({display_date(c.get('date'))})" if c.get("date") else ""
            where = locator(c)
            head += f", {strip_markdown(where)}" if where else ""
            quote = " ".join(strip_markdown(c.get("text") or "").split())
            refs.append(f"{head}: \u201c{quote}\u201d")
        parts.append("Sources:\n" + "\n".join(refs))
    return "\n\n".join(p for p in parts if p) + "\n"
