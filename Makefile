# Every target creates the virtual environment itself, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench check schemas clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/socso adjudicate cases/commute-direct-route.yaml

test: $(STAMP)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/socso check rules

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

schemas: $(STAMP)
	$(BIN)/python -c "from engine.schemas import write_all; [print(p) for p in write_all()]"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
