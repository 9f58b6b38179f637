# Two entry points, each working on a fresh Debian machine with Python 3.11:
#   make demo   set up, then caption the sample recording (English + Spanish)
#   make test   set up, then run the test suite (make test-fast: without the slow outside tools)
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE := recordings/view-to-a-border.mp3

.PHONY: demo test test-fast setup bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first: pins the CPU build that argostranslate's stanza would otherwise pull as CUDA
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

setup: $(VENV)/.installed

demo:
	scripts/install-system-deps.sh demo
	$(MAKE) setup
	$(BIN)/captioner run $(SAMPLE) --languages es

test:
	scripts/install-system-deps.sh test
	$(MAKE) setup node_modules/.installed
	$(BIN)/python -m pytest -q

# the tests that need no speech model, voices, Apertium, browser or Node.js (a few minutes less)
test-fast: setup
	$(BIN)/python -m pytest -q -m "not speech_model and not voices and not mt and not browser and not node"

bench: setup
	$(BIN)/python bench/run_vs_bare.py --scale

clean:
	rm -rf $(VENV) node_modules
