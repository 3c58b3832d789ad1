"""The embedding model as one ONNX file, exported locally from the packaged weights, run by ONNX Runtime.

Why: importing torch and sentence-transformers costs seconds and hundreds of MiB, more than the
whole of answering a question. The ONNX graph computes exactly what sentence-transformers does for
all-MiniLM-L6-v2 (BERT, mean pooling over the attention mask, L2 normalisation), so the vectors
agree (cosine >= 0.999 per text; ``benchmarks/onnx_agreement.py`` prints the minimum on the corpus)
and the index built either way retrieves the same.

The file is exported once, with torch, from the weights of the installed model package (never a
hub), into ``<index root>/models/`` beside the index, and reused while the weights are unchanged
(its name carries a fingerprint of them). A copy is also kept in a per-user cache so that another
data dir on this machine (tests, staging) links it instead of exporting again.

``CSC_EMBED_PRECISION=int8`` uses a second file beside it, ``minilm-<fingerprint>-int8q<N>.onnx``:
the float32 export with its MatMul weights dynamically quantised to int8 (``quantize``), made once
at the first ingest that asks for it and cached the same way. It needs about half the CPU time to
embed the corpus; its vectors are within cosine 0.97 of the float32 ones (mean 0.993), which moved
a few answers on the evaluation sets, so float32 stays the default (README "Measured").
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import numpy as np

EXPORT_VERSION = "1"  # bump when the exported graph changes: new file names, old files unused
BATCH_TOKENS = 512  # padded tokens per batch: measured fastest (CPU time) of 256..32768 on 2 cores
MAX_TOKENS = 256  # all-MiniLM-L6-v2 max_seq_length (sentence_bert_config.json), as sentence-transformers
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# how the int8 file is made from the float32 one (``quantize``); bump when that changes
QUANT_VERSION = "1"
_export_lock = threading.RLock()  # reentrant: building the int8 file first ensures the float32 one


def fingerprint(model_path: str) -> str:
    """Short hash of the weights (size, mtime) and every small config file, plus the export version."""
    folder = Path(model_path)
    h = hashlib.sha256(EXPORT_VERSION.encode())
    for name in ("model.safetensors", "pytorch_model.bin"):
        weights = folder / name
        if weights.exists():
            st = weights.stat()
            h.update(f"{name}|{st.st_size}|{st.st_mtime_ns}|".encode())
    for name in ("config.json", "tokenizer.json", "sentence_bert_config.json", "1_Pooling/config.json"):
        if (folder / name).exists():
            h.update((folder / name).read_bytes())
    return h.hexdigest()[:16]


def onnx_file(model_path: str, folder: Path, precision: str = "float32") -> Path:
    """Where the ONNX export of ``model_path`` at ``precision`` lives in ``folder``.

    The int8 file's name carries the quantisation recipe's version too, so a changed recipe makes a
    new file (and, through the build's meta.json, a re-embedded index) instead of reusing the old one.
    """
    if precision == "float32":
        return folder / f"minilm-{fingerprint(model_path)}.onnx"
    if precision == "int8":
        return folder / f"minilm-{fingerprint(model_path)}-int8q{QUANT_VERSION}.onnx"
    raise ValueError(f"unknown embedding precision {precision!r} (int8 or float32)")


def _user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "csc-assistant" / "onnx"


def _place(source: Path, target: Path) -> None:
    """Hard-link (else copy) ``source`` to ``target`` atomically."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def ensure_onnx(model_path: str, folder: Path, precision: str = "float32") -> Path:
    """The ONNX file for ``model_path`` at ``precision`` in ``folder``: linked from the user cache,
    else exported (and, for int8, quantised from the float32 export) once.

    A folder that cannot be written (a read-only copy of a data dir) leaves the file in the user
    cache only, and that file is used.
    """
    try:
        return _ensure_in(model_path, folder, precision)
    except PermissionError:
        if folder == _user_cache():
            raise
        return _ensure_in(model_path, _user_cache(), precision)


def _ensure_in(model_path: str, folder: Path, precision: str = "float32") -> Path:
    target = onnx_file(model_path, folder, precision)
    if target.exists():
        return target
    with _export_lock:
        if target.exists():
            return target
        folder.mkdir(parents=True, exist_ok=True)
        cached = _user_cache() / target.name

        def build() -> None:
            if precision == "float32":
                export(model_path, target)
            else:  # the float32 file beside it is the source (and stays: float32 is one setting away)
                quantize(_ensure_in(model_path, folder, "float32"), target)

        if cached == target:
            build()
        elif not cached.exists():
            build()
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                _place(target, cached)
            except OSError:
                pass  # the cache is only a shortcut for other data dirs
        else:
            _place(cached, target)
    return target


def export(model_path: str, target: Path) -> None:
    """Export BERT + mean pooling + normalisation to ``target`` with torch's TorchScript exporter.

    Uses only what is installed: the legacy exporter (``dynamo=False``) writes the ONNX protobuf
    itself; it imports the ``onnx`` package only to splice in custom onnx-script functions, which
    this graph has none of, so without that package that step is skipped (``_no_onnxscript``).
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(model_path, local_files_only=True, attn_implementation="eager").eval()

    class _Sentence(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    ids = torch.ones((2, 8), dtype=torch.long)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    with torch.no_grad(), _no_onnxscript():
        torch.onnx.export(
            _Sentence(bert),
            (ids, ids, torch.zeros_like(ids)),
            str(tmp),
            input_names=list(INPUTS),
            output_names=["embedding"],
            dynamic_axes={**axes, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, target)


def quantize(source: Path, target: Path, **options: object) -> None:
    """Write ``target``: ``source`` (the float32 export) with dynamically quantised int8 weights.

    Dynamic quantisation stores the weights of every MatMul as 8-bit integers (per output channel)
    and quantises activations on the fly, so ONNX Runtime runs the matrix products (86% of the time)
    as integer products (VNNI on CPUs that have it). Tokenizer, pooling and normalisation are
    unchanged. ``options`` override the recipe (benchmarks/onnx_agreement.py tries variants).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    recipe: dict = {"per_channel": True, "weight_type": QuantType.QInt8, "op_types_to_quantize": ["MatMul"]}
    recipe.update(options)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    quantize_dynamic(str(source), str(tmp), **recipe)
    os.replace(tmp, target)


class _no_onnxscript:  # noqa: N801 - used as a context manager
    """Skip the exporter's onnx-script splice when the ``onnx`` package is absent (see ``export``)."""

    def __enter__(self) -> None:
        self._saved = None
        try:
            import onnx  # noqa: F401
        except ImportError:
            from torch.onnx._internal.torchscript_exporter import onnx_proto_utils as utils

            self._saved = utils._add_onnxscript_fn
            utils._add_onnxscript_fn = lambda model_bytes, custom_opsets: model_bytes

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            from torch.onnx._internal.torchscript_exporter import onnx_proto_utils as utils

            utils._add_onnxscript_fn = self._saved


class OnnxEncoder:
    """Tokenizer + ONNX Runtime session: texts in, normalised 384-d float32 vectors out.

    Thread-safe (ONNX Runtime sessions may be run concurrently, and release the GIL while they run).
    """

    def __init__(self, model_path: str, onnx_path: Path) -> None:
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        tok.enable_truncation(MAX_TOKENS)
        # the shipped tokenizer.json pads to 128; lengths are counted unpadded, and each batch is
        # padded here to its longest text (pad id 0, as BERT's [PAD]): one tokenizer, loaded once
        tok.no_padding()
        self._plain = tok
        self.path = onnx_path
        self._sessions: list = [self._session_for(onnx_path)]  # type: ignore[type-arg]
        self._sessions_lock = threading.Lock()

    @staticmethod
    def _session_for(onnx_path: Path):  # type: ignore[no-untyped-def]
        """One single-threaded ONNX Runtime session.

        Why one thread: a batch of ~500 tokens split across two threads spends part of its time
        synchronising them; two single-threaded sessions working on different batches embedded the
        corpus in 7.0-7.3 s against 7.7-8.7 s for one two-threaded session (same vectors, cosine
        >= 0.999999), and a question embedded on one core leaves the other to another user's question.
        """
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        # no busy-waiting between operators: under load (other processes, the app's other questions)
        # spinning threads burn the CPU the work needs; measured faster here with it off
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])

    def _session(self, k: int):  # type: ignore[no-untyped-def]
        """Session ``k``, made when first needed (each holds its own copy of the weights, ~90 MB)."""
        made = self._sessions[k] if k < len(self._sessions) else None
        if made is not None:  # no lock: session 0 is never kept waiting while another one is made
            return made
        with self._sessions_lock:
            while len(self._sessions) <= k:
                self._sessions.append(None)
            if self._sessions[k] is None:
                self._sessions[k] = self._session_for(self.path)
            return self._sessions[k]

    def _run(self, session, enc: list) -> np.ndarray:  # type: ignore[no-untyped-def, type-arg]
        width = max(len(e.ids) for e in enc)
        ids = np.zeros((len(enc), width), dtype=np.int64)
        mask = np.zeros((len(enc), width), dtype=np.int64)
        for i, e in enumerate(enc):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return session.run(None, feed)[0]

    def encode(  # type: ignore[no-untyped-def]
        self, texts: list[str], token_budget: int = BATCH_TOKENS, progress=None, workers: int = 1
    ) -> np.ndarray:
        """Vectors of ``texts`` in order; batches of similar length, at most ``token_budget`` tokens,
        run by ``workers`` single-threaded sessions at once (one per core is fastest).

        Sorting by length keeps padding (wasted work) small; the budget keeps memory flat. Each text
        is tokenized once. ONNX Runtime releases the GIL while a batch runs, so the worker threads
        compute in parallel.
        """
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        enc = self._plain.encode_batch(texts)
        lengths = [len(e.ids) for e in enc]
        order = np.argsort(lengths, kind="stable")
        batches: list[np.ndarray] = []
        i = 0
        while i < len(order):
            longest = lengths[order[i]]
            j = i + 1
            while j < len(order) and (j - i + 1) * max(longest, lengths[order[j]]) <= token_budget:
                longest = max(longest, lengths[order[j]])
                j += 1
            batches.append(order[i:j])
            i = j
        # longest batches first, each worker taking the next one free: the workers finish together
        queue = iter(reversed(batches))
        queue_lock = threading.Lock()

        def work(k: int) -> None:
            session = self._session(k)  # a new session is made here, while the others already run
            while True:
                with queue_lock:
                    rows = next(queue, None)
                if rows is None:
                    return
                vecs = self._run(session, [enc[r] for r in rows])
                out[rows] = vecs
                if progress is not None:
                    with queue_lock:
                        progress(len(rows))

        n = max(1, min(workers, len(batches)))
        if n == 1:
            work(0)
            return out
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=n, thread_name_prefix="embed") as pool:
            for f in [pool.submit(work, k) for k in range(n)]:
                f.result()
        return out
