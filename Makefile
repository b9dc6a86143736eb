# Build the editions of every title of the press's list: the manuscripts in
# manuscript/ (LIST=folder or list file for another list; see press/titles.py).
#   make            every title's three editions into build/, and the catalogue
#   make TITLE=name the editions of that title alone (TITLE="a b" for several)
#   make MANUSCRIPT=path/to/file.md   one manuscript, outside any list
#   make pdf | epub | html
#   make test       checks (ruff, mypy) and the test suite; make unit: the fast unit tests alone
#   make clean      remove build/ and dist/
# Each edition depends on exactly the files it is made from. No list of them is
# written here: every build writes, beside its edition, a depfile naming each file
# it read (the manuscript, the files its front matter names, and the toolchain's
# code, templates, styles and fonts that make that edition), and Make includes
# those. Nor are the titles listed here: `build.py titles` writes them into a
# fragment Make includes, remade when the list's folders change. A second `make`
# with nothing changed does nothing and starts no Python; an edit rebuilds the
# editions that read the file edited, and no other.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
COMPILED := press/__pycache__/.compiled
OUT ?= build
LIST ?= manuscript
TITLE ?=
MANUSCRIPT ?=
EDITIONS := pdf html epub
# A title's editions in one process, unless the goals name editions (see the title rules below).
ONE_PROCESS ?= $(if $(filter $(EDITIONS),$(MAKECMDGOALS)),,1)
# The files of names' editions: $(call editions_of,names,editions).
editions_of = $(foreach edition,$(2),$(1:%=$(OUT)/%.$(edition)))
# Reproducible editions: dates come from the last commit unless set by the caller.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

# Titles build side by side, as many jobs at once as the machine has cores (make -jN for
# another number); a title's editions share its Pandoc pass and print layout through
# the build cache, whose locks make the later one wait and reuse.
MAKEFLAGS += --jobs=$(shell nproc 2>/dev/null || echo 2) --output-sync=target

.DELETE_ON_ERROR:
.DEFAULT_GOAL := all
.PHONY: all pdf epub html check watch test unit lint clean lock release proof bench bench-list FORCE

# The goals that need no list of titles (and so no virtual environment to read it).
LIST_FREE_GOALS := clean lock unit lint test bench bench-list
ifneq ($(MANUSCRIPT),)
# One manuscript (or a book's folder), named after its file (or folder).
TITLES := $(basename $(notdir $(patsubst %/,%,$(MANUSCRIPT))))
title.$(TITLES) := $(MANUSCRIPT)
else ifneq ($(filter-out $(LIST_FREE_GOALS),$(or $(MAKECMDGOALS),all)),)
TITLES_MK := $(OUT)/.deps/titles.mk
TITLES_NAMES := $(OUT)/.deps/titles.names
include $(TITLES_MK)
# Remade when a folder of the list changes (a title added) or for another list; the names
# file, only when the titles change.
$(TITLES_MK): $(LIST) $(if $(filter-out $(abspath $(LIST)),$(abspath $(TITLES_LIST))),FORCE) $(VENV)/.installed | $(COMPILED)
	$(PY) build.py titles --list $(LIST) --make $@ --names $(TITLES_NAMES)
$(TITLES_NAMES):
	$(PY) build.py titles --list $(LIST) --names $@
LIST_OUTPUTS := $(if $(TITLE),,$(OUT)/catalogue.html $(OUT)/catalogue.xml $(call editions_of,$(ISSUES),pdf epub))
endif
SELECTED := $(or $(TITLE),$(TITLES))

# The editions are written whole or not at all (press/output.py), and a title's build that fails has kept, or
# made again, editions that are sound: Make must not delete them.
.PRECIOUS: $(call editions_of,$(TITLES),$(EDITIONS))
all: $(call editions_of,$(SELECTED),$(EDITIONS)) $(LIST_OUTPUTS)
pdf: $(call editions_of,$(SELECTED),pdf)
epub: $(call editions_of,$(SELECTED),epub)
html: $(call editions_of,$(SELECTED),html)

# A title's editions. Before the first build they depend on the manuscript and the
# toolchain's installation (the fonts for scripts other than Latin, Greek, Cyrillic,
# Hebrew and Hangul come from npm); the depfiles the builds write add the rest.
# A title's editions are made by one `build.py all` (ONE_PROCESS, the default unless the goals
# name editions): Python starts and the manuscript is read once, and the editions are made side
# by side, the PDF in that process, the web edition then the EPUB in one forked from it
# (press/sidebyside.py). An edition made from the same files as before is kept as it is
# (press/freshness.py), so an edit still remakes only the editions that read the file edited.
# With ONE_PROCESS= (empty), or for `make pdf`, each edition is a process of its own. Either way
# the EPUB's page list gives the print edition's page numbers: the EPUB waits for the PDF build's
# layout (through the build cache) only when it needs the page list, instead of laying the book
# out again.
# An article of a journal's issue is built with its place in the issue (its pages), which
# the issue's build writes (see press/issue.py).
define title_rules
ifeq ($(ONE_PROCESS),)
$(call editions_of,$(1),$(EDITIONS)): $(title.$(1)) $(metadata.$(1)) $(VENV)/.installed node_modules/.installed | $(COMPILED)
	$$(PY) build.py $$(subst .,,$$(suffix $$@)) --manuscript $(title.$(1)) --out $$(OUT)$(if $(metadata.$(1)), --metadata-file $(metadata.$(1)))
