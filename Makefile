# Everything a newcomer needs: `make run` (terminal assistant), `make web` (web chat) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# test files run on this many workers at once (pytest-xdist; 0: one process, as before)
TEST_WORKERS ?= 2

.PHONY: run run-bot web test test-fast bench catalogs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot console

run-bot: $(STAMP)
	$(PY) -m bot

web: $(STAMP)
	$(PY) -m bot web

test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

# the in-process suites only (no bot process, browser or multi-second load): for a quick loop
test-fast: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow and not e2e"

bench: $(STAMP)
	$(PY) bench/rules_bench.py
	$(PY) bench/workdays_estimate_accuracy.py
	$(PY) bench/bot_bench.py
	$(PY) bench/web_bench.py
	$(PY) bench/telegram_load_bench.py
	$(PY) bench/reminders_bench.py
	$(PY) bench/documents_bench.py
	$(PY) bench/staff_bench.py

catalogs: $(STAMP)
	$(PY) -m locales.tools check

clean:
	rm -rf $(VENV) build *.egg-info
