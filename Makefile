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

run: setup
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  K-AI portal:  http://127.0.0.1:$(PORT)/"
	@echo "  Demo models:  $(DEMO_MODELS_URL)/v1 (built-in demo server, not real teams)"
	@echo "  Staff login:  demo-admin / demo-pass-2026  at http://127.0.0.1:$(PORT)/accounts/login/"
	@echo ""
	@trap 'kill $$demo $$periodic 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py serve_demo_models --port $(DEMO_PORT) & demo=$$!; \
	$(PY) manage.py run_periodic > var/periodic.log 2>&1 & periodic=$$!; \
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
