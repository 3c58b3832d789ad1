"""Document text without raw Markdown (ui/richtext.py), short labels (ui/labels.py), copy text."""

from __future__ import annotations

import html
import re

from assistant.models import Citation
from ui import labels, render_chat, render_documents, render_sources, richtext
from ui.export import answer_with_sources


def visible(markup: str) -> str:
    """What a reader sees: hidden syntax spans dropped, tags removed, entities decoded."""
    shown = re.sub(r'<span class="md-x" aria-hidden="true">[^<]*</span>', "", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", shown))


def test_markdown_is_styled_never_raw_and_the_text_is_kept() -> None:
    text = "### 73. Slough Children's Trust\n\n*Hertfordshire County Council* and **Tri-Borough**\nrest"
    out = richtext.render(text)
    assert visible(out) == "73. Slough Children's Trust\n\nHertfordshire County Council and Tri-Borough\nrest"
    assert '<span class="md-h">73. Slough Children&#x27;s Trust</span>' in out
    assert "<em>Hertfordshire County Council</em>" in out and "<strong>Tri-Borough</strong>" in out
    # every character is still there (offsets of citations point into it), only hidden
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text


def test_lone_asterisks_and_hashes_stay_as_printed() -> None:
    text = "5 * 3 = 15, see note *a and issue #4 of **the report"
    assert visible(richtext.render(text)) == text
    assert richtext.strip_markdown(text) == text


def test_bold_may_wrap_a_line_but_not_a_paragraph() -> None:
    assert richtext.strip_markdown("**Director: Child Protection\nDepartment for Education**") == (
        "Director: Child Protection\nDepartment for Education"
    )
    assert richtext.strip_markdown("**one\n\ntwo**") == "**one\n\ntwo**"


def test_a_highlight_across_styled_text_is_one_mark_and_never_holds_a_page_break() -> None:
    text = "Intro. **Bold words** then plain text. Next part."
    a, b = text.index("Bold"), text.index(" Next")
    out = richtext.render(text, marks=[(a, b, '<mark class="hl">')])
    assert out.count('<mark class="hl">') == 1
    assert visible(out.split('<mark class="hl">')[1].split("</mark>")[0]) == "Bold words then plain text."
    split = richtext.render(text, marks=[(a, b, '<mark class="hl">')], inserts={text.index("then"): ["<hr>"]})
    assert split.count('<mark class="hl">') == 2 and "<hr></mark>" not in split and "<hr>" in split


def test_document_text_is_escaped_inside_the_styling() -> None:
    out = richtext.render("**<script>alert(1)</script>**")
    assert "<script>" not in out and "<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>" in out


DOCS = [
    {"doc_id": "g", "title": "Children's Social Care Innovation Programme: How to get involved",
     "kind": "guidance", "date": "2016-04"},
    {"doc_id": "n1", "title": "Plans for the future", "kind": "news article", "date": "2016-04"},
    {"doc_id": "n2", "title": "Another story about councils", "kind": "news article", "date": "2016-04"},
]  # fmt: skip


def test_short_labels_tell_documents_apart() -> None:
    got = labels.doc_labels(DOCS)
    assert got["g"] == "Guidance, Apr 2016"
    # two news articles of the same month: the short title is used instead of the kind
    assert (
        got["n1"] == "Plans for the future, Apr 2016"
        and got["n2"] == "Another story about councils, Apr 2016"
    )
    assert labels.short_title(DOCS[0]["title"]) == "How to get involved"


def _cit(**kw: object) -> Citation:
    base = dict(n=1, doc_id="g", title=DOCS[0]["title"], file="g.txt", date="2016-04",
                section="Questions and Answers > Who can apply for funding?", paragraph="65", page=None,
                text="Local authorities can apply.", start=0, end=28)  # fmt: skip
    base.update(kw)
    return Citation(**base)  # type: ignore[arg-type]


def test_chip_name_and_card_label() -> None:
    cit = _cit()
    assert labels.chip_name(cit) == "Source 1: How to get involved, paragraph 65"
    assert labels.card_label(cit, labels.doc_labels(DOCS)) == "Guidance, Apr 2016 · ¶65"
    no_para = _cit(paragraph=None)
    assert labels.chip_name(no_para) == "Source 1: How to get involved, Who can apply for funding?"
    assert labels.card_label(_cit(paragraph=None, page=4), {}) == "How to get involved, Apr 2016 · p. 4"


def test_answer_chip_carries_its_name_in_title() -> None:
    out = render_chat.answer_html("They can [1].", turn=2, citations=[_cit()])
    assert (
        '<a class="cite-ref" href="#cite-2-1" title="Source 1: How to get involved, paragraph 65">[1]</a>'
        in out
    )


def test_answer_text_never_shows_markdown() -> None:
    out = render_chat.answer_html("**Tri-Borough** ran it [1].", turn=0, citations=[_cit()])
    assert "**" not in out and "Tri-Borough ran it" in out


def test_copy_text_has_the_answer_more_and_numbered_sources() -> None:
    ans = {
        "answer": "Local authorities can apply [1].",
        "more": "More detail [2].",
        "citations": [_cit().__dict__],
        "more_citations": [_cit(n=2, text="**Charities** too.", paragraph="66").__dict__],
        "abstained": False,
    }
    text = answer_with_sources(ans)
    assert text.startswith("Local authorities can apply [1].\n\nMore from the documents:\nMore detail [2].")
    assert "[1] Children's Social Care Innovation Programme: How to get involved (April 2016)" in text
    assert "“Local authorities can apply.”" in text and "“Charities too.”" in text and "**" not in text


def test_sources_panel_offers_the_copy_text_escaped() -> None:
    panel = render_sources.sources_panel_html([_cit()], {}, turn=0, copy_text="a <b> [1]")
    assert 'class="copy-answer"' in panel and '<pre class="copy-text" hidden>a &lt;b&gt; [1]</pre>' in panel


def test_outline_lists_each_heading_once_in_reader_words() -> None:
    outline = [
        {"section": "Intro", "paragraph": None, "page": None, "start": 0, "end": 10},
        {"section": "Intro", "paragraph": None, "page": None, "start": 10, "end": 20},
        {"section": "### Next", "paragraph": None, "page": None, "start": 20, "end": 30},
        {"section": "", "paragraph": None, "page": None, "start": 30, "end": 60},
    ]
    text = "a" * 30 + "Closing words of the text here"
    got = render_documents.outline_choices(outline, text)
    assert got == [("Intro", "0-20"), ("Next", "20-30"), ("Closing words of the text here", "30-60")]
    assert not any("characters" in label for label, _ in got)
