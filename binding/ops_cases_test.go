package binding

import (
	"testing"
)

func pf(p map[string]any, k string) float64 { return p[k].(float64) }
func pi(p map[string]any, k string) int     { return int(p[k].(float64)) }
func pb(p map[string]any, k string) bool    { return p[k].(bool) }
func pshape(p map[string]any, k string) []int64 {
	var out []int64
	for _, v := range p[k].([]any) {
		out = append(out, int64(v.(float64)))
	}
	return out
}

func attnWeights(in map[string]Tensor, heads int) *AttentionLayer {
	return &AttentionLayer{
		QueryW: in["qw"], QueryB: in["qb"], KeyW: in["kw"], KeyB: in["kb"], ValueW: in["vw"],
		ValueB: in["vb"], DenseW: in["ow"], DenseB: in["ob"], NormW: in["lnw"], NormB: in["lnb"],
		Heads: heads, AttnDropout: 0.1, HiddenDropout: 0.1, Eps: 1e-12,
	}
}

// runOp maps a fixture op name to the binding call under test.
func runOp(t *testing.T, s *Scope, op string, in map[string]Tensor, p map[string]any) map[string]Tensor {
	one := func(x Tensor) map[string]Tensor { return map[string]Tensor{"out": x} }
	a, b := in["a"], in["b"]
	switch op {
	case "add":
		return one(s.Add(a, b))
	case "sub":
		return one(s.Sub(a, b))
	case "mul":
		return one(s.Mul(a, b))
	case "div":
		return one(s.Div(a, b))
	case "add_scalar":
		return one(s.AddScalar(a, pf(p, "v")))
	case "mul_scalar":
		return one(s.MulScalar(a, pf(p, "v")))
	case "div_scalar":
		return one(s.DivScalar(a, pf(p, "v")))
	case "tanh":
		return one(s.Tanh(a))
	case "gelu":
		return one(s.GELU(a))
	case "relu":
		return one(s.ReLU(a))
	case "sigmoid":
		return one(s.Sigmoid(a))
	case "neg":
		return one(s.Neg(a))
	case "exp":
		return one(s.Exp(a))
	case "mean":
		return one(s.Mean(a))
	case "mean_dim":
		return one(s.MeanDim(a, pi(p, "dim"), pb(p, "keep")))
	case "sum":
		return one(s.Sum(a))
	case "sum_dim":
		return one(s.SumDim(a, pi(p, "dim"), pb(p, "keep")))
	case "softmax":
		return one(s.Softmax(a, pi(p, "dim")))
	case "log_softmax":
		return one(s.LogSoftmax(a, pi(p, "dim")))
	case "topk":
		v, i := s.TopK(a, int64(pi(p, "k")), pi(p, "dim"))
		return map[string]Tensor{"values": v, "indices": i}
	case "argmax":
		return one(s.Argmax(a, pi(p, "dim")))
	case "reshape":
		return one(s.Reshape(a, pshape(p, "shape")...))
	case "permute":
		return one(s.Permute(a, pshape(p, "dims")...))
	case "transpose":
		return one(s.Transpose(a, pi(p, "d0"), pi(p, "d1")))
	case "unsqueeze":
		return one(s.Unsqueeze(a, pi(p, "dim")))
	case "contiguous_permuted":
		return one(s.Contiguous(s.Permute(a, 1, 0, 2)))
	case "cat":
		return one(s.Cat(pi(p, "dim"), a, b))
	case "narrow":
		return one(s.Narrow(a, pi(p, "dim"), int64(pi(p, "start")), int64(pi(p, "length"))))
	case "select":
		return one(s.Select(a, pi(p, "dim"), int64(pi(p, "index"))))
	case "index_select":
		return one(s.IndexSelect(a, pi(p, "dim"), in["index"]))
	case "masked_fill":
		return one(s.MaskedFill(a, in["mask"], pf(p, "value")))
	case "where":
		return one(s.Where(in["cond"], a, b))
	case "linear":
		return one(s.Linear(in["x"], in["w"], in["b"]))
	case "matmul":
		return one(s.MatMul(a, b))
	case "layer_norm":
		return one(s.LayerNorm(in["x"], in["w"], in["b"], pf(p, "eps")))
	case "embedding":
		return one(s.Embedding(in["w"], in["ids"], int64(pi(p, "padding_idx"))))
	case "dropout":
		if seed, ok := p["seed"]; ok {
			ManualSeed(uint64(seed.(float64)))
		}
		return one(s.Dropout(a, pf(p, "p"), pb(p, "train")))
	case "cross_entropy":
		return one(s.CrossEntropy(in["logits"], in["target"], int64(pi(p, "ignore")), Reduction(pi(p, "reduction"))))
	case "smooth_l1":
		return one(s.SmoothL1(a, b, Reduction(pi(p, "reduction")), pf(p, "beta")))
	case "full":
		return one(s.Full(Float32, pf(p, "value"), pshape(p, "shape")...))
	case "arange":
		return one(s.Arange(int64(pi(p, "n")), Int64))
	case "to_float":
		return one(s.ToDType(a, Float32))
	case "extend_mask":
		return one(s.ExtendMask(in["mask"]))
	case "attention_layer":
		w := attnWeights(in, pi(p, "heads"))
		out, probs := s.AttentionLayer(w, in["hidden"], in["hidden"], s.ExtendMask(in["mask"]), false, true)
		return map[string]Tensor{"out": out, "probs": probs}
	case "cross_attention_layer":
		w := attnWeights(in, pi(p, "heads"))
		lo, vo, lp := s.CrossAttentionLayer(w, in["lang"], in["visn"], s.ExtendMask(in["lang_mask"]),
			s.ExtendMask(in["visn_mask"]), false, true)
		return map[string]Tensor{"lang_out": lo, "visn_out": vo, "lang_probs": lp}
	}
	t.Fatalf("fixture names unknown op %q", op)
	return nil
}
