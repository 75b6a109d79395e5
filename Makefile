# The two commands: `make run` (demo on SQLite at http://127.0.0.1:8000) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
export FLASK_APP := kick_forms

.PHONY: run test install translations migrate demo chromium lint audit extract-messages java scale help-screenshots

run: install translations migrate demo
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Two workers (pytest-xdist), one per core, each running whole files in their order (tests of a
# file may share a live server), the longest files first (tests/conftest.py orders them; xdist's
# own order, by number of tests, would start the crawl last); each worker has its own PostgreSQL
# and Redis database. PYTEST_ARGS="-n 0" runs in one process.
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder
test: install translations chromium java node_modules/.package-lock.json
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# Catalogs are compiled here, never committed as binaries. The keywords are the translation
# functions beyond Babel's defaults (gettext, ngettext, pgettext…); tests/test_translations.py reads
# them from here.
MESSAGE_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d kick_forms/translations -D messages

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg $(MESSAGE_KEYWORDS) -o kick_forms/translations/messages.pot .
	$(BIN)/pybabel update -i kick_forms/translations/messages.pot -d kick_forms/translations --no-fuzzy-matching

migrate: install
	$(BIN)/flask db upgrade

demo: install
	$(BIN)/flask kick load-reference
	$(BIN)/flask kick load-demo --with-answers

# The help guide's screenshots, from the demo data on a fresh database (kick_forms/help/screenshots.py).
help-screenshots: install translations chromium
	$(BIN)/python scripts/help_screenshots.py

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here); the PDF
# export needs Pango and HarfBuzz's subsetter (WeasyPrint).
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
chromium:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the tests:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# The W3C Nu HTML checker (vnu-jar, see below) runs on Java.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's Java for the Nu HTML checker"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	}

# axe-core and the Nu HTML checker (vnu-jar) for the browser tests' accessibility and HTML checks.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Known vulnerabilities in the installed dependencies, from PyPI's advisory data: one found fails.
# So does any package the service could not look up (--strict): an audit that skipped packages
# checked nothing about them and must not pass. Run it where pypi.org is reachable; it is not
# part of .ci/run, whose machine reaches only a mirror (see docs/security.md).
audit: install
	$(BIN)/python -m pip freeze --all --exclude-editable > $(VENV)/audit-requirements.txt
	$(BIN)/pip-audit --strict --no-deps --disable-pip --requirement $(VENV)/audit-requirements.txt \
		--vulnerability-service pypi --progress-spinner off

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two app servers behind nginx on PostgreSQL and Redis (bench/scale.py; not part of `make test`).
scale: install translations
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the scale test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	}
	$(BIN)/python bench/scale.py $(SCALE_ARGS)
