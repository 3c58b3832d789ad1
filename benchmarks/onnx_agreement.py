"""ONNX vs torch, int8 vs float32: the cosine between the vectors of every corpus text, and the times.

    .venv/bin/python benchmarks/onnx_agreement.py [--data-dir DIR] [--no-torch]
        [--budgets 256,512,1024] [--variant NAME:KEY=VALUE,...]...

Why: the index and the queries are embedded by ONNX Runtime (ingest/onnx_model.py) instead of
sentence-transformers on torch; that is only safe if both give the same vector for every text.
This embeds every chunk and every sentence of the current index both ways and prints the minimum
cosine (the bar is 0.999 per text) and the two embedding times.

The int8 model (CSC_EMBED_PRECISION=int8, the float32 export dynamically quantised) cannot meet
that bar; what matters for it is that retrieval and answers stay the same (``csc-assistant eval``
against an index built with it). Here it gets the same figures against the float32 ONNX vectors:
min and mean cosine per text, and wall and CPU time of embedding all texts. ``--variant`` builds
further int8 files with other ``quantize`` options into a temporary folder and measures them too,
e.g. ``--variant u8:weight_type=QUInt8 --variant tensor:per_channel=0``; ``--budgets`` times
each model at several BATCH_TOKENS. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from ingest import onnx_model, store  # noqa: E402
from ingest.config import load_settings  # noqa: E402
from ingest.embeddings import embed_texts, encoder, torch_embedder, use_index  # noqa: E402


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def _option(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    if key == "weight_type":
        from onnxruntime.quantization import QuantType

        return key, QuantType[value]
    if key in ("op_types_to_quantize", "nodes_to_exclude"):
        return key, [v for v in value.split("+") if v]
    if key == "extra_options":
        k, _, v = value.partition(":")
        return key, {k: v.lower() in ("1", "true")}
    return key, value.lower() in ("1", "true")


def _timed(enc, items: list[str], budget: int) -> tuple[np.ndarray, float, float]:  # type: ignore[no-untyped-def]
    w, c = time.perf_counter(), time.process_time()
    vecs = enc.encode(list(dict.fromkeys(items)), token_budget=budget)
    return vecs, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="data dir of the index to read (default: CSC_DATA_DIR or data/)")
    parser.add_argument("--no-torch", action="store_true", help="skip the torch reference (slow)")
    parser.add_argument("--budgets", default=str(onnx_model.BATCH_TOKENS), help="BATCH_TOKENS values to time")
    parser.add_argument("--variant", action="append", default=[], help="NAME:KEY=VALUE,... quantize options")
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
    unique = list(dict.fromkeys(items))
    where = {t: i for i, t in enumerate(unique)}
    back = [where[t] for t in items]
    n_chunks = len(chunks)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  nproc={os.cpu_count()}  index={build.name}")
    sentences = len(items) - n_chunks
    print(f"texts: {len(items)} ({n_chunks} chunks, {sentences} sentences; {len(unique)} distinct)")

    use_index(settings.model_path, settings.index_root)
    t0 = time.perf_counter()
    encoder(settings.model_path, "float32")
    t_load_onnx = time.perf_counter() - t0
    t0 = time.perf_counter()
    onnx = embed_texts(settings.model_path, items, precision="float32")
    t_onnx = time.perf_counter() - t0
    if not args.no_torch:
        t0 = time.perf_counter()
        model = torch_embedder(settings.model_path)
        t_load_torch = time.perf_counter() - t0
        t0 = time.perf_counter()
        ref = np.asarray(model.embed_documents(items), dtype=np.float32)
        t_torch = time.perf_counter() - t0
        cos = _cos(onnx, ref)
        print(
            f"min cosine ONNX vs torch: {cos.min():.6f}  (chunks {cos[:n_chunks].min():.6f}, "
            f"sentences {cos[n_chunks:].min():.6f}; mean {cos.mean():.6f}; bar 0.999)"
        )
        print(f"texts below 0.999: {int((cos < 0.999).sum())}")
        print(f"load: ONNX {t_load_onnx:.2f} s, torch {t_load_torch:.2f} s (imports included)")
        print(f"embed all: ONNX {t_onnx:.2f} s, torch {t_torch:.2f} s  (ONNX/torch = {t_onnx / t_torch:.2f})")

    models = {p: encoder(settings.model_path, p) for p in ("float32", "int8")}
    scratch = Path(tempfile.mkdtemp(prefix="onnx-variants-"))
    for spec in args.variant:
        name, _, opts = spec.partition(":")
        options = dict(_option(o) for o in opts.split(",") if o)
        path = scratch / f"{name}.onnx"
        onnx_model.quantize(models["float32"].path, path, **options)
        models[name] = onnx_model.OnnxEncoder(settings.model_path, path)
        print(f"variant {name}: {options}")
    budgets = [int(b) for b in args.budgets.split(",")]
    print("model      budget   wall s   CPU s   min cos vs float32  mean cos   chunks min  sentences min")
    for name, enc in models.items():
        enc.encode(unique[:8])  # warm-up: first run allocates
        for budget in budgets:
            vecs, wall, cpu = _timed(enc, unique, budget)
            cos = _cos(vecs[back], onnx)
            print(
                f"{name:10} {budget:6d} {wall:8.2f} {cpu:7.2f}   {cos.min():.6f}          {cos.mean():.6f}"
                f"   {cos[:n_chunks].min():.6f}    {cos[n_chunks:].min():.6f}"
            )
        print(f"{name:10} file {enc.path.name} {enc.path.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
