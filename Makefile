# НОКО — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
TEST_PG_NAME ?= noko_test_$(shell id -un)

.PHONY: run test test-sqlite test-postgres lint bench venv chromium postgres migrate demo worker messages clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
# and nginx for the production-stack test (it is skipped, with its reason, where nginx is missing).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v nginx >/dev/null || command -v /usr/sbin/nginx >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null || true

# The local PostgreSQL cluster the PostgreSQL half of the suite runs against.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start"; exit 1

migrate: venv
	DEBUG=1 $(PY) manage.py migrate --no-input

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo --if-empty

# Serve the demo on http://127.0.0.1:8000 with a background worker for long jobs.
run: demo
	DEBUG=1 $(PY) manage.py collectstatic --no-input -v0
	@DEBUG=1 $(PY) manage.py worker --interval 1 >var/worker.log 2>&1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

worker: venv
	DEBUG=1 $(PY) manage.py worker

test: venv chromium postgres lint test-sqlite test-postgres

test-sqlite: venv
	NOKO_TESTING=1 DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: venv postgres
	NOKO_TESTING=1 DATABASE_URL=$(PG_URL) TEST_DATABASE_NAME=$(TEST_PG_NAME) $(PY) -m pytest --create-db $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Figures on a generated region of BENCH_SIZE organizations (default 2000): SQLite, then PostgreSQL.
bench: venv postgres
	DATABASE_URL= $(PY) -m bench $(BENCH)
	DATABASE_URL=$(PG_URL) $(PY) -m bench $(BENCH)

messages: venv
	DEBUG=1 $(PY) manage.py compilemessages -l ru

clean:
	rm -rf $(VENV) var

# --- operations (docs/deploy.md) ----------------------------------------------------------------
.PHONY: backup restore verify-backup check-deploy fuzz test-deploy

# Back up the configured database and MEDIA_ROOT into BACKUP_DIR (var/backups for the demo).
backup: venv
	DEBUG=$${DEBUG-1} $(PY) manage.py backup

# Restore BACKUP=var/backups/noko-… into the configured database (FORCE=1 to replace a non-empty one).
restore: venv
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/noko-YYYYmmdd-HHMMSS [FORCE=1]"; exit 2; }
	DEBUG=$${DEBUG-1} $(PY) manage.py restore "$(BACKUP)" $(if $(FORCE),--force,)

# Restore BACKUP into a scratch database, compare every table's row count, drop it again.
verify-backup: venv
	@test -n "$(BACKUP)" || { echo "usage: make verify-backup BACKUP=var/backups/noko-YYYYmmdd-HHMMSS"; exit 2; }
	DEBUG=$${DEBUG-1} $(PY) manage.py verify_backup "$(BACKUP)"

# Production settings pass Django's deployment checks (with a throw-away key and database).
check-deploy: venv
	env -u DEBUG -u NOKO_TESTING SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(64))") \
	  ALLOWED_HOSTS=noko.example.ru DATABASE_URL=$(PG_URL) $(PY) manage.py check --deploy --fail-level WARNING

# API fuzzing and hostile form posts; NOKO_FUZZ_EXAMPLES=500 NOKO_FUZZ_RANDOM=1 make fuzz digs deeper.
fuzz: venv
	NOKO_TESTING=1 DATABASE_URL= $(PY) -m pytest -q noko/tests/test_fuzz_api.py noko/tests/test_hostile_forms.py $(PYTEST_ARGS)

# Deployment tests on PostgreSQL: backups with pg_dump/pg_restore, three workers on one queue,
# and the production stack behind nginx (nginx from Debian: apt-get install nginx-light).
test-deploy: venv postgres
	NOKO_TESTING=1 DATABASE_URL=$(PG_URL) TEST_DATABASE_NAME=$(TEST_PG_NAME)_deploy $(PY) -m pytest --create-db noko/tests $(PYTEST_ARGS)
