# Two commands for a fresh machine: `make demo` and `make test`. Both install what they need first.
VENV := .venv
PYTHON ?= python3

.PHONY: demo test bench bench-quick install vendor messages screenshots report-pdfs

demo: install
	$(VENV)/bin/ombud demo

# Both cores: two pytest-xdist workers, each with its own database and Redis database (tests/conftest.py); a module
# runs whole on one worker, the browser tests and the process tests each as one group.
TEST_WORKERS ?= 2

# The sources are compiled first (the libraries at install): the test processes and every `ombud` they start then read
# bytecode instead of compiling each module again.
test: install
	$(VENV)/bin/python -m compileall -q -j 0 domain services projections web infra tests bench tools
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadscope

# The README's screenshots (docs/screenshots/*.png) from the demo data, in a throwaway database.
screenshots: install
	$(VENV)/bin/python -m tests.browser.screenshots

# The demo's annual report drafts (Drammen 2023, Trondheim 2024) as PDF (build/reports/) and their first pages as
# docs/screenshots/report-*.png, through LibreOffice and pdftoppm, to judge the DOCX layout.
report-pdfs: install
	$(VENV)/bin/python tools/report_pages.py

bench: install
	$(VENV)/bin/python -m bench.run

bench-quick: install
	$(VENV)/bin/python -m bench.run --quick

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	VIRTUAL_ENV=$(VENV) $(VENV)/bin/uv sync --frozen --inexact --extra test --quiet --compile-bytecode
	touch $@

# Refetch the exact npm versions listed in web/static/vendor/VERSIONS; nothing is left behind but the copies.
vendor:
	rm -rf .vendor && mkdir .vendor
	grep -v -e '^#' -e '^$$' web/static/vendor/VERSIONS | while read -r package source arrow target; do \
		tarball=$$(cd .vendor && npm pack --silent "$$package") && mkdir .vendor/x && \
		tar -xzf ".vendor/$$tarball" -C .vendor/x && cp ".vendor/x/package/$$source" "$$target" && \
		rm -rf .vendor/x ".vendor/$$tarball" || exit 1; \
	done
	rm -rf .vendor

# Collect the templates' UI texts into web/locale/messages.pot and merge them into each catalogue (bokmål first).
messages: install
	$(VENV)/bin/pybabel --quiet extract -F web/babel.cfg --add-location=file --sort-by-file --project=ombud --copyright-holder="Ombud" -o web/locale/messages.pot web/templates domain/names.py
	test -f web/locale/nb/LC_MESSAGES/messages.po || $(VENV)/bin/pybabel --quiet init -i web/locale/messages.pot -d web/locale -l nb
	$(VENV)/bin/pybabel --quiet update --no-fuzzy-matching -i web/locale/messages.pot -d web/locale
