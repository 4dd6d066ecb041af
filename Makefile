# Two commands matter: `make serve` (set up, build the sample site, serve it) and
# `make test` (set up, run the whole test suite). Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('pyproject.toml','rb').read()).hexdigest()[:12])")
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO   := build/demo-repo

.PHONY: setup serve build demo test lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

demo: setup
	$(BIN)/rectify demo $(DEMO) --force

serve: demo
	$(BIN)/rectify serve --root $(DEMO) --host $(HOST) --port $(PORT)

build: demo
	$(BIN)/rectify build --root $(DEMO) --timings

# In parallel, one worker per core; tests sharing a module-scoped build stay together.
test: setup
	$(BIN)/python -m pytest -q -ra -n auto --dist loadscope

lint: setup
	$(BIN)/ruff check site_builder tests $(wildcard bench)
	$(BIN)/ruff format --check site_builder tests $(wildcard bench)

format: setup
	$(BIN)/ruff format site_builder tests $(wildcard bench)
	$(BIN)/ruff check --fix site_builder tests $(wildcard bench)

clean:
	rm -rf build .pytest_cache
