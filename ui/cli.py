"""``csc-assistant``: ingest, ask, eval, serve, projects, feedback.

The CLI only parses arguments and renders; all answering goes through
``assistant.api.Assistant``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

EXIT_OK, EXIT_ERROR, EXIT_SKIPPED = 0, 1, 2
LLM_CHOICES = ["openai-compatible", "ollama", "llamacpp", "none"]


def _settings():  # type: ignore[no-untyped-def]
    from ingest.config import load_settings

    return load_settings()


def answer_json(ans, full: bool = False) -> dict:  # type: ignore[no-untyped-def]
    """The stable JSON protocol (``Answer.to_json``)."""
    return ans.to_json(full)


def render_text(ans, full: bool = False) -> str:  # type: ignore[no-untyped-def]
    """Readable terminal form: the answer, notes, then numbered sources with their quotes.

    ``full`` adds what the documents say beyond the short answer (``Answer.more``) and its sources.
    """
    out = [ans.answer]
    citations = list(ans.citations)
    if full and getattr(ans, "more", ""):
        out.append(f"\nMore from the documents:\n\n{ans.more}")
        citations += list(ans.more_citations)
    elif getattr(ans, "more", ""):
        out.append("\n(More from the documents: ask again with --full.)")
    if ans.query != ans.question:
        out.insert(0, f"(searched for: {ans.query})\n")
    for note in ans.notes:
        out.append(f"\nNote: {note}")
    if citations:
        out.append("\nSources:")
        for c in citations:
            from ingest.models import DocumentInfo

            when = DocumentInfo("", "", "", "", c.date, "", "").display_date
            out.append(f"[{c.n}] {c.title} ({when})")
            if c.locator():
                out.append(f"    {c.locator()}")
            quote = textwrap.fill(
                " ".join(c.text.split()), width=96, initial_indent="    “", subsequent_indent="     "
            )
            out.append(quote + "”")
    return "\n".join(out)


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import run_ingest

    settings = _settings()
    paths = [Path(p).resolve() for p in args.paths] or None
    missing = [str(p) for p in paths or [] if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    from ingest.manifest import ManifestError
    from ingest.store import VectorStoreUnavailableError

    try:
        report = run_ingest(settings, paths, progress=not args.quiet and sys.stderr.isatty())
    except VectorStoreUnavailableError as exc:
        print(f"error: {exc}; the previous index is kept and still answers", file=sys.stderr)
        return EXIT_ERROR
    except ManifestError as exc:
        print(f"error: {exc}; the previous index is kept", file=sys.stderr)
        return EXIT_ERROR
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    for name, reason in report.skipped:
        print(f"skipped: {name}: {reason}", file=sys.stderr)
    state = "published a new index" if report.published else "index already up to date"
    print(
        f"{state}: {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.skipped)} skipped; {report.chunks} chunks "
        f"in {report.seconds:.1f}s",
        file=sys.stderr,
    )
    if report.published and report.stages:
        from ingest.stages import line

        print(line(report.stages), file=sys.stderr)
    return EXIT_SKIPPED if report.skipped else EXIT_OK


def _assistant(llm: str | None = None):  # type: ignore[no-untyped-def]
    """The Assistant; ``llm`` (``--llm``) overrides ``CSC_LLM`` ("none" switches the model off)."""
    from assistant.api import Assistant

    return Assistant(_settings(), llm=llm)


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.api import IndexUnavailableError, QuestionError
    from assistant.snapshot import IndexMissingError

    try:
        assistant = _assistant(args.llm)
        assistant.snapshot()
    except IndexMissingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.jsonl:
        return _ask_jsonl(assistant)
    if not args.question:
        return _ask_loop(assistant)
    try:
        history = read_history(Path(args.history)) if args.history else None
    except HistoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        ans = assistant.ask(" ".join(args.question), history)
    except (QuestionError, IndexUnavailableError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    full = bool(getattr(args, "full", False))
    if args.json:
        print(json.dumps(answer_json(ans, full), ensure_ascii=False, indent=2))
    else:
        print(render_text(ans, full))
    return EXIT_OK


class HistoryError(ValueError):
    """A ``--history`` file (or a line's ``history``) that cannot be used; ``str()`` names the problem."""


def check_history(value: object, where: str) -> list[dict]:
    """Earlier turns as ``[{"q": str, "a": str}, ...]``; anything else is refused by name."""
    if not isinstance(value, list):
        raise HistoryError(f'{where}: expected a JSON list of turns like [{{"q": ..., "a": ...}}]')
    for i, turn in enumerate(value, 1):
        ok = isinstance(turn, dict) and all(isinstance(turn.get(k, ""), str) for k in ("q", "a"))
        if not ok:
            raise HistoryError(f'{where}: turn {i} is not an object with text fields "q" and "a"')
    return value


def read_history(path: Path) -> list[dict]:
    """The ``--history`` file, or a HistoryError naming the file and what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HistoryError(f"--history {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HistoryError(f"--history {path}: cannot be read ({exc})") from None
    return check_history(_loads(text, f"--history {path}"), f"--history {path}")


def _loads(text: str, where: str) -> object:
    """``json.loads`` whose every failure, nesting depth included, is one ValueError naming ``where``."""
    try:
        return json.loads(text)
    except RecursionError:
        raise HistoryError(f"{where}: JSON nested too deeply") from None
    except ValueError as exc:
        raise HistoryError(f"{where}: not valid JSON ({exc})") from None


def _ask_jsonl(assistant) -> int:  # type: ignore[no-untyped-def]
    """One JSON object per input line, in order, flushed; bad lines get an error object, not a crash.

    Lines are read as bytes and decoded one by one, so invalid UTF-8, over-deep nesting or a
    wrong field type in one line is reported on that line and the next line is still answered.
    """
    from assistant.api import IndexUnavailableError, QuestionError

    for n, raw in enumerate(sys.stdin.buffer, 1):
        if not raw.strip():
            continue
        try:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"line {n}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
            req = _loads(line, f"line {n}")
            if not isinstance(req, dict):
                raise ValueError(f"line {n}: each line must be a JSON object")
            question = req.get("question", "")
            if not isinstance(question, str):
                raise ValueError(f'line {n}: "question" must be a string')
            history = check_history(req.get("history") or [], f"line {n}: history")
            out = answer_json(assistant.ask(question, history))
        except (QuestionError, ValueError, IndexUnavailableError) as exc:
            out = {
                "answer": "",
                "abstained": False,
                "query": "",
                "citations": [],
                "contexts": [],
                "error": str(exc),
            }
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return EXIT_OK


def _ask_loop(assistant) -> int:  # type: ignore[no-untyped-def]
    """Interactive session with memory of the conversation (used by `make run` without the UI)."""
    from assistant.api import IndexUnavailableError, QuestionError

    history: list[dict] = []
    print("Ask about the Children's Social Care Innovation Programme (documents 2016-2020). Ctrl-D to quit.")
    while True:
        try:
            q = input("\n? ")
        except EOFError:
            print()
            return EXIT_OK
        try:
            ans = assistant.ask(q, history)
        except (QuestionError, IndexUnavailableError) as exc:
            print(f"error: {exc}")
            continue
        print(render_text(ans))
        history.append({"q": q, "a": ans.answer})


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.eval_sets import PARAPHRASE_SET, default_sets
    from assistant.evaluate import run_eval

    files = [Path(f) for f in args.files] or default_sets()
    if not files:
        print("error: no evaluation set given and none found", file=sys.stderr)
        return EXIT_ERROR
    paraphrases = None
    if not args.no_paraphrases:
        paraphrases = Path(args.paraphrases) if args.paraphrases else PARAPHRASE_SET
        if not paraphrases.exists():
            if args.paraphrases:
                print(f"error: paraphrase file not found: {paraphrases}", file=sys.stderr)
                return EXIT_ERROR
            paraphrases = None  # the default file is optional
    modes = ["extractive", "generative"] if args.mode == "both" else [args.mode] if args.mode else None
    assistant = _assistant(args.llm)
    if modes and "generative" in modes and assistant.llm is None:
        print(
            "error: --mode generative needs a language model: set CSC_LLM (and CSC_LLM_BASE_URL / "
            "CSC_LLM_MODEL / CSC_LLM_MODEL_PATH) or pass --llm",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return run_eval(
        assistant, files, show_failures=args.show_failures, out=args.out, modes=modes, paraphrases=paraphrases
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.server import serve

    serve(host=args.host, port=args.port, assistant=_assistant(args.llm) if args.llm else None)
    return EXIT_OK


def cmd_projects(args: argparse.Namespace) -> int:
    from ui.projects_cli import run

    projects = _assistant().project_store()
    if projects is None:
        print("error: no project directory in the index; run `csc-assistant ingest`", file=sys.stderr)
        return EXIT_ERROR
    return run(args, projects)


def cmd_feedback(args: argparse.Namespace) -> int:
    from ui.feedback import export_feedback_csv

    db = _settings().data_dir / "feedback.sqlite"
    n = export_feedback_csv(db, Path(args.out))
    print(f"wrote {n} feedback rows to {args.out}", file=sys.stderr)
    return EXIT_OK


EXIT_STATUS_HELP = (
    "exit status: 0 done; 1 error (a message names the file, setting or server; nothing is changed); "
    "2 ingest finished but skipped some files (each named with its reason)"
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="csc-assistant", description=__doc__.splitlines()[0], epilog=EXIT_STATUS_HELP
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser(
        "ingest", help="index the corpus (incremental; only new or changed files are embedded)"
    )
    s.add_argument("paths", nargs="*", help="files or folders to index instead of the corpus folder")
    s.add_argument(
        "--if-stale", action="store_true", help="(default behaviour) only rebuild when sources changed"
    )
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("ask", help="answer a question with numbered, verbatim citations")
    s.add_argument("question", nargs="*")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--jsonl", action="store_true", help="read JSON lines on stdin, write one answer per line")
    s.add_argument("--full", action="store_true", help="also show what the documents add beyond the answer")
    s.add_argument("--history", help='JSON file with earlier turns [{"q": ..., "a": ...}]')
    s.add_argument("--llm", choices=LLM_CHOICES, help="language model backend (overrides CSC_LLM)")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("eval", help="score a gold set (dev.jsonl format)")
    s.add_argument("files", nargs="*")
    s.add_argument("--show-failures", action="store_true")
    s.add_argument("--out", help="write the JSON report here")
    s.add_argument(
        "--mode",
        choices=["extractive", "generative", "both"],
        help="score one answering mode, or both side by side (default: the configured one)",
    )
    s.add_argument(
        "--paraphrases",
        metavar="FILE",
        help="rewordings of the evaluated sets' questions, scored beside them "
        "(default: eval/paraphrases.jsonl when it exists)",
    )
    s.add_argument("--no-paraphrases", action="store_true", help="skip the paraphrase-robustness comparison")
    s.add_argument("--llm", choices=LLM_CHOICES, help="language model backend (overrides CSC_LLM)")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("serve", help="start the Gradio app")
    s.add_argument("--host", help="interface to listen on (default: CSC_HOST, else 127.0.0.1)")
    s.add_argument("--port", type=int, help="port to listen on (default: CSC_PORT, else 7860)")
    s.add_argument("--llm", choices=LLM_CHOICES, help="language model backend (overrides CSC_LLM)")
    s.set_defaults(func=cmd_serve)

    try:
        from ui.projects_cli import add_subparser

        add_subparser(sub)
        sub.choices["projects"].set_defaults(func=cmd_projects)
    except ImportError:
        pass

    s = sub.add_parser("feedback", help="feedback given in the app")
    fsub = s.add_subparsers(dest="feedback_command", required=True)
    e = fsub.add_parser("export", help="write all feedback to CSV")
    e.add_argument("out", nargs="?", default="feedback.csv")
    e.set_defaults(func=cmd_feedback)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    for noisy in ("sentence_transformers", "chromadb", "bm25s", "httpx", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from ingest.config import ConfigError

    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:  # a CSC_* variable with an unusable value: say which, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
