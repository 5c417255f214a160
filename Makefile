# Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
# glibc grows one malloc arena per Gradio worker thread; two keeps a long-running server flat (see soak).
export MALLOC_ARENA_MAX := 2

.PHONY: install run index test test-fast eval eval-external eval-baseline bench soak clean docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch 2.13.0 is the CPU build on this machine's disk; any other version pulls CUDA.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(BIN)/assistant ingest

run: install
	$(BIN)/python app.py

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider tests
	# also gates the answer check with the reference model (docs/evaluation.md); output goes to build/evals (git-ignored)
	$(BIN)/assistant eval --gate --reference-model both
	# Mixed formats (PDF, PowerPoint, Excel, Word): answers cite the right page, slide and row.
	$(BIN)/assistant eval --gate --dataset evals/gold/mixed.json --corpus evals/mixed/corpus

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow" tests

eval: install
	$(BIN)/assistant eval

eval-baseline: install
	$(BIN)/assistant eval --baseline

eval-external: install
	$(BIN)/assistant eval --baseline \
		--dataset ../shared/datasets/mini_squad_v2/rag_dataset.json \
		--corpus ../shared/datasets/mini_squad_v2/source_files

bench: install
	$(BIN)/python -m bench

# docs/settings.md is generated from the Settings dataclass; tests/test_docs.py fails while it is stale.
docs: install
	$(BIN)/python -m assistant.settings_doc > docs/settings.md

clean:
	rm -rf index/* .pytest_cache

# Not part of `make test`: 500 questions from 3 sessions against the served app,
# re-ingesting in between. Smaller: make soak SOAK_ARGS="--questions 60".
SOAK_ARGS ?=
soak: install
	$(BIN)/python -m soak $(SOAK_ARGS)
