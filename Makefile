# K-AI portal. `make run` serves the portal with demo data; `make test` runs the whole suite.
# Both set up what they need first (virtualenv, Python and npm packages, translations, database).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PORT ?= 8001
export DEMO_MODELS_URL ?= http://127.0.0.1:$(DEMO_PORT)

.PHONY: setup run test test-browser lint bench lock messages clean

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

locale/.compiled: $(wildcard locale/*/LC_MESSAGES/django.po) $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	touch $@

setup: $(VENV)/.installed node_modules/.installed locale/.compiled
	@mkdir -p var

# A developer's machine: DEBUG on, which also allows the embedded services production refuses.
run bench lint messages: export DJANGO_DEBUG = 1

# The database is migrated and the demo data loaded only when something they come from changed (a
# migration, the demo's sources and data, the database itself): a later `make run` goes straight to
# serving. The stamp is per database: the SQLite file in var/, or a hash of DATABASE_URL.
DEMO_SOURCES := $(wildcard */migrations/*.py) portal/management/commands/seed_demo.py \
	arena/endpoints/demo_models.py evaluation/demo.py evaluation/stage1.py ax_catalog/loading.py \
	ax_catalog/sample_data.py $(wildcard ax_catalog/data/* ax_catalog/mappings/*) requirements.lock
ifeq ($(strip $(DATABASE_URL)),)
DEMO_STAMP := var/.demo-ready
ifeq ($(wildcard var/portal.sqlite3),)
DEMO_FORCE := demo-force  # no database file: prepare it whatever the stamp says
endif
else
DEMO_STAMP := var/.demo-ready-$(shell printf '%s' '$(DATABASE_URL)' | md5sum | cut -c1-12)
endif

.PHONY: demo-force
$(DEMO_STAMP): export DJANGO_DEBUG = 1
$(DEMO_STAMP): $(DEMO_SOURCES) $(DEMO_FORCE) | setup
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	@touch $@

# The catalogue's search analyser loads on the first search here, not before serving (production
# loads it first, portal/asgi.py): seconds a developer waits only if they search. The periodic jobs
# start ten seconds later, so their first round does not compete with the portal's start.
run: setup $(DEMO_STAMP)
	@echo ""
	@echo "  K-AI portal:  http://127.0.0.1:$(PORT)/"
	@echo "  Demo models:  $(DEMO_MODELS_URL)/v1 (built-in demo server, not real teams)"
	@echo "  Staff login:  demo-admin / demo-pass-2026  at http://127.0.0.1:$(PORT)/accounts/login/"
	@echo ""
	@trap 'kill $$demo $$periodic 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py serve_demo_models --port $(DEMO_PORT) & demo=$$!; \
	(sleep 10; exec $(PY) manage.py run_periodic) > var/periodic.log 2>&1 & periodic=$$!; \
	AX_SEARCH_WARM_UP=$${AX_SEARCH_WARM_UP:-0} \
	$(VENV)/bin/uvicorn portal.asgi:application --host 127.0.0.1 --port $(PORT) --log-level warning \
		--ws-per-message-deflate false --ws-max-size 65536

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: setup
	$(PY) -m pytest tests/browser $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	$(PY) -m tests.benchmarks

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=tests --no-obsolete

lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet --upgrade pip
	var/lock-venv/bin/pip install --quiet ".[dev]"
	{ echo '# Every package the portal and its tests install, pinned. Regenerate with `make lock` after editing pyproject.toml.'; \
	  var/lock-venv/bin/pip freeze --exclude kai-portal; } > requirements.lock
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) node_modules var staticfiles locale/.compiled
