# Two commands matter: `make book` builds the website, `make test` runs every test.
# Both create the virtual environment .venv from the pinned requirements first.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: book test lab bench-live student clean benchmark mutation

$(STAMP): requirements.txt requirements-test.txt constraints.txt pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $(STAMP)

book: $(STAMP)  ## build the website into _build/html (every chapter executed, warnings are errors)
	@# the doctrees go too: a page Sphinx does not re-read is not executed, and its launch buttons fail
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Open _build/html/index.html (math, figures and animations work offline)"
	@echo "Portable notebooks (Colab, the .ipynb download): _build/html/_notebooks/"

student: $(STAMP)  ## the student edition (same sources, solutions hidden) into _build/student/_build/html
	$(BIN)/python tools/student_config.py _build/student_config.yml
	rm -rf _build/student
	$(BIN)/jupyter-book build . --config _build/student_config.yml --path-output _build/student -W -n --keep-going
	@echo "Open _build/student/_build/html/index.html"

test: $(STAMP)  ## run the whole test suite: unit tests, a full build of the book, browser tests
	COLLAPSE_PROGRESS=0 $(BIN)/python -m pytest

# `make lab` keeps every Jupyter setting, runtime file and cache inside .jupyter/ of this repository:
# nothing in $HOME changes. The one committed file, .jupyter/labconfig/default_setting_overrides.json,
# opens the chapters (.md) as notebooks (what `jupytext-config set-default-viewer` writes into ~/.jupyter).
# As root (most containers) JupyterLab needs --allow-root; extra options go in LAB_ARGS.
LAB_DIR = $(CURDIR)/.jupyter
LAB_ENV = JUPYTER_CONFIG_DIR=$(LAB_DIR) JUPYTER_DATA_DIR=$(LAB_DIR)/data JUPYTER_RUNTIME_DIR=$(LAB_DIR)/runtime \
	JUPYTERLAB_SETTINGS_DIR=$(LAB_DIR)/lab/user-settings JUPYTERLAB_WORKSPACES_DIR=$(LAB_DIR)/lab/workspaces \
	IPYTHONDIR=$(LAB_DIR)/ipython MPLCONFIGDIR=$(LAB_DIR)/matplotlib \
	npm_config_cache=$(LAB_DIR)/npm  # jupyter-lsp asks npm for its prefix, and npm would log into ~/.npm
LAB_ARGS ?=

lab: $(STAMP)  ## open the chapters as notebooks in JupyterLab (settings stay in .jupyter/ of the repository)
	$(LAB_ENV) $(BIN)/jupyter lab $$(test "$$(id -u)" = 0 && echo --allow-root) $(LAB_ARGS) chapters

bench-live: $(STAMP)  ## live widget latency in real JupyterLab + Chromium (needs /usr/bin/chromium)
	$(BIN)/python benchmarks/bench_live.py $(BENCH_ARGS)

benchmark: $(STAMP)  ## speed of the simulation core and of the explorers' updates against plain implementations
	$(BIN)/python benchmarks/bench_chain.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_gpt.py --quick

# Mutation testing (mutmut, configured in pyproject.toml [tool.mutmut]); slow: hours for the whole package
# on two cores.  MUTATE narrows it, e.g. make mutation MUTATE='collapse_utils.chains.* collapse_utils.sampling.*'.
# MUTATION_SAMPLE=0.15 tests a seeded uniform 15 % sample of the mutants (about an hour; the score's estimate).
# Resumable: mutants that already have a result are not run again (tools/mutation.py); `rm -rf mutants` starts over.
MUTATE ?=
MUTATION_CHILDREN ?= 1
MUTATION_SAMPLE ?= 1
mutation: $(STAMP)  ## mutation testing of collapse_utils (see tests/README.md for the score)
	COLLAPSE_PROGRESS=0 $(BIN)/python tools/mutation.py run --children $(MUTATION_CHILDREN) --sample $(MUTATION_SAMPLE) $(MUTATE)
	$(BIN)/python tools/mutation.py table --sample $(MUTATION_SAMPLE) $(MUTATE)

clean:
	rm -rf _build .pytest_cache mutants
