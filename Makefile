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

# Refetch the front-end files listed in web/static/vendor/VERSIONS from the npm registry.
vendor:
	rm -rf .vendor && mkdir .vendor
	grep -v '^#' web/static/vendor/VERSIONS | while read -r package source arrow target; do \
		(cd .vendor && npm pack --silent "$$package" > packed) && \
		mkdir -p .vendor/x && tar -xzf ".vendor/$$(cat .vendor/packed)" -C .vendor/x && \
		cp ".vendor/x/package/$$source" "web/static/vendor/$$target" && rm -rf .vendor/x .vendor/*.tgz; \
	done
	rm -rf .vendor
