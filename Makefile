# 人大履职看板 — two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DB := data/dashboard.duckdb

.PHONY: run test lint demo templates clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（未找到 $(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(DB): | $(VENV)/.installed
	$(BIN)/python -m etl demo --db $(DB)

run: $(VENV)/.installed $(DB)
	$(BIN)/streamlit run app.py --server.port 8501

lint: $(VENV)/.installed
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

demo: $(VENV)/.installed
	$(BIN)/python -m etl demo --db $(DB)

templates: $(VENV)/.installed
	$(BIN)/python -m etl templates data/templates

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
