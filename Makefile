PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint format install system-packages lock check-deploy clean-data bench screenshots

run: $(VENV)/.installed ## Serve the demo site at http://127.0.0.1:8000 with the email worker
	$(MANAGE) dev

test: install system-packages ## The whole test suite (embedded PostgreSQL unless DATABASE_URL is set)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed system-packages ## The site as production runs it, under load from wrk: one table, and benchmarks/results/latest.json
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

screenshots: install ## PNGs of the main pages at 375 and 1280 px, light and dark, into docs/screenshots/
	$(BIN)/pytest tests/browser/screenshots.py -q $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff (lint and format) and djhtml on the templates
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

check-deploy: install ## Django's deployment checks under production settings with test values
	DJANGO_SETTINGS_MODULE=practice.settings.production \
	SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	ALLOWED_HOSTS=practice.example DATABASE_URL=$${DATABASE_URL:-postgres://localhost/practice} \
	INQUIRY_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	$(MANAGE) check --deploy --fail-level WARNING

install: $(VENV)/.installed node_modules/.installed

# Chromium, Java, wrk, redis-server, Varnish: installed when missing (root or sudo -n), or
# named with the command that installs them. .ci/run calls the same script.
system-packages:
	bin/install-system-packages

# axe-core and the Nu HTML Checker for the page checks in tests/browser/.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

PIP_COMPILE := $(BIN)/pip-compile --quiet --strip-extras --no-header --allow-unsafe \
	--no-emit-index-url --no-emit-find-links

lock: install ## Re-pin both lock files from pyproject.toml's ranges
	$(BIN)/pip install --quiet pip-tools
	$(PIP_COMPILE) --upgrade -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --upgrade --extra dev -o requirements-dev.lock pyproject.toml

clean-data: ## Delete the embedded database, uploaded media and dev mail
	rm -rf .data media
