# Two commands matter: `make book` builds the website, `make test` runs every test.
# Both create the virtual environment .venv from the pinned requirements first.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: book test lab student clean benchmark

$(STAMP): requirements.txt requirements-test.txt constraints.txt pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $(STAMP)

book: $(STAMP)  ## build the website into _build/html (every chapter executed, warnings are errors)
	rm -rf _build/html _build/jupyter_execute
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Open _build/html/index.html (math, figures and animations work offline)"

student: $(STAMP)  ## the student edition (same sources, solutions hidden) into _build/student/_build/html
	$(BIN)/python tools/student_config.py _build/student_config.yml
	rm -rf _build/student
	$(BIN)/jupyter-book build . --config _build/student_config.yml --path-output _build/student -W -n --keep-going
	@echo "Open _build/student/_build/html/index.html"

test: $(STAMP)  ## run the whole test suite: unit tests, a full build of the book, browser tests
	COLLAPSE_PROGRESS=0 $(BIN)/python -m pytest

lab: $(STAMP)  ## open the chapters as notebooks in JupyterLab
	$(BIN)/python -m pip install -q jupyterlab==4.6.6  # jupytext is already pinned in requirements.txt
	$(BIN)/jupytext-config set-default-viewer
	$(BIN)/jupyter lab chapters

benchmark: $(STAMP)  ## speed of the simulation core and of the explorers' updates against plain implementations
	$(BIN)/python benchmarks/bench_chain.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_gpt.py --quick

clean:
	rm -rf _build .pytest_cache
