"""Shared fixtures: one real index per test session, built into a temporary data dir.

Building takes ~35 s, so every test that needs the real index shares the one built here
instead of each module building its own (and the project's ``data/`` is never touched).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Settings whose data dir holds a freshly built index of the project corpus."""
    from ingest.config import load_settings
    from ingest.pipeline import run_ingest

    settings = load_settings(data_dir=tmp_path_factory.mktemp("csc-data"))
    report = run_ingest(settings)
    assert report.chunks > 0, report
    return settings


@pytest.fixture(scope="session")
def assistant_instance(built_settings):  # type: ignore[no-untyped-def]
    """One ``Assistant`` over the session index (thread-safe, so sharing it is fine)."""
    from assistant.api import Assistant

    return Assistant(built_settings)
