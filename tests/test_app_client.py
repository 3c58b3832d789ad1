"""The running app's named API endpoint ("/ask") through gradio_client, against the real index."""

from __future__ import annotations

import pytest
from test_app_browser import ELIGIBILITY, OFF_TOPIC, Served, served_app


@pytest.fixture(scope="session")
def client_server(built_settings) -> Served:  # type: ignore[no-untyped-def]
    return served_app(built_settings)


@pytest.fixture(scope="session")
def client(client_server: Served):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(client_server.url, verbose=False, download_files=False)


@pytest.mark.slow
def test_ask_endpoint_answers_with_verbatim_citations(client, client_server: Served) -> None:  # type: ignore[no-untyped-def]
    ans = client.predict(ELIGIBILITY, None, api_name="/ask")
    assert ans["abstained"] is False and "[1]" in ans["answer"]
    cit = ans["citations"][0]
    text = client_server.assistant.document_text(cit["doc_id"])  # type: ignore[attr-defined]
    assert text[cit["start"] : cit["end"]] == cit["text"]


@pytest.mark.slow
def test_ask_endpoint_follow_up_and_abstention(client) -> None:  # type: ignore[no-untyped-def]
    first = client.predict(ELIGIBILITY, None, api_name="/ask")
    follow = client.predict(
        "and how do they apply?", [{"q": ELIGIBILITY, "a": first["answer"]}], api_name="/ask"
    )
    assert follow["query"] and follow["query"] != "and how do they apply?"
    off = client.predict(OFF_TOPIC, None, api_name="/ask")
    assert off["abstained"] is True and off["citations"] == []


@pytest.mark.slow
def test_ask_endpoint_rejects_empty_question_naming_the_field(client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match="question"):
        client.predict("   ", None, api_name="/ask")
