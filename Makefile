# Standpoint. Everything installs into .venv on first use; only python3 and make are needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HASH   := $(shell cksum pyproject.toml | cut -d' ' -f1)
# Serving needs the package alone; the tests add the dev extras. Each stamp
# names pyproject.toml's checksum, so an edit there reinstalls.
SERVE_STAMP := $(VENV)/.installed-serve-$(HASH)
DEV_STAMP   := $(VENV)/.installed-dev-$(HASH)

.PHONY: install install-dev run test test-postgres spec bench clean screenshots

$(SERVE_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-serve-*
	touch $(SERVE_STAMP)

$(DEV_STAMP): $(SERVE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-dev-*
	touch $(DEV_STAMP)

install: $(SERVE_STAMP)
install-dev: $(DEV_STAMP)

## Serve on http://127.0.0.1:8000 (gunicorn, embedded SQLite under instance/, bundled data on first start)
run: install
	$(BIN)/gunicorn -c gunicorn.conf.py

## The whole test suite (PostgreSQL, Redis and browser tests run when those are available),
## in TEST_WORKERS processes (pytest-xdist), one test file per process at a time, in the
## order tests/conftest.py gives (the longest first; xdist would otherwise start the files
## with the most tests first and the one-test contract run last)
TEST_WORKERS ?= 2
test: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

## Regenerate the committed contract from the code
spec: install
	STANDPOINT_PREPARE_DATABASE=0 $(BIN)/flask --app service openapi write --format=yaml openapi.yaml

## Regenerate docs/SENTENCES.md: every sentence the API and the embeds write about the
## bundled record, with the report's words each rests on (review the diff before committing)
.PHONY: sentences
sentences: install
	STANDPOINT_PREPARE_DATABASE=0 $(BIN)/flask --app service sentences

## Lint openapi.yaml: Redocly's recommended rules and Spectral's OpenAPI ruleset (pinned in
## package.json; `npm ci` installs them). Any error or warning fails.
.PHONY: lint-spec
lint-spec:
	@test -x node_modules/.bin/redocly -a -x node_modules/.bin/spectral || npm ci --no-audit --no-fund
	@# Redocly's exit status counts errors only: a warning line fails the target too.
	@out=$$(REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true node_modules/.bin/redocly \
	    lint --config redocly.yaml --format=stylish openapi.yaml 2>&1); code=$$?; echo "$$out"; \
	  [ $$code -eq 0 ] && ! echo "$$out" | grep -Eq '^ +[0-9]+:[0-9]+ +warning '
	node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity=warn openapi.yaml

## Browser tests of the embed pages and the desk (Debian chromium), copying their screenshots into docs/screenshots/
screenshots: install-dev
	STANDPOINT_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/servers/test_embed_browser.py tests/servers/test_desk_browser.py tests/servers/test_desk_journey.py

## Benchmarks; results go to docs/BENCHMARKS.md
bench: install-dev
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) instance .pytest_cache

## Read-only contract checks of any deployment against its own /openapi.yaml (GET operations,
## every check, positive and negative data; no key is sent, so nothing can be written):
##   make contract URL=https://standpoint.example [ST_ARGS='--rate-limit 15/s -n 30']
## Reports go to test-artifacts/contract/ (junit.xml, report.json). See docs/CONTRACT.md.
## /metrics is left out: it is for Prometheus, and the shipped front refuses it (403).
ifneq ($(filter contract,$(MAKECMDGOALS)),)
ifndef URL
$(error usage: make contract URL=https://your-deployment [ST_ARGS='...'])
endif
endif
.PHONY: contract
contract: install-dev
	$(BIN)/st --config-file schemathesis.toml run '$(patsubst %/,%,$(URL))/openapi.yaml' \
	  --url '$(patsubst %/,%,$(URL))' --include-method GET --exclude-path /metrics \
	  --phases examples,coverage,fuzzing \
	  --checks all --mode all --report junit,json --report-dir test-artifacts/contract \
	  --report-junit-path test-artifacts/contract/junit.xml \
	  --report-json-path test-artifacts/contract/report.json $(ST_ARGS)
