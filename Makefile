# Standpoint. Everything installs into .venv on first use; only python3 and make are needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test test-postgres spec bench clean screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Serve on http://127.0.0.1:8000 (gunicorn, embedded SQLite under instance/, bundled data on first start)
run: install
	$(BIN)/gunicorn -c gunicorn.conf.py

## The whole test suite (PostgreSQL, Redis and browser tests run when those are available)
test: install
	$(BIN)/python -m pytest

## Regenerate the committed contract from the code
spec: install
	STANDPOINT_PREPARE_DATABASE=0 $(BIN)/flask --app service openapi write --format=yaml openapi.yaml

## Browser tests of the embed pages (Debian chromium), copying their screenshots into docs/screenshots/
screenshots: install
	STANDPOINT_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/servers/test_embed_browser.py

## Benchmarks; results go to docs/BENCHMARKS.md
bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) instance .pytest_cache
