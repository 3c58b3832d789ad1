"""ui.render_*: escaping, markers, source cards, the viewer highlight, tables — no browser needed."""

from __future__ import annotations

from assistant.models import Citation
from ui import render_chat, render_documents, render_sources

DOC = (
    "Introduction\n\n1. First sentence here. Second sentence follows. Local authorities and charities "
    "can all apply for funding. Fourth sentence. Fifth one.\n\n2. <script>alert('x')</script> Next para."
)


def _cit(n: int = 1, needle: str = "Local authorities and charities can all apply for funding.") -> Citation:
    start = DOC.index(needle)
    return Citation(
        n=n,
        doc_id="d1",
        title="How to <get> involved",
        file="d1.txt",
        date="2016-04",
        section="Q&A",
        paragraph="1",
        page=3,
        text=needle,
        start=start,
        end=start + len(needle),
    )


def test_user_text_is_escaped_never_markup() -> None:
    html = render_chat.user_message_html("<img src=x onerror=alert(1)> & <b>hi</b>")
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;hi&lt;/b&gt;" in html


def test_answer_links_only_real_citations_and_escapes_text() -> None:
    html = render_chat.answer_html("Yes <script>x</script> [1]. Not a cite [7].", turn=2, citations=[_cit()])
    assert '<a class="cite-ref" href="#cite-2-1"' in html
    assert "[7]" in html and "#cite-2-7" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "\n" not in html  # one line: the chat's Markdown renderer passes it through untouched


def test_answer_notes_table_and_searched_for() -> None:
    html = render_chat.answer_html(
        "Intro:\n- A [1]\n- B",
        turn=0,
        citations=[_cit()],
        query="funding in London",
        question="what about London?",
        notes=["This date has passed."],
        table=[{"n": 1, "name": "<i>P</i>", "amount_total": 1000000.0, "region": "London"}],
    )
    assert "<ul><li>A <a" in html and "<li>B</li>" in html
    assert 'class="notes"' in html and "This date has passed." in html
    assert "Searched for: <q>funding in London</q>" in html
    assert '<th scope="col">Source</th>' in html and "&lt;i&gt;P&lt;/i&gt;" in html
    assert "Amount total" not in html  # machine-only column hidden
    same = render_chat.answer_html("x", turn=0, query="Who can apply?", question="who can  apply?")
    assert "Searched for" not in same


def test_partial_answer_has_cursor_and_no_extras() -> None:
    html = render_chat.answer_html("One.", turn=0, notes=["n"], query="q", partial=True)
    assert "cursor" in html and "notes" not in html and "Searched" not in html


def test_sentence_prefixes_keep_markers_with_their_sentence() -> None:
    text = "First claim [1]. Second claim [2] [3]. Third.\n\nFourth [4]"
    prefixes = render_chat.sentence_prefixes(text)
    assert prefixes[-1] == text
    assert "First claim [1]." in prefixes
    assert all(not p.endswith("[") for p in prefixes)
    assert any(p.endswith("[2] [3].") for p in prefixes)
    assert render_chat.sentence_prefixes("no boundary") == ["no boundary"]


def test_context_window_is_exact_and_bounded() -> None:
    c = _cit()
    before, quote, after = render_sources.context_window(DOC, c.start, c.end, sentences=1)
    assert quote == c.text
    assert before == "Second sentence follows. "
    assert after.startswith(" Fourth sentence.") and "Fifth" not in after
    # never crosses into the next paragraph
    _, _, after2 = render_sources.context_window(DOC, c.start, c.end, sentences=5)
    assert "Next para" not in after2


def test_source_card_escapes_and_highlights_quote() -> None:
    html = render_sources.source_card_html(_cit(), DOC, turn=0, labels={"d1": "Guidance, Apr 2016"})
    assert 'data-n="1"' in html and 'data-turn="0"' in html
    # one real button per card (keyboard path), named by what it shows plus the document
    assert '<button type="button" class="src-open"' in html and 'role="button"' not in html
    assert '<span class="src-label">Guidance, Apr 2016 · ¶1</span>' in html
    assert "How to &lt;get&gt; involved" in html and "April 2016" in html and "<get>" not in html
    assert '<div class="src-meta">Q&amp;A</div>' in html
    assert '<mark class="quote">Local authorities and charities can all apply for funding.</mark>' in html


def test_sources_panel_abstained_has_no_cards() -> None:
    html = render_sources.sources_panel_html([_cit()], {"d1": DOC}, turn=0, abstained=True)
    assert "src-card" not in html and "No sources" in html


def test_document_html_escapes_and_marks_span_across_anchors() -> None:
    outline = [
        {
            "section": "Intro",
            "paragraph": "1",
            "page": 1,
            "start": DOC.index("1."),
            "end": DOC.index("2.") - 2,
        },
        {"section": "Intro", "paragraph": "2", "page": 2, "start": DOC.index("2."), "end": len(DOC)},
    ]
    span = (DOC.index("Fifth"), DOC.index("Next"))  # crosses the paragraph-2 anchor
    html = render_documents.document_html({"title": "T <x>", "date": "2016-04"}, DOC, outline, highlight=span)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count('<mark class="hl quote"') == 2 and 'id="viewer-hl"' in html
    assert 'id="page-2"' in html and "April 2016" in html and "T &lt;x&gt;" in html
    marked = "".join(part.split(">", 1)[1].split("</mark>")[0] for part in html.split("<mark")[1:])
    import html as h

    assert h.unescape(marked) == DOC[span[0] : span[1]]


def test_outline_and_page_choices() -> None:
    outline = [
        {"section": "S", "paragraph": "2", "page": 1, "start": 10, "end": 20},
        {"section": "S", "paragraph": "1", "page": 1, "start": 0, "end": 9},
        {"section": "S", "paragraph": "1", "page": 1, "start": 0, "end": 9},
        {"section": "T", "paragraph": None, "page": 2, "start": 21, "end": 40},
    ]
    assert render_documents.outline_choices(outline) == [
        ("S, para 1, p. 1", "0-9"),
        ("S, para 2, p. 1", "10-20"),
        ("T, p. 2", "21-40"),
    ]
    assert render_documents.page_choices(outline) == [("Page 1", "0-20"), ("Page 2", "21-40")]


def test_documents_table_escapes() -> None:
    html = render_documents.documents_table_html(
        [
            {
                "title": "<b>T</b>",
                "kind": "guidance",
                "date": "2017-01",
                "publisher": "DfE",
                "licence": "OGL",
                "chunks": 4,
            }
        ]
    )
    assert "&lt;b&gt;T&lt;/b&gt;" in html and "January 2017" in html
    # the title opens the document; no developer column ("Chunks")
    assert 'class="doc-open"' in html and "Chunks" not in html


def test_intro_and_examples() -> None:
    assert "2016" in render_chat.intro_html() and "2020" in render_chat.intro_html()
    assert len(render_chat.EXAMPLE_GROUPS) == 3
    assert "Who can apply for funding?" in render_chat.EXAMPLE_GROUPS["Applying for funding"]
