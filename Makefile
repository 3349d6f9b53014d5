# booklet: `make booklet` builds the print PDF, `make test` runs the tests.
# Both create .venv/ and install the package (editable) on first use.

VENV    := .venv
PYTHON  ?= python3
BOOKLET := $(VENV)/bin/booklet
STAMP   := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help booklet screen all web epub test lint bench preview fonts clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

booklet: $(STAMP) ## Build the print PDF: dist/kaere-chef-kaere-ledere.pdf
	$(BOOKLET) build

screen: $(STAMP) ## Build the accessible screen PDF: dist/kaere-chef-kaere-ledere-screen.pdf
	$(BOOKLET) build --variant screen

all: booklet screen ## Build both variants

web: $(STAMP) ## Build the accessible static web site: dist/web/index.html
	$(BOOKLET) web

epub: $(STAMP) ## Build the EPUB 3 e-book: dist/kaere-chef-kaere-ledere.epub
	$(BOOKLET) epub

test: $(STAMP) ## Run the test suite (builds real PDFs into a temporary folder)
	$(VENV)/bin/python -m pytest

lint: $(STAMP) ## Check the code with ruff
	$(VENV)/bin/ruff check src tests tools

preview: $(STAMP) ## Render dist/preview/: one PNG per spread and a contact sheet
	$(BOOKLET) preview

bench: $(STAMP) ## Time booklet build against plain WeasyPrint, booklet web against build, and more
	$(VENV)/bin/python -m booklet.bench

fonts: $(STAMP) ## Derive fonts/Booklet*.ttf again from the npm originals (needs npm; see fonts/README.md)
	$(VENV)/bin/python tools/trim_fonts.py

clean: ## Remove dist/ (keeps .venv/)
	rm -rf dist
