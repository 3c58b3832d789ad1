"""Two calls for ideas, a year apart: an applicant's answer keeps to the call its lead comes from.

The invented corpus has two guidance documents, each with its own deadlines; the questions are our
own. A passage from the other call (its own "the deadline has passed") may still be offered under
"more from the documents", never spliced into the short answer as if it were about the same call.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import index_invented

from assistant.api import Assistant

CALL_2016 = (
    "Harbour Fund: how to apply\n\n"
    "Who can apply?\n\n"
    "Councils and charities can apply to the Harbour Fund.\n\n"
    "Deadlines\n\n"
    "We will consider expressions of interest against two deadlines. The first is Friday 6 May at noon "
    "and the second is Friday 8 July at noon.\n\n"
    "Ideas that are well developed should aim for the first deadline.\n"
)
CALL_2017 = (
    "Harbour Fund: targeted round\n\n"
    "Thank you to everyone who sent an expression of interest for the targeted round; the deadline for "
    "expressions of interest has now passed.\n\n"
    "Workshops for the targeted round will be held in Leeds in March.\n"
)
MANIFEST = """[[document]]
id = "call2016"
file = "call2016.txt"
title = "Harbour Fund: how to apply"
publisher = "Test"
date = "2016-04"
kind = "guidance"

[[document]]
id = "call2017"
file = "call2017.txt"
title = "Harbour Fund: targeted round"
publisher = "Test"
date = "2017-01"
kind = "web page"
"""


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root: Path = tmp_path_factory.mktemp("calls")
    return Assistant(index_invented(root, {"call2016.txt": CALL_2016, "call2017.txt": CALL_2017}, MANIFEST))


@pytest.mark.parametrize(
    "question",
    [
        "When is the first deadline for expressions of interest?",
        "wen is the first deadline for an expression of interest",
        "We're nearly ready to send our expression of interest - what's the earliest deadline?",
    ],
)
def test_an_applicants_answer_keeps_to_one_call(calls: Assistant, question: str) -> None:
    ans = calls.ask(question)
    assert not ans.abstained, ans.answer
    assert "6 May" in ans.answer
    assert {c.doc_id for c in ans.citations} == {"call2016"}, ans.answer
    assert "has now passed" not in ans.answer
