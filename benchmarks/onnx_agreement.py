"""ONNX vs torch: the cosine between the two vectors of every corpus text, and the time each takes.

    .venv/bin/python benchmarks/onnx_agreement.py [--data-dir DIR]

Why: the index and the queries are embedded by ONNX Runtime (ingest/onnx_model.py) instead of
sentence-transformers on torch; that is only safe if both give the same vector for every text.
This embeds every chunk and every sentence of the current index both ways and prints the minimum
cosine (the bar is 0.999 per text) and the two embedding times. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from ingest import store  # noqa: E402
from ingest.config import load_settings  # noqa: E402
from ingest.embeddings import embed_texts, encoder, torch_embedder, use_index  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="data dir of the index to read (default: CSC_DATA_DIR or data/)")
    args = parser.parse_args()
    settings = load_settings(**({"data_dir": Path(args.data_dir)} if args.data_dir else {}))
    build = store.current_build(settings.index_root)
    if build is None:
        sys.exit(f"no index in {settings.index_root}; run `python -m ui.cli ingest` first")
    chunks = store.read_chunks(build)
    spans = np.load(build / "sent_spans.npy").reshape(-1, 3)
    doc_ids = {c.doc_id for c in chunks}
    texts = {d: (build / "texts" / f"{d}.txt").read_text(encoding="utf-8") for d in doc_ids}
    items = [c.embed_text() for c in chunks]
    items += [texts[chunks[int(r)].doc_id][int(a) : int(b)] for r, a, b in spans]
    use_index(settings.model_path, settings.index_root)
    t0 = time.perf_counter()
    encoder(settings.model_path)
    t_load_onnx = time.perf_counter() - t0
    t0 = time.perf_counter()
    onnx = embed_texts(settings.model_path, items)
    t_onnx = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = torch_embedder(settings.model_path)
    t_load_torch = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = np.asarray(model.embed_documents(items), dtype=np.float32)
    t_torch = time.perf_counter() - t0
    cos = (onnx * ref).sum(axis=1) / (np.linalg.norm(onnx, axis=1) * np.linalg.norm(ref, axis=1))
    n_chunks = len(chunks)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  nproc={os.cpu_count()}  index={build.name}")
    print(f"texts: {len(items)} ({n_chunks} chunks, {len(items) - n_chunks} sentences)")
    print(
        f"min cosine ONNX vs torch: {cos.min():.6f}  (chunks {cos[:n_chunks].min():.6f}, "
        f"sentences {cos[n_chunks:].min():.6f}; mean {cos.mean():.6f}; bar 0.999)"
    )
    print(f"texts below 0.999: {int((cos < 0.999).sum())}")
    print(f"load: ONNX {t_load_onnx:.2f} s, torch {t_load_torch:.2f} s (imports included)")
    print(f"embed all: ONNX {t_onnx:.2f} s, torch {t_torch:.2f} s  (ONNX/torch = {t_onnx / t_torch:.2f})")


if __name__ == "__main__":
    main()
