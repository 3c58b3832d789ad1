# Two entry points: `make run` (the product) and `make test` (the suite).
# Both bootstrap everything: virtualenv, pinned CPU torch, the project, the index.
#
# Every package version comes from the committed lock files in requirements/ (exact `==` pins with
# sha256 hashes, made by scripts/lock.sh; README "Installing, the lock and its update"):
#   build.txt  pip, setuptools, scikit-build-core     torch.txt  torch 2.13.0+cpu and its needs
#   core.txt   what `make run` needs                  llm.txt    core + the language-model stack
#   test.txt   core + test tools + the language-model stack (what `make test` needs)
# A stamp named after the checksum of the lock files (and pyproject.toml) records an install, so
# editing a lock re-installs; pip then only changes what differs.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
HOST   ?= 127.0.0.1
PORT   ?= 7860

# only the hashed versions in the lock; build backends from build.txt, never a fresh download
LOCKED     := --require-hashes --no-build-isolation
BASE_LOCKS := pyproject.toml requirements/build.txt requirements/torch.txt requirements/core.txt
sum_of      = $(shell cat $(1) | cksum | cut -d' ' -f1)
CORE_STAMP := $(VENV)/.installed-core-$(call sum_of,$(BASE_LOCKS))
TEST_STAMP := $(VENV)/.installed-test-$(call sum_of,$(BASE_LOCKS) requirements/test.txt)
LLM_STAMP  := $(VENV)/.installed-llm-$(call sum_of,$(BASE_LOCKS) requirements/llm.txt)

.PHONY: run test install llm lock index lint eval bench browser clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# $(1): the lock to install. The installer and build backends first, then torch (the CPU build
# from /opt/wheels: an unpinned torch drags in a multi-GB GPU build), then the lock, then the
# project itself (editable, no dependencies: they are all in the lock), then a consistency check,
# then the project's own bytecode: where PYTHONDONTWRITEBYTECODE is set (as on these machines) no
# run writes it, and every `csc-assistant ask` would compile the project's modules from source.
define install_lock
	$(PIP) install -q $(LOCKED) -r requirements/build.txt
	$(PIP) install $(LOCKED) -r requirements/torch.txt
	$(PIP) install $(LOCKED) -r $(1)
	$(PIP) install -q --no-deps --no-build-isolation -e .
	$(PIP) check
	$(BIN)/python -m compileall -q ingest assistant ui
endef

# the product only: no language-model packages, nothing compiled
$(CORE_STAMP): | $(BIN)/python
	$(call install_lock,requirements/core.txt)
	rm -f $(VENV)/.installed-core-*
	touch $@

# core + test tools + the language-model stack; llama-cpp-python compiles from source once
# (~13 min on 2 busy cores), pip's wheel cache keeps the result unless the cache is off
$(TEST_STAMP): | $(BIN)/python
	$(call install_lock,requirements/test.txt)
	rm -f $(VENV)/.installed-test-* $(VENV)/.installed-core-* $(VENV)/.installed-llm-*
	touch $@ $(CORE_STAMP) $(LLM_STAMP)

# core + the optional language-model backends (CSC_LLM=openai-compatible | ollama | llamacpp)
$(LLM_STAMP): | $(BIN)/python
	$(call install_lock,requirements/llm.txt)
	rm -f $(VENV)/.installed-llm-* $(VENV)/.installed-core-*
	touch $@ $(CORE_STAMP)

install: $(CORE_STAMP)

llm: $(LLM_STAMP)

# re-resolve requirements/*.txt from pyproject.toml (see scripts/lock.sh for --upgrade)
lock:
	scripts/lock.sh $(LOCK_ARGS)

index: install
	HF_HUB_OFFLINE=1 $(BIN)/csc-assistant ingest --if-stale

run: index
	HF_HUB_OFFLINE=1 $(BIN)/csc-assistant serve --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests (no browser download at run time); axe-core, the
# accessibility engine they inject into the page, comes from the npm registry at the version and
# hash pinned in tests/axe/package-lock.json
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }
	@test -f tests/axe/node_modules/axe-core/axe.min.js || npm ci --prefix tests/axe --no-audit --no-fund

test: $(TEST_STAMP) browser
	$(BIN)/ruff check ingest assistant ui tests benchmarks
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -rs

eval: index
	HF_HUB_OFFLINE=1 $(BIN)/csc-assistant eval

bench: index
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/baseline_vs_hybrid.py

clean:
	rm -rf data test-output
