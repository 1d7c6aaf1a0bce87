# Two commands: `make run` serves the site with demo data; `make test` runs the whole suite.
# Both set everything up first. Python 3.11 and Node.js (npm) must be on the machine.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test setup install assets env migrate seed lint typecheck check clean worker beat audit

# Emails wait in the outbox until something sends them; without a Celery worker that is
# outbox_watch, run beside the server and stopped with it (docs/email.md).
run: setup ## Set up, migrate, seed a new database and serve on http://127.0.0.1:$(PORT)
	@$(MANAGE) seed_demo --if-empty
	@$(MANAGE) demo_accounts
	@$(MANAGE) outbox_watch & watcher=$$!; \
	trap 'kill $$watcher 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Choose tests with PYTEST_ARGS, e.g. make test PYTEST_ARGS='-m "not browser"' or
# PYTEST_ARGS='tests/e2e -x'. Tests needing PostgreSQL, Redis or Chromium skip (fail with CI=true)
# when those are missing.
# Tests make their own database, so the development database is not migrated first.
test: install assets env ## Set up, then run the whole suite
	$(BIN)/pytest $(PYTEST_ARGS)

setup: install assets env migrate

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

assets: static/dist/app.css static/js/govuk-frontend.min.js static/dist/assets/images static/dist/fonts

# The one image GOV.UK Frontend's stylesheet refers to. No page uses it (we never show the GOV.UK
# brand), but the production static storage refuses a stylesheet that points at a missing file.
static/dist/assets/images: node_modules/.package-lock.json
	mkdir -p $@
	cp node_modules/govuk-frontend/dist/govuk/assets/images/govuk-crest.svg $@/
	touch $@

# A font with every Latin letter (Ł, Ó, ễ…), embedded in the PDFs we make (escalation posters,
# certificates): PDF's built-in fonts cannot show names outside Western European alphabets.
static/dist/fonts: node_modules/.package-lock.json
	mkdir -p $@
	cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf $@/
	cp node_modules/dejavu-fonts-ttf/LICENSE $@/DejaVu-LICENSE.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/dist/app.css: node_modules/.package-lock.json $(wildcard static/scss/*.scss)
	npx sass --quiet-deps --load-path=node_modules --style=compressed --no-source-map static/scss/app.scss $@

static/js/govuk-frontend.min.js: node_modules/.package-lock.json
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

env: .env

.env:
	cp .env.example .env

migrate: install env
	$(MANAGE) migrate --no-input

lint: install ## ruff, formatting, mypy and the layers between apps (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

# Needs the advisory services of PyPI and npm (docs/security.md, "Dependency audit").
audit: install ## Versions installed, and known vulnerabilities in them
	$(BIN)/pip freeze --exclude-editable
	npm ls --omit=dev --depth=0
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --skip-editable
	npm audit --omit=dev

worker: setup ## A Celery worker (needs CELERY_BROKER_URL)
	$(BIN)/celery -A config worker --loglevel=INFO

beat: setup ## Celery beat, which queues the scheduled jobs (needs CELERY_BROKER_URL)
	$(BIN)/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) node_modules static/dist static/js/govuk-frontend.min.js staticfiles
