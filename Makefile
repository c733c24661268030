# Perhelinja — everything a newcomer needs is behind `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links the demo prints and mails point at the port it serves (unless SITE_URL is given).
SITE_URL ?= http://127.0.0.1:$(PORT)
DEMO_ENV := DEBUG=True

.PHONY: install demo serve-demo serve test test-all test-quick lint format diagram messages clean bench screenshots vendor \
	loadtest bench-replica bench-growth

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEMO_ENV) SITE_URL='$(SITE_URL)' $(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (admin at /admin/). Stop with Ctrl-C."
	$(DEMO_ENV) SITE_URL='$(SITE_URL)' $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production shape on this machine: gunicorn + WhiteNoise, a Celery worker and beat,
# PostgreSQL and Redis, DEBUG off (see bin/serve and docs/operations.md).
serve: install
	PORT=$(PORT) $(BIN)/python bin/serve

# Finland scale (1.0 = a million referrals) in its own PostgreSQL database; the data is made
# once and reused while the scale stays the same. See docs/scale.md and bench/results.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/perhelinja_bench
BENCH_SCALE ?= 1.0
BENCH_ITERATIONS ?= 200
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=False TOOLS=True STATIC_MANIFEST=False \
	SECRET_KEY=bench-only-not-secret \
	FIELD_ENCRYPTION_KEYS=YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE= \
	$(BIN)/python manage.py bench --scale $(BENCH_SCALE) --iterations $(BENCH_ITERATIONS)

# The bench at 10k, 100k and 1M referrals (issue 20), each size in a database of its own named
# after BENCH_DATABASE_URL's (perhelinja_bench_10k, perhelinja_bench_100k; scale 1 reuses
# perhelinja_bench itself); writes bench/growth/ (each run), bench/growth.svg and bench/growth.md.
# `manage.py bench_growth --plot-only` redraws from the runs already made. See docs/scale.md#growth.
GROWTH_SCALES ?= 0.01,0.1,1
bench-growth: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=False TOOLS=True STATIC_MANIFEST=False \
	SECRET_KEY=bench-only-not-secret \
	FIELD_ENCRYPTION_KEYS=YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE= \
	$(BIN)/python manage.py bench_growth --scales $(GROWTH_SCALES) --iterations $(BENCH_ITERATIONS)

# The load test (issue 20): locust, headless, against two gunicorn instances and two Celery
# workers on 127.0.0.1, in the bench's database (the same data, made once); with the replica of
# `make bench-replica` running, the web tier reads the dashboard, reports and catalogue from it.
# Writes a "Load test" section into bench/results.md. See docs/scale.md#load-test.
LOADTEST_SCALE ?= 1.0
LOADTEST_USERS ?= 50
LOADTEST_SECONDS ?= 120
LOADTEST_OUTPUT ?= bench/results.md
loadtest: install
	DATABASE_URL=$(BENCH_DATABASE_URL) \
	DATABASE_REPLICA_URL=$$($(BIN)/python bin/bench-replica --url $(notdir $(BENCH_DATABASE_URL))) \
	DEBUG=False TOOLS=True STATIC_MANIFEST=False SECRET_KEY=bench-only-not-secret \
	FIELD_ENCRYPTION_KEYS=YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE= \
	$(BIN)/python manage.py loadtest --scale $(LOADTEST_SCALE) --users $(LOADTEST_USERS) \
		--seconds $(LOADTEST_SECONDS) --output $(LOADTEST_OUTPUT)

# A read-only streaming replica of the local PostgreSQL on 127.0.0.1:5433 (pg_basebackup, made
# once in /tmp/perhelinja-replica, started when stopped); `bin/bench-replica --stop` stops and
# removes it.
bench-replica:
	$(BIN)/python bin/bench-replica

# The whole suite, as CI runs it (`.ci/run`); test-quick leaves out the tests that drive a
# browser, start the production stack or are slow.
test: install
	$(BIN)/pytest

test-all: test

test-quick: install
	$(BIN)/pytest -m "not browser and not serve and not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

diagram: install
	$(DEMO_ENV) $(BIN)/python manage.py referral_diagram --write docs/architecture.md

messages: install
	$(DEMO_ENV) $(BIN)/python manage.py makemessages -l fi -l sv --no-obsolete --ignore=.venv --ignore=tests --ignore=demo
	$(DEMO_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv

# The design system's CSS (hds-core, MIT), committed under static/vendor/hds-core: only the base
# and the components the templates use. Refresh with `make vendor` (needs npm and the registry),
# check the pages, commit. Nothing else runs it; the site never loads it from a CDN.
HDS_VERSION ?= 5.2.2
HDS_COMPONENTS := button card notification pagination status-label step-by-step table tag
HDS_DIR := static/vendor/hds-core
vendor:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	(cd "$$tmp" && npm pack --silent hds-core@$(HDS_VERSION) >/dev/null && tar -xzf hds-core-$(HDS_VERSION).tgz) && \
	! grep -l '@font-face' "$$tmp"/package/lib/base.min.css \
		$(foreach c,$(HDS_COMPONENTS),"$$tmp"/package/lib/components/$(c)/$(c).min.css) && \
	rm -rf $(HDS_DIR)/components $(HDS_DIR)/*.css && mkdir -p $(HDS_DIR) && \
	cp "$$tmp"/package/LICENSE $(HDS_DIR)/ && \
	cat "$$tmp"/package/lib/base.min.css \
		$(foreach c,$(HDS_COMPONENTS),"$$tmp"/package/lib/components/$(c)/$(c).min.css) \
		| sed '/sourceMappingURL/d' > $(HDS_DIR)/hds-core.min.css && \
	sed -i 's/^Version: .*/Version: $(HDS_VERSION)/' $(HDS_DIR)/README.md && \
	echo "hds-core $(HDS_VERSION) vendored into $(HDS_DIR)"

clean:
	rm -rf $(VENV) db.sqlite3 static-collected .pytest_cache .ruff_cache screenshots

# Full-page screenshots of each role's main pages, in Finnish and Swedish at 390x844 and
# 1366x800, into screenshots/ (git-ignored), from a throwaway demo database kept there too.
SCREENSHOTS_ENV := $(DEMO_ENV) DATABASE_URL=sqlite:///$(CURDIR)/screenshots/demo.sqlite3
screenshots: install
	rm -rf screenshots
	mkdir -p screenshots
	$(SCREENSHOTS_ENV) $(BIN)/python manage.py migrate --no-input
	$(SCREENSHOTS_ENV) $(BIN)/python manage.py seed_demo --quiet-users
	$(SCREENSHOTS_ENV) $(BIN)/python manage.py screenshots --out screenshots
