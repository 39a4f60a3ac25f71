# One entry point for set-up, build and tests. Every target is idempotent and skips what is done.
SHELL := /bin/bash
APT_PKGS := libtorch-dev libopenblas0-openmp cmake g++ python3-torch python3-venv python3-numpy
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build
STAMP := .stamp
JOBS ?= 2

.PHONY: setup apt venv gomod native build test bench clean

setup: apt venv gomod

# apt: install only when a package is missing (apt-get update first, as a fresh image needs it).
apt:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

venv: $(STAMP)/venv
$(STAMP)/venv: tests/requirements.txt
	@mkdir -p $(STAMP)
	[ -x $(PY) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r tests/requirements.txt
	$(PY) -c "import torch, transformers; from transformers import LxmertModel, LxmertTokenizerFast; print('reference: torch', torch.__version__, 'transformers', transformers.__version__)"
	@touch $@

gomod:
	go mod download

# native: libcgotorch (gotorch's own sources from the module cache, Debian ABI) and our csrc.
native: gomod
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release \
		-DGOTORCH_DIR="$$(go list -m -f '{{.Dir}}' github.com/wangkuiyi/gotorch)" >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build: native
	go build -o bin/lxmert ./cmd/lxmert

test: setup build
	go test -count=1 ./...

# bench: Go forwards and the HF eager baseline in one run (compare ratios: the machine is noisy).
bench: setup build
	go test -run '^$$' -bench QAForward -benchtime 10x ./lxmert
	$(PY) tests/bench_hf.py

clean:
	rm -rf $(BUILD) bin $(STAMP)
