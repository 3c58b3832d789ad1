"""Wall time per ingest stage (load, chunk, embed, write, publish), for the line ingest prints at the end.

Why: "ingest took 20 s" does not say what to make faster; the split does. One clock per thread
(ingest runs under a lock, one per process), reset at the start of each run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

STAGES = ("load", "chunk", "embed", "write", "publish")
_local = threading.local()


def reset() -> None:
    _local.times = dict.fromkeys(STAGES, 0.0)


def times() -> dict[str, float]:
    """Seconds spent in each stage since the last :func:`reset`."""
    return dict(getattr(_local, "times", None) or dict.fromkeys(STAGES, 0.0))


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the wall time of the ``with`` body to stage ``name``."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        if getattr(_local, "times", None) is None:
            reset()
        _local.times[name] = _local.times.get(name, 0.0) + time.perf_counter() - t0


def line(seconds: dict[str, float], texts: int = 0) -> str:
    """``stages: load 0.2 s, chunk 0.9 s, embed 5.1 s (2,143 texts), write 1.0 s, publish 0.0 s``."""
    parts = []
    for name, s in seconds.items():
        extra = f" ({texts:,} texts)" if name == "embed" and texts else ""
        parts.append(f"{name} {s:.1f} s{extra}")
    return "stages: " + ", ".join(parts)
