"""A synthetic corpus N times the size of the real one, for growth benchmarks.

    .venv/bin/python benchmarks/synthetic_corpus.py OUT_DIR --factor 10 [--seed 7]

Copy 0 is the real corpus byte for byte (so the dev and gold questions still have their answers);
copies 1..N-1 are paraphrases of each document: every place name from ``PLACES`` and organisation
from ``ORGS`` is swapped for another from the same list (one random mapping per copy), numbers are
perturbed (years and paragraph numbers are kept, so the structure the chunker reads survives) and
runs of paragraphs are shuffled. BM25 therefore sees realistic term statistics (the same
vocabulary, different names and figures in each copy) and dense scores stay realistic (near
duplicates with different names, as in a real multi-authority archive). A ``manifest.toml`` gives
every copy its own id and title, so each is indexed as a document of its own.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PLACES = [
    "Ealing", "Leeds", "North Yorkshire", "Islington", "Tri-Borough", "Sefton", "Hackney", "Doncaster",
    "Suffolk", "Wigan", "Torbay", "Surrey", "Stoke", "Hertfordshire", "Gloucestershire", "Westminster",
    "Southwark", "Norfolk", "Newham", "Lincolnshire", "Kensington", "Durham", "Cambridgeshire", "Sussex",
    "Stockport", "Newcastle", "Manchester", "Hounslow", "Harrow", "Hampshire", "Hammersmith", "Enfield",
    "Coventry", "Bristol", "Barnsley", "Staffordshire", "Slough", "Sheffield", "Rotherham", "Rochdale",
    "Peterborough", "Northamptonshire", "Kent", "Hull", "Havering", "Greenwich", "Dorset", "Camden",
    "Calderdale", "Barnet", "Wiltshire", "Warwickshire", "Wakefield", "Tower Hamlets", "Richmond", "Luton",
    "Lewisham", "Kingston", "Haringey", "Essex", "Cumbria", "Lancashire", "Blackpool", "Plymouth",
    "Somerset", "Shropshire", "Worcestershire", "Bedford", "Reading", "Medway", "Southend", "Thurrock",
    "Telford", "Middlesbrough", "Hartlepool", "Darlington", "Gateshead", "Northumberland", "Bradford",
    "Kirklees", "Derby", "Nottingham", "Leicester", "Wolverhampton", "Sandwell", "Dudley", "Walsall",
    "Solihull", "Trafford", "Salford", "Bolton", "Oldham", "Knowsley", "Wirral", "Warrington", "Swindon",
]  # fmt: skip
ORGS = [
    "Signs of Safety", "NSPCC", "Barnardo's", "Morning Lane", "Action for Children",
    "Achieving for Children", "Frontline", "Coram", "Catch22", "The Children's Society", "Nesta",
    "Social Finance", "Innovation Unit", "Safer London", "Become", "Family Rights Group",
]  # fmt: skip

_PLACE_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, PLACES), key=len, reverse=True)) + r")\b")
_ORG_RE = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, ORGS), key=len, reverse=True)) + r")(?!\w)")
# a number that is not a year (1900-2099) and not a paragraph number at the start of a line ("27.")
_NUMBER_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w,]\d)", re.M)
_YEAR_RE = re.compile(r"(19|20)\d\d")


def _mapping(pool: list[str], rng: random.Random) -> dict[str, str]:
    shuffled = pool[:]
    rng.shuffle(shuffled)
    return dict(zip(pool, shuffled, strict=True))


def _perturb_number(m: re.Match[str], rng: random.Random, text: str) -> str:
    token = m.group(0)
    digits = m.group(1).replace(",", "")
    line_start = text.rfind("\n", 0, m.start()) + 1
    if _YEAR_RE.fullmatch(digits) or (text[line_start : m.start()].strip() == "" and
                                      text[m.end() : m.end() + 1] == "."):  # fmt: skip
        return token
    value = int(digits)
    if value < 2:
        return token
    new = max(2, round(value * rng.uniform(0.6, 1.4)))
    out = f"{new:,}" if "," in m.group(1) else str(new)
    return out + token[len(m.group(1)) :]


def paraphrase(text: str, copy: int, seed: int = 7) -> str:
    """One synthetic copy of ``text``: names swapped, figures perturbed, paragraph runs shuffled."""
    rng = random.Random(seed * 100_003 + copy)
    places, orgs = _mapping(PLACES, rng), _mapping(ORGS, rng)
    text = _PLACE_RE.sub(lambda m: places[m.group(1)], text)
    text = _ORG_RE.sub(lambda m: orgs[m.group(1)], text)
    text = _NUMBER_RE.sub(lambda m: _perturb_number(m, rng, text), text)
    blocks = re.split(r"\n\s*\n", text)
    runs = [blocks[i : i + 6] for i in range(0, len(blocks), 6)]
    head, rest = runs[:1], runs[1:]  # the title block stays first
    rng.shuffle(rest)
    return "\n\n".join("\n\n".join(run) for run in head + rest) + "\n"


def normalise(text: str) -> str:
    """``text`` with names and figures masked: the same for every copy of one passage."""
    text = _PLACE_RE.sub("PLACE", text)
    text = _ORG_RE.sub("ORG", text)
    return re.sub(r"\d", "0", text)


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(out: Path, factor: int, corpus: Path | None = None, seed: int = 7) -> list[Path]:
    """Write ``factor`` copies of ``corpus`` (copy 0 verbatim) and their manifest into ``out``."""
    corpus = corpus or ROOT / "corpus"
    entries = tomllib.loads((corpus / "manifest.toml").read_text(encoding="utf-8"))["document"]
    out.mkdir(parents=True, exist_ok=True)
    lines = ["# synthetic corpus written by benchmarks/synthetic_corpus.py", ""]
    files: list[Path] = []
    for entry in entries:
        src = corpus / entry["file"]
        text = src.read_text(encoding="utf-8")
        for k in range(factor):
            name = src.name if k == 0 else f"{src.stem}--s{k:03d}{src.suffix}"
            target = out / name
            if k == 0:
                shutil.copyfile(src, target)
            else:
                target.write_text(paraphrase(text, k, seed), encoding="utf-8")
            files.append(target)
            lines.append("[[document]]")
            for key, value in entry.items():
                if key == "id" and k:
                    value = f"{value}-s{k:03d}"
                elif key == "file":
                    value = name
                elif key == "title" and k:
                    value = f"{value} (synthetic copy {k})"
                elif key == "kind" and k and value == "directory":
                    value = "directory copy"  # the project table is derived from the real directory only
                lines.append(f"{key} = {_toml_str(str(value))}")
            lines.append("")
    (out / "manifest.toml").write_text("\n".join(lines), encoding="utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    files = build(args.out, args.factor, seed=args.seed)
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files, {size / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
