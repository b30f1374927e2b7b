# journeylab: two commands do everything on a fresh machine: `make report` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.journeylab-installed
# make test also installs the optional spark extra (pyspark; needs Java 17+); make report does not.
SPARK_STAMP := $(VENV)/.journeylab-spark-installed
# make docs and make test also install the docs extra (mkdocs-material, mkdocstrings-python): tests/test_docs.py
# builds the site with --strict; make test does not keep it.
DOCS_STAMP := $(VENV)/.journeylab-docs-installed
EXTRAS ?= notebooks,test
# OpenBLAS in one thread: journeylab's linear algebra is on a few parameters, where OpenBLAS's threads
# only spin, and the tests run two workers on two cores (benchmarks/blas_threads.py); report kernels do the same.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: setup report test test-fast lab lock clean-venv bench docs course course-book

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "pip==25.3"
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS)]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(VENV)/bin/journeylab report configs/demo.yaml
	@echo "open the newest report: reports/demo/latest/report.html"

$(SPARK_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS),spark]"
	@touch $(SPARK_STAMP)

test: $(SPARK_STAMP) $(DOCS_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n 2 --dist loadfile --nbval-lax tests notebooks

test-fast: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -m "not spark and not slow" tests

$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS),docs]"
	@touch $(DOCS_STAMP)

# The site, into site/: the pages' examples run first (docs/make_figures.py: they draw docs/img/), then
# mkdocs builds with --strict, so a broken link, anchor, image or API reference fails.
docs: $(DOCS_STAMP)
	$(PY) docs/make_figures.py
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet
	@echo "open site/index.html"

# the course's student release (notebooks/teaching/README.md): every lesson, answers and hidden tests removed
course: $(STAMP)
	# the release's own files only: the course book (make course-book) beside it stays
	rm -rf build/course/source build/course/release build/course/gradebook.db && mkdir -p build/course
	cp -r notebooks/teaching/source notebooks/teaching/nbgrader_config.py build/course/
	cd build/course && for lesson in $$(ls source); do PATH="$(CURDIR)/$(VENV)/bin:$$PATH" nbgrader generate_assignment $$lesson --force || exit 1; done
	@echo "student notebooks: build/course/release/<lesson>/"

# the course book (notebooks/teaching/README.md): every lesson of the syllabus executed in English and Dutch
# (Papermill, the teacher's notebooks, in each lesson's folder) into build/course/executed/, then one static site
# (mkdocs, --strict) in build/course/book/ with the syllabus and each exercise as the student receives it
course-book: $(DOCS_STAMP)
	$(PY) -m journeylab.report.course_book notebooks/teaching build/course

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP)
	$(PY) benchmarks/summary_bench.py

lock: $(STAMP)
	{ head -2 constraints.txt; $(PY) -m pip freeze --exclude-editable | grep -v '^journeylab'; } > constraints.txt.new && mv constraints.txt.new constraints.txt

clean-venv:
	rm -rf $(VENV)
