"""The quote check: a citation is shown only if its text is verbatim in the source."""

from __future__ import annotations

from assistant.models import Citation


def verify(citation: Citation, source: str) -> bool:
    """True when the quoted text is exactly the source span it claims to be."""
    return (
        bool(citation.text.strip())
        and 0 <= citation.start < citation.end <= len(source)
        and source[citation.start : citation.end] == citation.text
    )


def keep_verified(citations: list[Citation], sources: dict[str, str]) -> list[Citation]:
    """Drop any citation that fails the check; callers renumber what is left."""
    return [c for c in citations if verify(c, sources.get(c.doc_id, ""))]
