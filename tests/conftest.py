"""Shared fixtures: one real index per test session, built into a temporary data dir.

Building takes ~35 s, so every test that needs the real index shares the one built here
instead of each module building its own (and the project's ``data/`` is never touched).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# CSC_* variables that steer the tests themselves rather than the application (kept, as are
# CSC_TEST_*)
HARNESS_VARIABLES = {"CSC_CRASH_SEED", "CSC_UPDATE_SCREENSHOTS"}


def _settings_variables() -> list[str]:
    """The CSC_* variables now in the environment, apart from the harness's own."""
    names = [k for k in os.environ if k.upper().startswith("CSC_")]
    return [k for k in names if k not in HARNESS_VARIABLES and not k.upper().startswith("CSC_TEST_")]


@pytest.fixture(scope="session", autouse=True)
def _no_csc_env_in_session() -> Iterator[None]:
    """The shell's CSC_* settings (e.g. CSC_LLM exported for ``make run``) do not reach the
    session-wide fixtures below; they are restored when the run ends."""
    with pytest.MonkeyPatch.context() as mp:
        for name in _settings_variables():
            mp.delenv(name)
        yield


@pytest.fixture(autouse=True)
def _no_csc_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without CSC_* settings, so none depends on another's or on the shell's;
    a test that needs one sets it with ``monkeypatch.setenv``.

    Exception: a test using a module-wide ``monkeypatch_module`` fixture keeps what that fixture
    set up for the whole module (tests/test_llm_server.py configures its server that way).
    """
    if "monkeypatch_module" in request.fixturenames:
        return
    for name in _settings_variables():
        monkeypatch.delenv(name)


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
