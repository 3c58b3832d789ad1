#!/usr/bin/env bash
# Regenerate the lock files in requirements/ from the version ranges in pyproject.toml.
#
#   scripts/lock.sh                          keep every pin that still satisfies pyproject.toml;
#                                            add / drop only what pyproject.toml changed
#   scripts/lock.sh --upgrade                take the newest version every range allows
#   scripts/lock.sh --upgrade-package gradio take the newest gradio (and what it needs), keep the rest
#
# Then run `make test` on the result (a fresh clone is the real check) and commit requirements/.
#
# Resolution runs in a throwaway virtualenv ($LOCKVENV, default /tmp/lockvenv) with pinned
# pip / pip-tools, so it neither needs nor touches .venv. The project itself is never in a lock.
# Every file pins every package with `==` and sha256 hashes; they are resolved together, so a
# package has the same version in every file:
#
#   build.txt  pip, setuptools, scikit-build-core: the installer and the build backends
#              (the project and llama-cpp-python are built with --no-build-isolation)
#   torch.txt  torch (the CPU build from /opt/wheels) and what it needs, installed first
#   core.txt   what the product needs                         (make run)
#   llm.txt    core + the optional language-model stack       (make llm)
#   test.txt   core + test tools + the language-model stack   (make test)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
LOCKVENV=${LOCKVENV:-/tmp/lockvenv}
PIP_VERSION=26.3
PIP_TOOLS_VERSION=7.6.2
# the CPU build: an unpinned or PyPI torch is a multi-GB CUDA build
TORCH="torch==2.13.0+cpu"

rm -rf "$LOCKVENV"
"$PYTHON" -m venv "$LOCKVENV"
"$LOCKVENV/bin/python" -m pip install -q "pip==$PIP_VERSION" "pip-tools==$PIP_TOOLS_VERSION"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "$TORCH" >"$tmp/torch.in"

compile() {
    # --no-emit-*: the indexes and /opt/wheels come from pip's own configuration on the machine
    CUSTOM_COMPILE_COMMAND="scripts/lock.sh" "$LOCKVENV/bin/pip-compile" --quiet --generate-hashes \
        --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
        --no-emit-trusted-host "$@"
}

# 1. the largest set first: everything `make test` installs. Its pins then constrain the others,
#    so that core.txt, llm.txt and torch.txt agree with it package by package.
compile "$@" --extra test --extra llm --extra llamacpp --extra test-model \
    --constraint "$tmp/torch.in" -o requirements/test.txt pyproject.toml
# pins without hashes, as constraints for the subsets
grep -E '^[A-Za-z0-9_.-]+==' requirements/test.txt | sed 's/ .*//' >"$tmp/pins.txt"

compile --constraint "$tmp/pins.txt" -o requirements/core.txt pyproject.toml
compile --constraint "$tmp/pins.txt" --extra llm --extra llamacpp --extra test-model \
    -o requirements/llm.txt pyproject.toml
compile --constraint "$tmp/pins.txt" -o requirements/torch.txt "$tmp/torch.in"

# 2. the installer and the build backends (the project: setuptools; llama-cpp-python:
#    scikit-build-core; both are read from pyproject files so the ranges match what they ask for)
{
    echo "pip==$PIP_VERSION"
    echo "setuptools>=68"
    grep -h 'setuptools' "$tmp/pins.txt" || true
    echo "scikit-build-core[pyproject]>=0.9.2"
} >"$tmp/build.in"
compile "$@" -o requirements/build.txt "$tmp/build.in"

# the torch line must be the local CPU build, never a PyPI (CUDA) one
for f in requirements/torch.txt requirements/core.txt requirements/test.txt requirements/llm.txt; do
    grep -q '^torch==2.13.0+cpu ' "$f" || { echo "$f: torch is not $TORCH" >&2; exit 1; }
done
sed -i "s#$tmp/#requirements/(generated) #g" requirements/*.txt
echo "wrote: $(ls requirements/*.txt | tr '\n' ' ')"
echo "next: make test (on a fresh clone: rm -rf /tmp/x && git clone . /tmp/x && cd /tmp/x && make test), then commit requirements/"
