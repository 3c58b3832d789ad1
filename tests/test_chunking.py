"""ingest.chunking on the real corpus and on small synthetic documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.config import load_settings
from ingest.loaders import load_file
from ingest.manifest import read_manifest
from ingest.models import Chunk, DocumentInfo, LoadedText
from ingest.tokens import MODEL_WINDOW, oversize, token_counter

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GUIDANCE = "how-to-get-involved-2016.txt"
REPORT = "interim-learning-report-2016.txt"
DIRECTORY = "programme-journey-and-project-directory.md"
FOOTNOTE_LINE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]", re.M)
CONTENTS_LINE = re.compile(r"^.+\t\s*\d{1,3}$", re.M)

Chunked = dict[str, tuple[LoadedText, list[Chunk]]]


@pytest.fixture(scope="module")
def model_path() -> str:
    path = load_settings().model_path
    if not path or not (Path(path) / "tokenizer.json").exists():
        pytest.fail(f"embedding model not installed (model_path={path!r})")
    return path


@pytest.fixture(scope="module")
def chunked(model_path: str) -> Chunked:
    count = token_counter(model_path)
    out: Chunked = {}
    for name, info in read_manifest(CORPUS).items():
        loaded = load_file(CORPUS / name)
        out[name] = (loaded, chunk_document(info, loaded, count, load_settings().max_chunk_tokens))
    return out


def _verbatim(chunk: Chunk, source: str) -> bool:
    return chunk.text == "\n\n".join(source[s:e] for s, e in chunk.segments)


# -- real corpus ------------------------------------------------------------------------------------


def test_every_manifest_file_is_chunked(chunked: Chunked) -> None:
    assert set(chunked) == {p.name for p in CORPUS.iterdir() if p.name != "manifest.toml"}
    for name, (_loaded, chunks) in chunked.items():
        assert chunks, name
        ids = [c.chunk_id for c in chunks]
        assert len(set(ids)) == len(ids), name
        assert all(c.file == name for c in chunks)


def test_who_can_apply_is_one_qa_chunk(chunked: Chunked) -> None:
    _loaded, chunks = chunked[GUIDANCE]
    hits = [c for c in chunks if "Who can apply for funding?" in c.text]
    assert len(hits) == 1
    qa = hits[0]
    assert qa.block == "qa"
    assert qa.text.startswith("Who can apply for funding?\n\n")
    assert (
        "Local authorities and organisations from across the private, public and voluntary sectors "
        "can all apply for funding." in qa.text
    )
    assert qa.section == "Questions and Answers > Who can apply for funding?"


def test_every_qa_chunk_has_question_and_answer(chunked: Chunked) -> None:
    _loaded, chunks = chunked[GUIDANCE]
    qas = [c for c in chunks if c.block == "qa"]
    assert len(qas) >= 5
    for c in qas:
        question, _, answer = c.text.partition("\n\n")
        assert question.endswith("?"), c.text[:80]
        assert len(answer.split()) >= 5, c.text[:80]
        assert c.section.endswith(question)


def test_numbered_paragraphs_carry_their_number(chunked: Chunked) -> None:
    _loaded, chunks = chunked[GUIDANCE]
    starting = [c for c in chunks if re.match(r"(?:- )?\d{1,3}\.\s", c.text)]
    assert len(starting) >= 30
    for c in starting:
        number = re.match(r"(?:- )?(\d{1,3})\.", c.text).group(1)  # type: ignore[union-attr]
        assert c.paragraph is not None, (c.chunk_id, c.text[:40])
        # either the paragraph itself, or an item of a short numbered list inside it (para 21's "1.-5.")
        assert c.paragraph == number or int(number) < int(c.paragraph), (c.chunk_id, c.text[:40])
    paragraphs = {int(c.paragraph) for c in chunks if c.paragraph}
    assert set(range(2, 68)) <= paragraphs  # para 1 has lost its number in the source file
    whole = 0
    for n in range(2, 68):
        pieces = [c for c in chunks if c.paragraph == str(n)]
        if len(pieces) == 1:  # a paragraph split into sentences loses its "n. " marker, not its number
            whole += 1
            assert re.search(rf"^(?:- )?{n}\.\s", pieces[0].text, re.M), (n, pieces[0].text[:80])
    assert whole >= 40


def test_paragraph_27_keeps_its_page_break_continuation(chunked: Chunked) -> None:
    _loaded, chunks = chunked[GUIDANCE]
    [c] = [c for c in chunks if "27. As with last time" in c.text]
    assert c.paragraph == "27"
    assert c.section.endswith("Who can get involved?")
    assert "sectors with an ambition to inspire and lead change" in c.text


def test_no_contents_lines(chunked: Chunked) -> None:
    guidance_source = chunked[GUIDANCE][0].text
    assert "Questions and Answers\t27" in guidance_source  # the file does have a contents page
    for name, (_loaded, chunks) in chunked.items():
        for c in chunks:
            assert "Questions and Answers\t27" not in c.text
            assert not CONTENTS_LINE.search(c.text), (name, c.chunk_id, c.text[:80])


def test_no_footnote_lines(chunked: Chunked) -> None:
    source = chunked[GUIDANCE][0].text
    footnotes = FOOTNOTE_LINE.findall(source)
    assert len(footnotes) >= 5
    for name, (_loaded, chunks) in chunked.items():
        for c in chunks:
            assert not FOOTNOTE_LINE.search(c.text), (name, c.chunk_id, c.text[:80])
            assert "gov.uk/government/collections/munro-review" not in c.text


def test_paragraph_interrupted_by_footnote_is_two_segments(chunked: Chunked) -> None:
    loaded, chunks = chunked[GUIDANCE]
    [c] = [c for c in chunks if c.text.startswith("31. The first phase of the Innovation Programme")]
    assert c.paragraph == "31"
    assert len(c.segments) == 2
    gap = loaded.text[c.segments[0][1] : c.segments[1][0]]
    assert "³ https://www.gov.uk/government/collections/munro-review" in gap
    assert "service user and those close to them" in c.text


def test_each_directory_entry_is_its_own_chunk(chunked: Chunked) -> None:
    loaded, chunks = chunked[DIRECTORY]
    headings = re.findall(r"^### \d+\..*$", loaded.text, re.M)
    assert len(headings) == 69
    per_chunk = [len(re.findall(r"^### \d+\.", c.text, re.M)) for c in chunks]
    assert max(per_chunk) == 1
    entries = [c for c in chunks if c.block == "entry"]
    assert len(entries) == 69
    for heading, c in zip(headings, entries, strict=True):
        assert c.text.startswith(heading)
        assert c.section.endswith(heading.removeprefix("### ").strip())


def test_segments_are_verbatim(chunked: Chunked) -> None:
    for name, (loaded, chunks) in chunked.items():
        for c in chunks:
            assert _verbatim(c, loaded.text), (name, c.chunk_id)
            assert (c.start, c.end) == (c.segments[0][0], c.segments[-1][1])
            assert all(s < e for s, e in c.segments)
            assert all(a[1] <= b[0] for a, b in zip(c.segments, c.segments[1:], strict=False))
        # reading order, no overlap between chunks
        assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:], strict=False)), name


def test_every_chunk_fits_the_model_window(chunked: Chunked, model_path: str) -> None:
    count = token_counter(model_path)
    for name, (_loaded, chunks) in chunked.items():
        assert oversize(chunks, model_path) == [], name
        assert max(count(c.embed_text()) for c in chunks) <= MODEL_WINDOW


def test_learning_report_case_studies_have_section_trails(chunked: Chunked) -> None:
    _loaded, chunks = chunked[REPORT]
    assert all(c.section for c in chunks)
    case = [c for c in chunks if "Case study" in c.section]
    assert len(case) >= 10
    assert any("No Wrong Door" in c.section for c in case)
    for c in case:
        assert " > " in c.section  # the case study sits under its theme heading


# -- synthetic documents -----------------------------------------------------------------------------


INFO = DocumentInfo("syn", "syn.txt", "Synthetic Guidance", "DfE", "2016-04", "guidance", "OGL")


def _numbered(n: int, start: int = 1) -> str:
    return "\n\n".join(
        f"{i}. Paragraph number {i} explains one point about the programme in a full sentence."
        for i in range(start, start + n)
    )


def _synthetic() -> str:
    body = _numbered(12).replace(
        "5. Paragraph number 5 explains",
        "5. Paragraph number 5 explains, with a footnote¹, something that continues\n\n"
        "¹ https://www.example.org/footnote\n\non the next page after the footnote",
    )
    return (
        "Synthetic Guidance\n\nHow to take part\n\nApril 2016\n\n"
        "Contents\n\nIntroduction\t3\nQuestions and Answers\t9\n\n"
        f"Introduction\n\n{body}\n\n"
        "Questions and Answers\n\n"
        "Who can apply for funding?\n\n"
        "Local councils and charities can all apply for funding. We want a mix.\n\n"
        "When is the deadline?\n\nThe deadline is Friday 6 May.\nIt is at 3pm.\n\n"
        "Is there a second deadline?\n\n13. Yes, there is a second deadline in July.\n"
    )


@pytest.fixture(scope="module")
def synthetic(model_path: str) -> tuple[str, list[Chunk]]:
    text = _synthetic()
    return text, chunk_document(INFO, LoadedText(text), token_counter(model_path), 230)


def test_synthetic_heading_run_only_first_is_heading(synthetic: tuple[str, list[Chunk]]) -> None:
    _text, chunks = synthetic
    first = chunks[0]
    assert first.section == "Synthetic Guidance"
    assert first.text == "How to take part\n\nApril 2016"
    assert not any(c.section.startswith("How to take part") or "April 2016" in c.section for c in chunks)


def test_synthetic_contents_and_footnotes_removed(synthetic: tuple[str, list[Chunk]]) -> None:
    text, chunks = synthetic
    joined = "\n".join(c.text for c in chunks)
    assert "Contents" not in joined and "\t" not in joined
    assert "example.org/footnote" not in joined
    [five] = [c for c in chunks if c.paragraph == "5"]
    assert len(five.segments) == 2
    assert five.text.endswith(
        "on the next page after the footnote one point about the programme in a full sentence."
    )
    assert all(_verbatim(c, text) for c in chunks)


def test_synthetic_numbered_paragraphs_under_heading(synthetic: tuple[str, list[Chunk]]) -> None:
    _text, chunks = synthetic
    numbered = [c for c in chunks if c.section == "Introduction"]
    assert [c.paragraph for c in numbered] == [str(i) for i in range(1, 13)]
    assert all(c.text.startswith(f"{c.paragraph}. ") for c in numbered)


def test_synthetic_qa_pairs(synthetic: tuple[str, list[Chunk]]) -> None:
    _text, chunks = synthetic
    qa = {
        c.section.rsplit(" > ", 1)[-1]: c for c in chunks if c.section.startswith("Questions and Answers > ")
    }
    assert set(qa) == {"Who can apply for funding?", "When is the deadline?", "Is there a second deadline?"}
    who = qa["Who can apply for funding?"]
    assert who.block == "qa" and who.paragraph is None
    assert who.text == (
        "Who can apply for funding?\n\nLocal councils and charities can all apply for funding. We want a mix."
    )
    assert qa["When is the deadline?"].text.endswith("The deadline is Friday 6 May.\nIt is at 3pm.")
    # a question heading followed by a numbered paragraph: one chunk, numbered
    second = qa["Is there a second deadline?"]
    assert second.paragraph == "13"
    assert second.text == "Is there a second deadline?\n\n13. Yes, there is a second deadline in July."


def test_few_numbers_are_not_paragraph_numbers(model_path: str) -> None:
    text = "A Short Note\n\n" + _numbered(3) + "\n"
    chunks = chunk_document(INFO, LoadedText(text), token_counter(model_path), 230)
    assert chunks and all(c.paragraph is None for c in chunks)


def test_long_paragraph_is_split_verbatim_within_budget(model_path: str) -> None:
    count = token_counter(model_path)
    long_para = "7. " + " ".join(
        f"Sentence {i} describes how the local authority worked with families over several months."
        for i in range(60)
    )
    text = "Long Document\n\n" + _numbered(6) + "\n\n" + long_para + "\n\n" + _numbered(5, start=8) + "\n"
    chunks = chunk_document(INFO, LoadedText(text), count, 60)
    sevens = [c for c in chunks if c.paragraph == "7"]
    assert len(sevens) > 3
    # sentence pieces drop the "7. " marker, which the paragraph field keeps
    # pieces are sentence segments joined by blank lines
    assert " ".join(" ".join(c.text.split()) for c in sevens) == long_para.removeprefix("7. ")
    for c in chunks:
        assert _verbatim(c, text)
        assert count(c.text) <= 60


def test_markdown_entries_and_labels(model_path: str) -> None:
    info = DocumentInfo("md", "dir.md", "Directory", "DfE", "2020-03", "directory", "OGL")
    text = (
        "# PROJECTS\n\n## NORTH\n\n"
        "### 1. Alpha Project (AD)\n\n*Alpha Council*  \n Feb 2015 (£1m)\n\nAlpha helps families.\n\n"
        "### 2. Beta Project\n\n*Beta Trust*\n\nBeta supports care leavers.\n\n"
        "## SOUTH\n\n### 3. Gamma Project\n\nGamma works in schools.\n"
    )
    chunks = chunk_document(info, LoadedText(text), token_counter(model_path), 230)
    entries = [c for c in chunks if c.block == "entry"]
    assert [c.text.split("\n", 1)[0] for c in entries] == [
        "### 1. Alpha Project (AD)",
        "### 2. Beta Project",
        "### 3. Gamma Project",
    ]
    assert entries[0].text.endswith("Alpha helps families.")
    assert "Beta" not in entries[0].text
    assert entries[1].section == "PROJECTS > NORTH > 2. Beta Project"
    assert entries[2].section == "PROJECTS > SOUTH > 3. Gamma Project"
    assert all(_verbatim(c, text) for c in chunks)


def test_link_lines_are_navigation_and_the_title_above_them_heads_its_section() -> None:
    from ingest.chunking import classify

    page = (
        "Funding areas\n\n"
        "Supporting kinship carers who take on grandchildren at short notice, including help with housing "
        "and a named adviser for each family in the first year\n\n"
        "Please click here for the policy brief\n\n"
        "Please click here for the FAQ for this area\n\n"
        "Please hold the 3rd March 2017 in Leeds for a workshop should your bid succeed.\n"
    )
    kinds = {b.text.split("\n")[0][:30]: b.kind for b in classify(page, is_markdown=False)}
    assert kinds["Please click here for the poli"] == "furniture"
    assert kinds["Please click here for the FAQ "] == "furniture"
    assert kinds["Supporting kinship carers who "] == "heading"  # long, but the links under it are its
    assert kinds["Please hold the 3rd March 2017"] != "heading"


def test_the_next_of_a_numbered_run_of_headings_is_a_heading_however_long(model_path: str) -> None:
    # themes "1 ...", "2 ...", "3 ..." as headings; the fourth has a long title that alone would
    # read as a paragraph, but it continues the run, so its text is labelled with it, not with "3"
    long_title = (
        "4 By working with families over a longer period and across several services at once, "
        "practitioners in the pilots are better able to keep children at home and support teenagers"
    )
    assert len(long_title) > 130
    text = (
        "Learning Themes\n\nThis section draws the themes together.\n\n"
        "1 Shared caseloads help staff\n\nTeams that share caseloads say they feel supported.\n\n"
        "2 Leaders set the tone\n\nLeaders who visit teams often see faster change.\n\n"
        "3 Children shape their care\n\nYoung people on panels changed how plans are written.\n\n"
        f"{long_title}\n\nNew kinds of short breaks feature strongly across the pilots.\n"
    )
    chunks = chunk_document(INFO, LoadedText(text), token_counter(model_path), 230)
    breaks = next(c for c in chunks if "short breaks" in c.text)
    assert breaks.section.endswith(long_title), breaks.section
    shared = next(c for c in chunks if "share caseloads" in c.text)
    assert shared.section.endswith("1 Shared caseloads help staff")


def test_a_long_numbered_line_out_of_sequence_stays_body_text(model_path: str) -> None:
    text = (
        "Notes\n\n1 First theme\n\nBody one.\n\n"
        "7 Seven of the councils that took part said the pilot had changed how they recruit and how they "
        "supervise newly qualified social workers in their first year in practice\n\nMore text.\n"
    )
    chunks = chunk_document(INFO, LoadedText(text), token_counter(model_path), 230)
    more = next(c for c in chunks if "More text" in c.text)
    assert "Seven of the councils" not in more.section
