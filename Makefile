# make run   - from a fresh clone to a development server on 127.0.0.1:8000
# make test  - from a fresh clone to format, lint, type and test checks
# make bench - print the benchmark figures
# make resilience - run the load and fault scenarios (needs PostgreSQL)

PYTHON ?= $(shell command -v python3.13 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := DEBUG=true $(BIN)/python manage.py

.PHONY: install system-deps run test lint format bench resilience lock clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 13), "Python 3.13 is required (see .python-version)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

install: $(VENV)/.installed

# Chromium drives the browser tests, pdftoppm renders report pages, and
# WeasyPrint needs Pango and a font. Installed from Debian's packages when
# missing and we may (root); otherwise say what to install.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	ldconfig -p | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Please install:$$missing (apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

# The task worker (PDF reports) runs beside the server and stops with it.
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) sync_questionnaires
	$(MANAGE) db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

test: install system-deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DEBUG=true $(BIN)/mypy .
	DEBUG=true $(BIN)/pytest

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench

# Load and fault scenarios against gunicorn and PostgreSQL (docs/resilience.md).
resilience: install system-deps
	$(BIN)/python -m bench.resilience

# Re-pin every package after changing pyproject.toml.
lock:
	rm -rf .lockenv
	$(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check --upgrade pip
	.lockenv/bin/pip install --quiet --disable-pip-version-check . --group dev
	.lockenv/bin/pip freeze --exclude mlops-maturity > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache .pytest_cache
