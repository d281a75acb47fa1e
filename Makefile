# Two commands a newcomer needs: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SERVICES := $(PY) scripts/services.py --

.PHONY: backup restore run test install install-test checks lint types types-baseline layers templates-check migrations-check i18n-check deploy-check compose-check pytest pytest-clock mutate clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed-run: $(VENV)/bin/python requirements.txt requirements-local.txt
	$(PIP) install --quiet -r requirements-local.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/bin/python requirements.txt requirements-dev.txt requirements-local.txt
	$(PIP) install --quiet -r requirements-dev.txt -r requirements-local.txt
	touch $@

install: $(VENV)/.installed-run

install-test: $(VENV)/.installed-test
	bash scripts/test_setup.sh

## Run the app with demo data at http://127.0.0.1:8000 (web + Celery worker + beat).
run: install
	$(PY) scripts/run_local.py

## Install what the tests need and run every check and the whole test suite.
test: install-test checks pytest pytest-clock

checks: lint types layers templates-check migrations-check i18n-check deploy-check compose-check

lint:
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

## mypy with django-stubs and djangorestframework-stubs: services, selectors and permissions strict with
## no error allowed; elsewhere no error beyond mypy-baseline.txt (which only shrinks).
types:
	@! grep -E '^[a-z_]+/([a-z_]+/)*(services|selectors|permissions)(/[a-z_]+)?\.py' mypy-baseline.txt \
		|| { echo "mypy-baseline.txt may not hold errors of services, selectors or permissions"; exit 1; }
	$(VENV)/bin/mypy | $(VENV)/bin/mypy-baseline filter

types-baseline:
	$(VENV)/bin/mypy | $(VENV)/bin/mypy-baseline sync

## The layers of docs/architecture.md (contract in pyproject.toml).
layers:
	$(VENV)/bin/lint-imports

templates-check:
	$(VENV)/bin/djhtml --check $$(git ls-files '*.html' | grep -v '^static/')

migrations-check:
	$(SERVICES) $(PY) manage.py makemigrations --check --dry-run

i18n-check:
	$(PY) scripts/i18n.py check
	$(PY) scripts/i18n.py compile

deploy-check:
	DJANGO_ENV=production SECRET_KEY=ci-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	SHOUHU_FIELD_KEYS=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
	ALLOWED_HOSTS=shouhu.example.org $(PY) manage.py check --deploy --fail-level WARNING

compose-check:
	$(PY) scripts/check_compose.py

pytest:
	$(SERVICES) $(PY) -m pytest $(PYTEST_ARGS)

## Database (pg_dump custom format) + private files + manifest in one archive under backups/.
backup:
	$(SERVICES) $(PY) scripts/backup.py backup $(if $(OUT),--out $(OUT))

## Restore ARCHIVE into a fresh database (TO_DATABASE_URL) and an empty folder (TO_PRIVATE_DIR).
restore:
	@test -n "$(ARCHIVE)" -a -n "$(TO_DATABASE_URL)" -a -n "$(TO_PRIVATE_DIR)" || \
	  { echo "usage: make restore ARCHIVE=backups/shouhu-….tar TO_DATABASE_URL=postgres://… TO_PRIVATE_DIR=/srv/…"; exit 2; }
	$(PY) scripts/backup.py restore "$(ARCHIVE)" --database-url "$(TO_DATABASE_URL)" --private-dir "$(TO_PRIVATE_DIR)"

## The date-sensitive tests again with the clock moved to 1 January and to 29 February of a leap year
## (worker subprocesses move with it); browser and slow drills are left to `pytest`.
CLOCK_TESTS ?= tests/reports tests/notifications tests/cases tests/referrals
pytest-clock:
	SHOUHU_TEST_CLOCK=2027-01-01 $(SERVICES) $(PY) -m pytest -q -m "not browser and not slow" $(CLOCK_TESTS)
	SHOUHU_TEST_CLOCK=2028-02-29 $(SERVICES) $(PY) -m pytest -q -m "not browser and not slow" $(CLOCK_TESTS)

## Mutation testing (mutmut, slow: not part of `make test`); see docs/testing.md. MUTANTS="reports.figures*"
## limits the run to one module; each mutant runs only the tests that reach its function.
mutate: install-test
	$(SERVICES) $(PY) scripts/mutate.py $(MUTANTS)

clean:
	rm -rf $(VENV) .local staticfiles