else
$(call editions_of,$(1),$(EDITIONS)) &: $(title.$(1)) $(metadata.$(1)) $(VENV)/.installed node_modules/.installed | $(COMPILED)
	$$(PY) build.py all --manuscript $(title.$(1)) --out $$(OUT)$(if $(metadata.$(1)), --metadata-file $(metadata.$(1)))
endif
endef
# A journal's issue: a PDF and an EPUB of its articles, and each article's pages (which move
# when an article before it grows, so that every article of the issue is rebuilt with the issue).
define issue_rules
$(OUT)/$(1).pdf $(OUT)/$(1).epub $(foreach name,$(articles.$(1)),$(metadata.$(name))) &: $(issue.$(1)) $(foreach name,$(articles.$(1)),$(title.$(name))) $(VENV)/.installed node_modules/.installed | $(COMPILED)
	$$(PY) build.py issue $(issue.$(1)) --list $$(LIST) --out $$(OUT)
endef
define unknown_title
$(call editions_of,$(1),$(EDITIONS)):
	@echo "error: no title named '$(1)' in $(LIST); the titles are: $(TITLES)" >&2; exit 1
endef
$(foreach name,$(TITLES),$(eval $(call title_rules,$(name))))
$(foreach name,$(ISSUES),$(eval $(call issue_rules,$(name))))
$(foreach name,$(filter-out $(TITLES),$(SELECTED)),$(eval $(call unknown_title,$(name))))
-include $(wildcard $(foreach name,$(SELECTED) $(ISSUES),$(OUT)/.deps/$(name).*.d))

# The catalogue: a web page and an OPDS feed of every title, read from its editions.
$(OUT)/catalogue.html $(OUT)/catalogue.xml &: $(call editions_of,$(TITLES),$(EDITIONS)) $(TITLES_NAMES) | $(COMPILED)
	$(PY) build.py catalogue --list $(LIST) --out $(OUT)
-include $(if $(LIST_OUTPUTS),$(wildcard $(OUT)/.deps/catalogue.d))

# A goal that works on one title names it: TITLE=name, unless the list has but one.
ONE = $(if $(filter 1,$(words $(SELECTED))),$(title.$(SELECTED)),$(error name one title: make $@ TITLE=name (the titles: $(TITLES))))

# Check the manuscripts without building: every finding as file:line:column.
check: $(SELECTED:%=check-%)
check-%: $(VENV)/.installed node_modules/.installed | $(COMPILED)
	$(PY) build.py check --manuscript $(title.$*) --out $(OUT)

# Rebuild the web edition on every save and serve it on 127.0.0.1 with automatic reload.
watch: $(VENV)/.installed | $(COMPILED)
	$(PY) build.py serve --manuscript $(ONE) --out $(OUT)

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

# The toolchain's own modules compiled, as pip compiles an installed package's: every build
# would otherwise compile them again (a quarter of a second) wherever PYTHONDONTWRITEBYTECODE
# keeps Python from caching them itself. Again for the modules changed since; checked by their
# sources' times (SOURCE_DATE_EPOCH, exported here, would make compileall hash every source at
# every import instead).
$(COMPILED): $(wildcard press/*.py press/*/*.py) | $(VENV)/.installed
	$(PY) -m compileall -q --invalidation-mode timestamp press
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

# The fonts for other scripts and the validators from npm (Ace, Nu Html Checker,
# axe-core). No browser is downloaded: they drive Debian's Chromium through tests/tools/chromium.
node_modules/.installed: package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The suite in as many processes as the machine has cores, each test file in one of them (its fixtures
# are built once): on two cores, much of a test's time is a validator or a browser starting up.
test: lint node_modules/.installed | $(COMPILED)
	$(PY) -m pytest -n auto --dist loadfile

# The fast layer alone: unit tests that need neither validators nor a browser.
unit: $(VENV)/.installed-dev | $(COMPILED)
	$(PY) -m pytest tests/unit

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check press build.py tests bench
	$(VENV)/bin/mypy press build.py tests

# For review without a PDF viewer or a browser: the PDF's pages as PNG images with
# a contact sheet, and screenshots of the web edition on a phone and a desktop.
proof: $(if $(filter 1,$(words $(SELECTED))),$(call editions_of,$(SELECTED),pdf html)) $(VENV)/.installed-dev | $(COMPILED)
	$(PY) -m tests.proof $(OUT)/$(notdir $(basename $(ONE))).pdf $(OUT)/$(notdir $(basename $(ONE))).html $(OUT)/proof

# A clean build of every edition of the titles, validated, under versioned names in dist/
# (with the catalogue when there are several).
release: $(VENV)/.installed-dev node_modules/.installed | $(COMPILED)
ifneq ($(MANUSCRIPT),)
	$(PY) -m press.release --manuscript $(MANUSCRIPT) --dist dist
else
	$(PY) -m press.release --list $(LIST)$(if $(TITLE), --titles $(TITLE)) --dist dist
endif

# Times and memory against the pipeline one would script by hand; writes bench/RESULTS.md.
bench: $(VENV)/.installed-dev | $(COMPILED)
	$(PY) bench/run.py

# A list of twenty essays built by make -j2 against one by one; writes bench/LIST_RESULTS.md.
bench-list: $(VENV)/.installed-dev node_modules/.installed | $(COMPILED)
	$(PY) bench/list.py

lock: $(VENV)/.installed-dev
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.lock requirements.in
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements-dev.lock requirements-dev.in

clean:
	rm -rf $(OUT) dist
