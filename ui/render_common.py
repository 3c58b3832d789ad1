"""The escaping rule and the small formatters every ``ui/render_*`` module shares.

The web UI's HTML is written by plain functions from data to an HTML string (``ui/render_chat``,
``render_sources``, ``render_documents``, ``render_projects``) so it can be unit-tested without a
browser. The rule that keeps the app safe is simple: every piece of document text and user text
passes through :func:`esc` (``html.escape``) before it is put into markup, so a ``<script>`` in a
question or a corpus file is displayed as text, never run. The only markup produced is the markup
written in those modules. This module holds that rule and the field readers and date/locator
wording more than one of them (and :mod:`ui.export`) use.
"""

from __future__ import annotations

import html
from calendar import month_name
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ui import richtext


def esc(text: object) -> str:
    """HTML-escape anything that came from a user or a document (quotes too, for attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def display_date(iso: str | None) -> str:
    """ "2016-04" -> "April 2016"; anything unparseable is returned as it came."""
    if not iso:
        return ""
    parts = str(iso).split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        day = f"{int(parts[2])} " if len(parts) >= 3 and parts[2].isdigit() else ""
        return f"{day}{month_name[int(parts[1])]} {parts[0]}"
    return str(iso)


def pick(obj: Any, name: str, default: Any = None) -> Any:
    """Read a field from a dataclass or a dict: the UI keeps answers as dicts in session state."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def locator(cit: Any) -> str:
    """Section, paragraph and page of a citation (dict or Citation), in reading order."""
    if not isinstance(cit, Mapping) and hasattr(cit, "locator"):
        return str(cit.locator())
    bits = []
    if pick(cit, "section"):
        bits.append(str(pick(cit, "section")))
    if pick(cit, "paragraph"):
        bits.append(f"para {pick(cit, 'paragraph')}")
    if pick(cit, "page") is not None:
        bits.append(f"p. {pick(cit, 'page')}")
    return ", ".join(bits)


@lru_cache(maxsize=16)
def md_ranges(text: str) -> tuple[tuple[int, int, str], ...]:
    """Markdown ranges of a whole document, computed once per text (cards and viewer share it)."""
    return tuple(richtext.markdown_ranges(text))
