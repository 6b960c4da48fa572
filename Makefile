# Two commands do everything on a fresh Debian machine:
#   make run   — virtual env, pinned requirements, demo data on first run, then the app
#   make test  — the same plus test tools and Debian packages the tests drive, then every test
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501
# Where the app listens. Anything but this machine needs SSTC_AUTH=accounts or oidc (README, "Who is signed in").
HOST ?= 127.0.0.1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test system-deps bench demo clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

demo: $(VENV)/.runtime
	$(PY) -m sstc_docs demo --if-empty

# The app's server (sstc_docs/ui/launch.py): `streamlit run streamlit_app.py`, warmed before it listens.
run: demo
	@case "$(HOST)" in 127.*|localhost|::1) ;; *) [ "$${SSTC_AUTH:-local}" != local ] || { \
		echo "make run HOST=$(HOST) opens the app to other machines, but SSTC_AUTH is local (whoever reaches it would act as $$USER)."; \
		echo "Set SSTC_AUTH=accounts (accounts an administrator creates) or SSTC_AUTH=oidc (your organisation's sign-in); see the README, \"Who is signed in\"."; \
		exit 2; } ;; esac
	$(PY) -m sstc_docs.ui.launch --server.address $(HOST) --server.port $(PORT) --server.maxUploadSize $$($(PY) -c 'import math; from sstc_docs.services.evidence import max_upload_mb_from_env as mb; print(math.ceil(mb()))')

# Debian packages the tests use: Chromium for the browser tests, LibreOffice and poppler to
# convert and read exported papers, Noto CJK so Chinese renders, pandoc to make Word files of
# another producer for the import tests, Node.js for the test OIDC provider, PostgreSQL's server
# (the tests start a throwaway one; Debian keeps initdb and pg_ctl in /usr/lib/postgresql/<major>/bin,
# off PATH). Installed only when missing.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v pandoc >/dev/null || missing="$$missing pandoc"; \
	{ command -v fc-list >/dev/null && fc-list | grep -qi "Noto Sans CJK"; } || missing="$$missing fonts-noto-cjk fontconfig"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The OpenID Connect provider the oidc browser journey signs in against (node_modules pinned by its lock file).
tests/oidc/node_modules: tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund
	touch $@

test: $(VENV)/.dev system-deps tests/oidc/node_modules
	$(PY) -m pytest

# Below the archive design point, in under 10 minutes; the full design point is the commands
# echoed below (each bench prints what it measured and how to run it larger).
bench: $(VENV)/.dev system-deps
	@echo "make bench runs below the design point; for the design point run: $(PY) bench/bench_store.py --scale 1 --engine postgresql; $(PY) bench/bench_pages.py --scale 1 --db FOLDER (builds the archive in FOLDER once, then measures it as often as run); $(PY) bench/bench_search.py --scale 1; $(PY) bench/bench_integrity.py --scale 1; $(PY) bench/bench_backup.py --scales 0.1 1"
	$(PY) bench/bench_store.py --scale 0.1 --engine postgresql
	$(PY) bench/bench_export.py
	$(PY) bench/bench_pages.py
	$(PY) bench/bench_diff.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_search.py
	$(PY) bench/bench_integrity.py
	$(PY) bench/bench_backup.py

clean:
	rm -rf $(VENV) build .pytest_cache tests/oidc/node_modules
