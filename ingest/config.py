"""All settings in one place: one pydantic-settings ``Settings``, read from ``CSC_*`` variables.

Every knob is a field of a group (``paths``, ``index``, ``retrieval``, ``reading``, ``ranking``,
``answer``, ``abstention``, ``spelling``, ``llm``, ``server``, ``admin``; defined in
``ingest/settings_groups.py``) with a description saying why it exists and why its value; README.md
("Configuration") lists them. The answering code reads every threshold and weight from the group
it is handed, never from a constant of its own. Each field can be set two ways:

* its short, documented variable, e.g. ``CSC_TOP_K``, ``CSC_LLM_BASE_URL``, ``CSC_HOST``
  (the ``env`` of the field, see :func:`variables`);
* the nested form ``CSC_<GROUP>__<FIELD>``, e.g. ``CSC_RETRIEVAL__TOP_K`` (wins over the short one).

Empty variables count as unset. Keyword overrides (``load_settings(top_k=3)``) win over both. The
fields the groups in :data:`FLAT_GROUPS` had before the groups existed are also readable and
overridable by their plain name (``settings.top_k``, ``load_settings(data_dir=...)``): each has a
property on ``Settings``; later fields are reached through their group (``settings.ranking.max_quotes``,
``load_settings(ranking={"max_quotes": 3})``). A bad value raises :class:`ConfigError` naming the field
and its variables.

Nothing here touches the network: the embedding model is loaded from an installed PyPI package.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

# the groups, and what they need, are defined in ingest/settings_groups.py; imported from here
from ingest.settings_groups import (  # noqa: F401 - re-exported: ``from ingest.config import ...``
    DEFAULT_EMBED_PRECISION,
    EMBED_PRECISIONS,
    PROJECT_ROOT,
    AbstentionSettings,
    AdminSettings,
    AnswerSettings,
    IndexSettings,
    LLMSettings,
    PathSettings,
    RankingSettings,
    ReadingSettings,
    RetrievalSettings,
    ServerSettings,
    SpellingSettings,
    _Group,
    _knob,
)

ENV_PREFIX = "CSC_"
NESTED_DELIMITER = "__"


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the field and its variables."""


# ---------------------------------------------------------------------------------- environment

# groups whose fields from before the groups existed are also settings' own attributes and
# load_settings() keywords (those that have a property on Settings, see _flat_names); fields added
# since, and every field of the other groups, are reached through their group only
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
    reading: ReadingSettings = Field(default_factory=ReadingSettings, description=ReadingSettings.__doc__)
    ranking: RankingSettings = Field(default_factory=RankingSettings, description=RankingSettings.__doc__)
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description=AnswerSettings.__doc__)
    abstention: AbstentionSettings = Field(
        default_factory=AbstentionSettings, description=AbstentionSettings.__doc__
    )
    spelling: SpellingSettings = Field(default_factory=SpellingSettings, description=SpellingSettings.__doc__)
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
    def embed_worker_count(self) -> int:
        """``CSC_EMBED_WORKERS``, with 0 resolved to the CPUs this process may run on."""
        n = self.index.embed_workers
        if n:
            return n
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not on Linux
            return max(1, os.cpu_count() or 1)

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
    """Plain field name -> its group, for the fields of the groups in FLAT_GROUPS that Settings has a
    property for (the names used before the groups existed)."""
    names: dict[str, str] = {}
    for var in variables():
        if var.group in FLAT_GROUPS and isinstance(getattr(Settings, var.name, None), property):
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
