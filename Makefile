# One entry point for set-up, build and tests. Every target is idempotent and skips what is done.
SHELL := /bin/bash
APT_PKGS := libtorch-dev libgloo-dev libdnnl-dev libopenblas0-openmp cmake g++ pkg-config python3-torch python3-venv python3-numpy libhdf5-dev
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build
STAMP := .stamp
JOBS ?= 2

.PHONY: setup apt venv venv-tf gomod native build install test bench demo demo-model fuzz loadtest stress clean

setup: apt venv venv-tf gomod

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

# venv-tf: the HF TensorFlow reference (tests/gen_tf.py) in its own venv, never in .venv.
# tf-keras is installed without its dependencies: they would pull the full tensorflow wheel.
VENV_TF := .venv-tf
venv-tf: $(STAMP)/venv-tf
$(STAMP)/venv-tf: tests/requirements-tf.txt
	@mkdir -p $(STAMP)
	[ -x $(VENV_TF)/bin/python ] || /usr/bin/python3 -m venv --system-site-packages $(VENV_TF)
	$(VENV_TF)/bin/python -m pip install -q --disable-pip-version-check -r tests/requirements-tf.txt
	$(VENV_TF)/bin/python -m pip install -q --disable-pip-version-check --no-deps \
		"$$(sed -n 's/^# TF_KERAS: //p' tests/requirements-tf.txt)"
	TF_CPP_MIN_LOG_LEVEL=3 $(VENV_TF)/bin/python -c "import torch, tensorflow as tf, tf_keras, transformers, h5py; \
		from transformers import TFLxmertModel; print('TF reference: tensorflow', tf.__version__, 'tf-keras', \
		tf_keras.__version__, 'transformers', transformers.__version__, 'HDF5 (h5py)', h5py.version.hdf5_version)"
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

# install: the native libraries, lx.h and a pkg-config file (lxmert.pc) into PREFIX, for Go
# programs in other modules (go build -tags lxmert_installed; see README). Needs pkg-config.
PREFIX ?= /usr/local
install: native
	cmake --install $(BUILD) --prefix $(PREFIX)
	@if [ -w /etc/ld.so.cache ]; then ldconfig; fi

# The concurrency tests run again under the race detector (it links with cgo here).
test: setup build
	go test -count=1 -timeout 45m ./...
	go test -race -count=1 -run 'TestConcurrent' ./binding ./lxmert

# demo: the main job. Builds what is missing (no Python needed), then answers sample
# questions about fresh synthetic scenes with the embedded default model and prints its
# held-out accuracy (last line: accuracy NN.N%).
demo: apt gomod build
	bin/lxmert demo --out $(BUILD)/demo

# demo-model: make the embedded default model again from scratch (see lxmert/demo/MODEL_CARD.md),
# in four stages of lxmert train: (1) from scratch on balanced questions, (2) fine-tuning on
# two-object questions, (3) fine-tuning on a counting-heavy mix (the checkpoint after its second
# epoch), (4) a curriculum that teaches reading the boxes (recipe/stage4.sh), shipped in
# float16. Then the demo on scenes no stage saw. About two hours on 2 idle cores. The question
# selections are a seeded stdlib python3 script.
DEMO := $(BUILD)/demo-model
DEMO_TRAIN := bin/lxmert train --batch-size 128 --threads 1 --eval $(DEMO)/eval2/questions.json \
	--eval-features $(DEMO)/eval2/features.tsv
