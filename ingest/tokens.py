"""Count tokens the way the embedding model does, so no chunk is silently truncated."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.models import Chunk

MODEL_WINDOW = 256  # all-MiniLM-L6-v2 max_seq_length, including [CLS] and [SEP]


@lru_cache(maxsize=4)
def _tokenizer(model_path: str):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
    tok.no_padding()  # the shipped tokenizer.json pads/truncates to 128, which would hide overflow
    tok.no_truncation()
    return tok


def token_counter(model_path: str):  # type: ignore[no-untyped-def]
    """A callable text -> number of word-pieces (special tokens included)."""
    tok = _tokenizer(model_path)

    def count(text: str) -> int:
        return len(tok.encode(text).ids)

    return count


def oversize(chunks: list[Chunk], model_path: str) -> list[str]:
    """Chunk ids whose embedded text would be cut by the model window."""
    count = token_counter(model_path)
    return [c.chunk_id for c in chunks if count(c.embed_text()) > MODEL_WINDOW]
