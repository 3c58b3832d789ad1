"""``csc-assistant projects``: filter the project directory from the command line.

A scriptable view of the same store the assistant answers list questions from, so a
user can check an answer's completeness (or export the directory as JSON).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict

from ingest.projects_store import ProjectRecord, ProjectStore, normalise_region
from ingest.values import format_gbp, parse_amount


def _amount(value: str) -> float:
    """argparse type: "2m", "£2.5m", "771k", "£1,06m" or plain pounds."""
    m = re.fullmatch(r"\s*£?\s*(\d[\d.,]*)\s*(bn|m|k|million|thousand)?\s*", value, re.IGNORECASE)
    amount = parse_amount(m.group(1), m.group(2)) if m else None
    if amount is None:
        raise argparse.ArgumentTypeError(f"not an amount: {value!r} (try 2m, 500k or 1500000)")
    return amount


def add_subparser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``projects`` on the main CLI's subparsers."""
    p = subparsers.add_parser(
        "projects",
        help="list funded projects from the directory, with filters",
        description=(
            "Filter the project directory (a partial extract). Filters combine with AND; text "
            "matching is case-insensitive. Theme codes are the document's raw codes (e.g. CL, EOC/CIN)."
        ),
    )
    p.add_argument("--region", help='e.g. "East of England", "London", or "unknown"')
    p.add_argument("--theme", help="raw theme code, e.g. CL, YPD, EOC/CIN (CIN alone also matches)")
    p.add_argument("--org", help="part of an organisation name, e.g. Hackney")
    p.add_argument("--min-amount", type=_amount, help="entry total at least this, e.g. 2m")
    p.add_argument("--max-amount", type=_amount, help="entry total at most this, e.g. 500k")
    p.add_argument("--year", type=int, help="has an award dated in this year")
    p.add_argument("--search", help="phrase in the name, organisations or description")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _record_json(r: ProjectRecord) -> dict:
    return {
        "number": r.number,
        "name": r.name,
        "themes": r.themes,
        "organisations": r.organisations,
        "region": r.region,
        "region_known": r.region_known,
        "region_note": r.region_note,
        "region_candidates": r.region_candidates,
        "heading_region": r.heading_region,
        "awards": [asdict(a) for a in r.awards],
        "awards_text": r.awards_display(),
        "amount_total_gbp": r.amount_total,
        "has_shared_award": r.has_shared_award,
        "description": r.description,
        "complete": r.complete,
        "section": r.section(),
        "start": r.start,
        "end": r.end,
    }


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def run(args: argparse.Namespace, store: ProjectStore) -> int:
    """Print the matching entries as a table (or JSON); 0 on success, 2 on a bad filter."""
    region = getattr(args, "region", None)
    if region and normalise_region(region) is None:
        print(f"unknown region: {region!r}", file=sys.stderr)
        return 2
    filters = {
        "region": normalise_region(region) if region else None,
        "theme": getattr(args, "theme", None),
        "org": getattr(args, "org", None),
        "year": getattr(args, "year", None),
        "min_amount": getattr(args, "min_amount", None),
        "max_amount": getattr(args, "max_amount", None),
        "search": getattr(args, "search", None),
    }
    records = store.query(**filters)
    total = sum(r.amount_total or 0.0 for r in records)
    missing = store.missing_numbers
    partial = "The directory in the corpus is a partial extract"
    if missing:
        partial += f" ({len(missing)} numbered entries missing)"
    partial += "; theme codes are undefined in the document."

    if getattr(args, "json", False):
        payload = {
            "source": store.metadata(),
            "filters": {k: v for k, v in filters.items() if v is not None},
            "count": len(records),
            "total_gbp_excluding_shared": round(total, 2),
            "note": partial,
            "projects": [_record_json(r) for r in records],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0

    if not records:
        print("No matching projects.")
        print(partial)
        return 0
    headers = ("No.", "Project", "Themes", "Organisations", "Region", "Awards")
    rows = [
        (
            str(r.number),
            _clip(r.name, 46),
            ", ".join(r.themes),
            _clip(r.organisations or "-", 40),
            r.region if r.region_known else "unknown",
            r.awards_display(),
        )
        for r in records
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    widths[-1] = len(headers[-1])  # last column is not padded

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True)) + "  " + cells[-1]

    print(fmt(headers))
    print(fmt(tuple("-" * w for w in widths[:-1]) + ("-" * 6,)))
    for row in rows:
        print(fmt(row))
    print()
    print(
        f"{len(records)} project{'s' if len(records) != 1 else ''}; awards listed total {format_gbp(total)} "
        "(shared awards excluded)."
    )
    unknown = [r.number for r in records if not r.region_known]
    if unknown:
        listed = ", ".join(map(str, unknown))
        print(f"Region unknown (heading missing from the extract) for entries: {listed}.")
    print(partial)
    return 0
