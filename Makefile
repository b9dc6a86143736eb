# Build the editions of the manuscript in manuscript/ (or MANUSCRIPT=path/to/file.md).
#   make            all three editions into build/
#   make pdf | epub | html
#   make test       checks (ruff, mypy) and the test suite; make unit: the fast unit tests alone
#   make clean      remove build/ and dist/
# Each edition depends on exactly the files it is made from. No list of them is
# written here: every build writes, beside its edition, a depfile naming each file
# it read (the manuscript, the files its front matter names, and the toolchain's
# code, templates, styles and fonts that make that edition), and Make includes
# those. A second `make` with nothing changed does nothing; an edit rebuilds the
# editions that read the file edited, and no other.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= build
MANUSCRIPT ?= $(firstword $(wildcard manuscript/*.md))
NAME := $(basename $(notdir $(patsubst %/,%,$(MANUSCRIPT))))
# Reproducible editions: dates come from the last commit unless set by the caller.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

PDF := $(OUT)/$(NAME).pdf
EPUB := $(OUT)/$(NAME).epub
HTML := $(OUT)/$(NAME).html

# The editions build side by side; they share the Pandoc pass and the print
# layout through the build cache, whose locks make the later one wait and reuse.
MAKEFLAGS += --jobs=3 --output-sync=target

.DELETE_ON_ERROR:
.PHONY: all pdf epub html check watch test unit lint clean lock release proof bench

all: pdf epub html
pdf: $(PDF)
epub: $(EPUB)
html: $(HTML)

# Before the first build, an edition depends on the manuscript and the toolchain's
# installation (the fonts for scripts other than Latin, Greek, Cyrillic, Hebrew
# and Hangul come from npm); the depfiles the builds write add the rest.
$(PDF) $(EPUB) $(HTML): $(MANUSCRIPT) $(VENV)/.installed node_modules/.installed
	$(PY) build.py $(subst .,,$(suffix $@)) --manuscript $(MANUSCRIPT) --out $(OUT)

# The EPUB's page list gives the print edition's page numbers: when both are made,
# they run side by side, and the EPUB waits for the PDF build's layout (through the
# build cache) only when it needs the page list, instead of laying the book out again.

-include $(wildcard $(OUT)/.deps/$(NAME).*.d)

# Check the manuscript without building: every finding as file:line:column.
check: $(VENV)/.installed node_modules/.installed
	$(PY) build.py check --manuscript $(MANUSCRIPT) --out $(OUT)

# Rebuild the web edition on every save and serve it on 127.0.0.1 with automatic reload.
watch: $(VENV)/.installed
	$(PY) build.py serve --manuscript $(MANUSCRIPT) --out $(OUT)

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

# The fonts for other scripts and the validators from npm (Ace, Nu Html Checker,
# axe-core). No browser is downloaded: they drive Debian's Chromium through tests/tools/chromium.
node_modules/.installed: package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts
	touch $@

test: lint node_modules/.installed
	$(PY) -m pytest

# The fast layer alone: unit tests that need neither validators nor a browser.
unit: $(VENV)/.installed-dev
	$(PY) -m pytest tests/unit

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check press build.py tests bench
	$(VENV)/bin/mypy press build.py

# For review without a PDF viewer or a browser: the PDF's pages as PNG images with
# a contact sheet, and screenshots of the web edition on a phone and a desktop.
proof: $(PDF) $(HTML) $(VENV)/.installed-dev
	$(PY) -m tests.proof $(PDF) $(HTML) $(OUT)/proof

# A clean build of every edition, validated, under versioned names in dist/.
release: $(VENV)/.installed-dev node_modules/.installed
	$(PY) -m press.release --manuscript $(MANUSCRIPT) --dist dist

# Times and memory against the pipeline one would script by hand; writes bench/RESULTS.md.
bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

lock: $(VENV)/.installed-dev
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.lock requirements.in
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements-dev.lock requirements-dev.in

clean:
	rm -rf $(OUT) dist
