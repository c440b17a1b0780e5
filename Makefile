# Sổ tay — two commands do all the setup on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SOTAY  := $(VENV)/bin/sotay
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast lint install dev system ingest serve bot eval clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

# torch is pinned to the CPU wheel that lies on this machine's disk; any other version downloads CUDA
$(VENV)/.dev: $(VENV)/.installed
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,st]'
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev

ingest: install
	$(SOTAY) ingest corpus/

serve: install
	$(SOTAY) serve --host $(HOST) --port $(PORT)

bot: install
	$(SOTAY) bot

# ingest the corpus, then serve the API; the Telegram and Zalo bots run beside it when a token is set
# (by long polling; one whose webhook URL is set is served by the API instead)
run: ingest
	@if { [ -n "$$SOTAY_TELEGRAM_TOKEN" ] && [ -z "$$SOTAY_TELEGRAM_WEBHOOK_URL" ]; } || \
	    { [ -n "$$SOTAY_ZALO_TOKEN" ] && [ -z "$$SOTAY_ZALO_WEBHOOK_URL" ]; }; then \
		echo "Bot: long polling"; \
		$(SOTAY) bot & BOT=$$!; trap "kill $$BOT 2>/dev/null" EXIT INT TERM; \
		$(SOTAY) serve --host $(HOST) --port $(PORT); \
	else \
		$(SOTAY) serve --host $(HOST) --port $(PORT); \
	fi

# Debian packages: Chromium for the browser tests, Tesseract (vie) for OCR, LibreOffice for .doc/.rtf/.odt
system:
	SYSTEM_PACKAGES_STRICT=1 bash scripts/system-packages.sh

# ruff over the product code; mypy over the packages that are clean so far (index service bot are not yet)
LINTED := core ingest index query answer service api bot sotay
TYPED  := core ingest query answer api sotay
lint: dev
	$(VENV)/bin/ruff check $(LINTED)
	$(PY) -m mypy $(TYPED)

# every test; test-fast leaves out the slow tier (the rule that marks it: tests/tiers.py)
test: lint system
	$(PY) -m pytest

test-fast: lint system
	$(PY) -m pytest -m "not slow"

eval: install
	$(PY) ../shared/eval/run_eval.py --base-url http://$(HOST):$(PORT) --questions ../shared/eval/dev.jsonl --ask

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
