"""When a document the assistant holds came out: its own dated line first, others' accounts after.

Two invented documents are indexed once: a review whose title page is dated January 2016, and a
guide (April 2016) that says the review was "published in February 2016". Our own phrasings.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.api import Assistant

REVIEW = (
    "Oakridge Review of Family Support\n\nJanuary 2016\n\n"
    "Introduction\n\n"
    "This review looks at how twelve councils support families before children come into care. "
    "Grants of up to £40,000 were issued to each council in March 2015 to test new family hubs.\n"
)
GUIDE = (
    "Family Hubs: a guide\n\nApril 2016\n\n"
    "What we know\n\n"
    "The Oakridge Review of Family Support, published in February 2016, found that family hubs "
    "work best when health visitors are based in them.\n"
)
MANIFEST = """[[document]]
id = "oakridge"
file = "oakridge.txt"
title = "Oakridge Review of Family Support"
publisher = "Test"
date = "2016-01"
kind = "review"

[[document]]
id = "hubs-guide"
file = "hubs.txt"
title = "Family Hubs: a guide"
publisher = "Test"
date = "2016-04"
kind = "guidance"
"""


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    files = {"oakridge.txt": REVIEW, "hubs.txt": GUIDE}
    return Assistant(index_invented(tmp_path_factory.mktemp("dates"), files, MANIFEST))


@pytest.mark.parametrize(
    "question",
    [
        "When was the Oakridge Review published?",
        "when did the oakridge review come out",
        "What date was the Oakridge review of family support published? I need it for a reference list.",
    ],
)
def test_the_documents_own_date_leads_and_a_differing_account_is_noted(
    two_documents: Assistant, question: str
) -> None:
    answer = two_documents.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.answer.startswith("January 2016"), answer.answer
    assert "published in February 2016" in answer.answer, answer.answer
    assert any("differ" in n and "January 2016" in n and "February 2016" in n for n in answer.notes), (
        answer.notes
    )


def test_a_date_inside_the_document_is_not_its_publication(two_documents: Assistant) -> None:
    answer = two_documents.ask("When were the grants issued, according to the Oakridge Review?")
    assert not answer.answer.startswith("January 2016"), answer.answer
