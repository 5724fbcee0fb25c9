# cityinno: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run` is for a laptop: debug on and the development key, unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: install run serve test lint format check bench bench-search bench-site clean

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
	$(MAKE) serve

serve: install
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
