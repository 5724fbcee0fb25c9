# cityinno: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# `make run` is for a laptop: debug on and the development key, unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}
# `make serve` runs the production configuration on this machine: DEBUG off, collected and
# compressed static files, gunicorn. What a laptop lacks gets a local default: a secret key kept
# in .secret-key (made once), this machine's host names, plain HTTP (no TLS redirect, no HSTS)
# and Django serving uploads. On a server, set these in the environment instead (README, Deploy).
SECRET_FILE := .secret-key
SERVE_ENV := DEBUG=false \
  SECRET_KEY="$${SECRET_KEY:-$$(cat $(SECRET_FILE))}" \
  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1]}" \
  SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
  SECURE_HSTS_SECONDS="$${SECURE_HSTS_SECONDS:-0}" \
  SERVE_MEDIA="$${SERVE_MEDIA:-true}" \
  PORT=$(PORT)

.PHONY: install run serve test lint format check bench bench-search bench-site bench-resilience clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py ensure_admin
	$(RUN_ENV) $(BIN)/python manage.py ensure_roles
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

$(SECRET_FILE):
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: install $(SECRET_FILE)
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) exec $(BIN)/gunicorn -c gunicorn.conf.py

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-production-like-secret-value \
	  ALLOWED_HOSTS=news.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: install
	$(BIN)/python bench/run.py

bench-search: install
	$(BIN)/python bench/search.py

bench-site: install
	$(BIN)/python bench/site.py $(BENCH_ARGS)

bench-resilience: install
	$(BIN)/python bench/resilience.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
