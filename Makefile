# 交叉熵与反向传播 · Cross-Entropy and Backpropagation
#   make book   build the site into _build/html: three editions, zh/, en/ and both/,
#               and JupyterLite (creates .venv on first use)
#   make test   the whole test suite: the build at zero warnings, unit and
#               property tests, bilingual checks, the built site in Chromium,
#               Binder, strict nbval of every chapter
#   make check  the everyday fast tier (under a minute): unit, property, lint and
#               extension tests; no build, no browser, no notebooks

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
# Both cores: a notebook's cells, and a module's tests (or one page's browser tests), stay in one
# worker (tests/conftest.py gives the groups and runs the longest first).
PYTEST_WORKERS ?= 2
XDIST := -n $(PYTEST_WORKERS)

.PHONY: book test check build editions lite pytest fonts assets browser execute bench clean help

help:
	@echo "make book     build the site into _build/html"
	@echo "make test     run every test (build, unit, bilingual, site, browser, Binder, nbval)"
	@echo "make check    the fast tier, under a minute: unit, property, lint and extension tests"
	@echo "               (HYPOTHESIS_PROFILE=thorough make check: twenty times the random examples)"
	@echo "make execute  re-run the chapter notebooks and store their outputs"
	@echo "make bench    benchmark the network step, the chapters and the build"
	@echo "make fonts    make sure a font with Chinese glyphs is installed"
	@echo "make clean    remove _build"

# The virtual environment, (re)installed whenever the pins or the package change.
# uv (pinned, from PyPI) installs the same pins as pip would, several times faster;
# it compiles the bytecode now, so that no process (a build, a kernel, a test worker)
# compiles the libraries again, even where PYTHONDONTWRITEBYTECODE is set.
$(STAMP): requirements.txt code/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@start=$$(date +%s); \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) && \
	VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/uv pip install --quiet --compile-bytecode -r requirements.txt && \
	echo "time: install requirements $$(( $$(date +%s) - start )) s"
	@touch $@

# Figures carry Chinese labels: they need a CJK font. Debian/Ubuntu get the one
# Binder installs (apt.txt); elsewhere the message says what to install.
fonts: $(STAMP)
	@if fc-list :lang=zh family 2>/dev/null | grep -q .; then \
	  true; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "fonts: installing $$(grep -v '^#' apt.txt | xargs) with apt-get"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$(grep -v '^#' apt.txt | xargs) >/dev/null; \
	else \
	  echo "fonts: no CJK font found. Install Noto Sans CJK SC (or Source Han Sans SC) and run make again." >&2; exit 1; \
	fi
	@# Build Matplotlib's font cache now, so that no notebook prints "building the font cache".
	@MPLBACKEND=Agg $(BIN)/python -c "import ce_backprop as cb, sys; print('fonts: figures use', cb.CJK_FONT); sys.exit(0 if cb.CJK_FONT else 1)" \
	  || { echo "fonts: Matplotlib finds no CJK font" >&2; exit 1; }

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@if command -v chromium >/dev/null 2>&1; then \
	  echo "browser: $$(chromium --version 2>/dev/null | head -n1)"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "browser: installing Debian's chromium with apt-get"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null \
	  || echo "browser: chromium could not be installed; the browser tests will be skipped"; \
	else \
	  echo "browser: no chromium and no apt-get; the browser tests will be skipped"; \
	fi

# MathJax, RequireJS and the widget manager, served by the site itself (no CDN).
assets: $(STAMP)
	@$(BIN)/python tools/vendor_assets.py

# The three editions (中文, English, 中英) from the same sources and one configuration:
# _config.yml and _toc.yml become Sphinx's conf.py (`jupyter-book config sphinx`, not
# committed), and each edition is one `sphinx-build` with two values changed,
# `course_edition` and Sphinx's `language` (the table of editions: _ext/editions.json).
# `make build` runs them and JupyterLite side by side (-j), each logging to _build/logs/;
# Sphinx's -W fails an edition on any warning. Then the site's root (tools/site_root.py).
EDITIONS := $(shell $(PYTHON) -c 'import json; print(*json.load(open("_ext/editions.json"))["editions"])')
edition_language = $(shell $(PYTHON) -c 'import json, sys; print(json.load(open("_ext/editions.json"))["editions"][sys.argv[1]]["language"])' $(1))
JOBS ?= 4

conf.py: _config.yml _toc.yml $(STAMP)
	@$(BIN)/jupyter-book config sphinx . >/dev/null

# An edition builds in a folder of its own (myst-nb writes beside the output) and then
# takes its place in _build/html.
edition-%: conf.py $(STAMP)
	@mkdir -p _build/logs _build/html; rm -rf _build/editions/$*; start=$$(date +%s); \
	PYTHONPATH=_ext $(BIN)/sphinx-build -b html -E -W -n --keep-going -q \
	  -D course_edition=$* -D language=$(call edition_language,$*) \
	  -d _build/editions/$*/doctrees . _build/editions/$*/html 2>&1 | tee _build/logs/$*.log; \
	status=$${PIPESTATUS[0]}; \
	if [ $$status = 0 ]; then rm -rf _build/html/$* && mv _build/editions/$*/html _build/html/$*; fi; \
	echo "time: $* $$(( $$(date +%s) - start )) s"; exit $$status

lite: $(STAMP)
	@mkdir -p _build/logs; start=$$(date +%s); \
	$(BIN)/python tools/build_lite.py > _build/logs/lite.log 2>&1; status=$$?; \
	[ $$status = 0 ] || tail -n 15 _build/logs/lite.log; \
	echo "time: lite $$(( $$(date +%s) - start )) s"; exit $$status

editions: $(addprefix edition-,$(EDITIONS))

build: $(STAMP) fonts assets
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory -j$(JOBS) editions lite && $(BIN)/python tools/site_root.py; status=$$?; \
	echo "time: book build ($(EDITIONS) + JupyterLite) $$(( $$(date +%s) - start )) s"; exit $$status

book: build
	@echo "The site is in _build/html (editions zh/, en/, both/; index.html picks one). Open it with:"
	@echo "  xdg-open _build/html/index.html      # or: open _build/html/index.html (macOS)"
	@echo "  or serve it: $(BIN)/python -m http.server -d _build/html 8000  → http://127.0.0.1:8000"

# Every test of the built site fails (not skips) when the site is missing.
pytest: $(STAMP) fonts browser
	@start=$$(date +%s); \
	$(BIN)/python -m pytest $(XDIST) --require-site; status=$$?; \
	echo "time: pytest (unit, bilingual, site, browser, Binder, nbval) $$(( $$(date +%s) - start )) s"; \
	exit $$status

# The tiers are markers (pytest.ini): everything but the built site, the browser,
# Binder and the notebooks. `pytest -m browser`, `-m nbval`, … run one tier.
check: $(STAMP) fonts assets
	@start=$$(date +%s); \
	$(BIN)/python -m pytest tests -m "not (site or binder or nbval)" $(XDIST); status=$$?; \
	echo "time: make check $$(( $$(date +%s) - start )) s"; \
	exit $$status

test: $(STAMP) fonts browser
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory build && $(MAKE) --no-print-directory pytest; status=$$?; \
	echo "time: make test $$(( $$(date +%s) - start )) s in all"; \
	exit $$status

execute: $(STAMP) fonts
	$(BIN)/python tools/execute_notebooks.py

# Samples per second of the network step (float32/float64, batch 16/256/4096), against
# PyTorch CPU when it is installed; then the wall time of every chapter and of a cold build.
bench: $(STAMP) fonts assets
	$(BIN)/python tools/bench.py

clean:
	rm -rf _build conf.py
