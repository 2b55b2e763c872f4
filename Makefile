# Two commands for a fresh machine: `make demo` and `make test`. Both install what they need first.
VENV := .venv
PYTHON ?= python3

.PHONY: demo test bench bench-quick install vendor

demo: install
	$(VENV)/bin/ombud demo

test: install
	$(VENV)/bin/python -m pytest

bench: install
	$(VENV)/bin/python -m bench.run

bench-quick: install
	$(VENV)/bin/python -m bench.run --quick

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	VIRTUAL_ENV=$(VENV) $(VENV)/bin/uv sync --frozen --inexact --extra test --quiet
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