demo-model: apt gomod build
	rm -rf $(DEMO) && mkdir -p $(DEMO)/init
	bin/lxmert scenes --out $(DEMO)/train --seed 21 --scenes 16000 --questions-per-scene 4 --prefix tr2
	bin/lxmert scenes --out $(DEMO)/eval --seed 12 --scenes 200 --questions-per-scene 10 --prefix ev
	cp lxmert/demo/init_config.json $(DEMO)/init/config.json
	bin/lxmert train --model $(DEMO)/init --data $(DEMO)/train/questions.json --features $(DEMO)/train/features.tsv \
		--eval $(DEMO)/eval/questions.json --eval-features $(DEMO)/eval/features.tsv \
		--answers $(DEMO)/train/trainval_label2ans.json --out $(DEMO)/out --epochs 20 \
		--batch-size 128 --lr 2e-3 --warmup-ratio 0.03 --seed 1 --save-steps 500 --threads 1
	bin/lxmert convert --from $(DEMO)/out --to $(DEMO)/stage1 --dtype float16
	rm -f $(DEMO)/stage1/vocab.txt $(DEMO)/stage1/tokenizer*.json $(DEMO)/stage1/special_tokens_map.json
	bin/lxmert scenes --out $(DEMO)/eval2 --seed 77 --scenes 300 --questions-per-scene 10 --prefix ea
	bin/lxmert scenes --out $(DEMO)/pool2 --seed 31 --scenes 12000 --questions-per-scene 10 --prefix ft
	python3 lxmert/demo/recipe/select_questions.py hard $(DEMO)/pool2/questions.json $(DEMO)/pool2/train.json
	$(DEMO_TRAIN) --model $(DEMO)/stage1 --data $(DEMO)/pool2/train.json --features $(DEMO)/pool2/features.tsv \
		--out $(DEMO)/out2 --epochs 6 --lr 1e-3 --warmup-ratio 0.05 --seed 3
	bin/lxmert scenes --out $(DEMO)/pool3 --seed 41 --scenes 20000 --questions-per-scene 10 --prefix fu
	python3 lxmert/demo/recipe/select_questions.py quota $(DEMO)/pool3/questions.json $(DEMO)/pool3/train.json
	mkdir -p $(DEMO)/stage2 && cp $(DEMO)/out2/config.json $(DEMO)/out2/model.safetensors $(DEMO)/stage2/
	$(DEMO_TRAIN) --model $(DEMO)/stage2 --data $(DEMO)/pool3/train.json --features $(DEMO)/pool3/features.tsv \
		--out $(DEMO)/out3 --epochs 3 --lr 5e-4 --warmup-ratio 0.02 --seed 4
	bin/lxmert convert --from $(DEMO)/out3/checkpoint-1586 --to $(DEMO)/stage3 --dtype float16
	lxmert/demo/recipe/stage4.sh bin/lxmert $(DEMO)/stage4 $(DEMO)/stage3 $(DEMO)/final
	bin/lxmert convert --from $(DEMO)/final --to lxmert/demo/model --dtype float16
	rm -f lxmert/demo/model/vocab.txt lxmert/demo/model/tokenizer*.json lxmert/demo/model/special_tokens_map.json
	$(MAKE) build
	bin/lxmert demo --out $(BUILD)/demo

# fuzz: every reader's fuzz target for FUZZTIME each (none may panic, hang or over-allocate).
FUZZTIME ?= 60s
FUZZ_TARGETS := ./lxmert/weights:FuzzParseSafetensors ./lxmert/weights:FuzzReadTorchPickle \
	./lxmert/weights:FuzzReadTorchZip ./lxmert/weights:FuzzReadTorchLegacy ./lxmert/weights/tfh5:FuzzRead \
	./lxmert/features:FuzzTSVLine ./lxmert:FuzzConfigJSON \
	./tokenizer:FuzzReadVocab ./tokenizer:FuzzTokenizerJSON ./tokenizer:FuzzEncode
fuzz: build
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		go test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -parallel 2 $$pkg || exit 1; done

# stress: 10,000 eval forwards of the tiny model and 1,000 of the base model, each in one
# process (RSS growth after warm-up must stay under 5%), and 8 goroutines x 200 forwards on
# different inputs checked against their sequential results; each phase runs in a child
# process so a crash is counted. The last line is one JSON object.
stress: build
	go build -o bin/stress ./internal/stress
	bin/stress

# bench: the core's fp32 ceiling (tests/ceiling) and the fast path's GEMM rate at the model's
# shapes on one thread; one encoder layer and one X-layer, fused against their unfused composition; then
# the whole QA model, Go fp32 and bf16 against HF eager, TorchScript and ONNX Runtime on the
# same weights and inputs, interleaved (tests/bench.py: a table, then one JSON line).
bench: setup build
	go build -o $(BUILD)/benchgo ./tests/benchgo
	$(CXX) -O2 -o $(BUILD)/ceiling tests/ceiling/ceiling.cc
	$(BUILD)/ceiling
	go test -run '^$$' -bench FastLinearF32 -benchtime 40x ./binding
	go test -run '^$$' -bench Layer -benchtime 20x ./lxmert
	$(PY) tests/bench.py --go $(BUILD)/benchgo --dir $(BUILD)/bench

# loadtest: lxmert serve with the default model on loopback (127.0.0.1 only), driven by 1, 8
# and 32 concurrent clients, each level bounded to LOAD_REQUESTS requests and LOAD_TIME; prints
# requests/s, p50/p99 latency and mean batch size per level, then one JSON line. Fails when 32
# clients get less than 3x the single-client throughput (or any request fails).
LOAD_REQUESTS ?= 3000
LOAD_TIME ?= 15s
loadtest: build
	bin/lxmert loadtest --clients 1,8,32 --requests $(LOAD_REQUESTS) --duration $(LOAD_TIME) --min-speedup 3

clean:
	rm -rf $(BUILD) bin $(STAMP)
