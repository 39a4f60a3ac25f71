package lxmert

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lxmert-go/golxmert/binding"
)

// Precision selects the arithmetic of an inference forward (eval mode, a scope that records
// no autograd). Training and gradient forwards always run in float32 on the ATen path.
type Precision int

const (
	// PrecisionFP32 (the zero value) computes in float32 and matches HF within the parity
	// tolerance (1e-5 + 1e-4·|ref|).
	PrecisionFP32 Precision = iota
	// PrecisionBF16 runs the linear layers on bfloat16 inputs and weights with float32
	// accumulation (AVX512-BF16 where the CPU has it); attention, softmax and LayerNorm stay
	// float32. About twice as fast; answers agree with float32 on ≥ 99% of questions
	// (BENCHMARKS.md). The bfloat16 weights are a second copy, half the float32 size, made
	// on the first such forward and again after the weights change.
	PrecisionBF16
	// PrecisionInt8 runs the linear layers of the encoders and X-layers with int8 dynamic
	// quantization: weights symmetric per output column (quantized once, kept as a second
	// copy a quarter of the float32 size, made again after the weights change), activations
	// symmetric per row at each layer, int32 accumulation (AVX512-VNNI where the CPU has it),
	// dequantized in float32. Attention, softmax and LayerNorm stay float32, and so do the
	// linear layers outside the encoder layers (visual feature encoder, pooler, heads),
	// which cost little and move answers most. Answers agree with float32 on ≥ 99% of
	// questions (BENCHMARKS.md).
	PrecisionInt8
)

// ParsePrecision reads "fp32"/"float32", "bf16"/"bfloat16" or "int8".
func ParsePrecision(s string) (Precision, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "fp32", "float32", "f32":
		return PrecisionFP32, nil
	case "bf16", "bfloat16":
		return PrecisionBF16, nil
	case "int8":
		return PrecisionInt8, nil
	}
	return 0, fmt.Errorf("lxmert: unknown precision %q (fp32, bf16 or int8)", s)
}

// String is the name ParsePrecision reads.
func (p Precision) String() string {
	switch p {
	case PrecisionFP32:
		return "fp32"
	case PrecisionBF16:
		return "bf16"
	case PrecisionInt8:
		return "int8"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

var errReducedTraining = errors.New("lxmert: bf16 and int8 precision are for inference only (eval mode and a scope without autograd)")

// prepare picks the path of a forward: the fused fast path for inference, the op-by-op ATen
// path (which autograd runs through and dropout needs) otherwise.
func (m *LxmertModel) prepare(r run, opts Options) (run, error) {
	if opts.Precision < PrecisionFP32 || opts.Precision > PrecisionInt8 {
		return r, fmt.Errorf("lxmert: unknown precision %d", int(opts.Precision))
	}
	if r.train || r.s.Grad() {
		if opts.Precision != PrecisionFP32 {
			return r, errReducedTraining
		}
		return r, nil
	}
	if m.params != nil {
		r.fast = m.params.fast
	}
	r.prec = binding.Precision(opts.Precision)
	return r, nil
}

// int8Layers is r for a linear layer outside the language, relation and X-layers (the
// visual feature encoder, the pooler, the answer and pre-training heads): under
// PrecisionInt8 those run in float32. Measured on the demo model's 1,250 agreement
// questions (lxmert/demo/precision_test.go): int8 in the layers only, 99.68% top-1
// agreement with fp32 (max |Δprob| 0.28); the feature encoder, pooler and answer head in
// int8 too, 99.52% (0.51); those three in bf16, 99.68% (0.74). They cost about 1 ms of
// a 23 ms base-model forward at batch 1 in float32.
func (r run) int8Layers() run {
	if r.prec == binding.PrecisionInt8 {
		r.prec = binding.PrecisionF32
	}
	return r
}
