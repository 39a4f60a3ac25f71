package tokenizer

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// batchRef is HF's output for one batch call (tests/gen_tokenizer.py run_variant).
type batchRef struct {
	Error              string     `json:"error"`
	InputIDs           [][]int    `json:"input_ids"`
	TokenTypeIDs       [][]int    `json:"token_type_ids"`
	AttentionMask      [][]int    `json:"attention_mask"`
	SpecialTokensMask  [][]int    `json:"special_tokens_mask"`
	OverflowingTokens  [][]int    `json:"overflowing_tokens"`
	NumTruncatedTokens []int      `json:"num_truncated_tokens"`
	OverflowToSample   []int      `json:"overflow_to_sample_mapping"`
	Offsets            [][][2]int `json:"offsets"`
}

type variantRef struct {
	Name   string            `json:"name"`
	Kwargs map[string]any    `json:"kwargs"`
	Pairs  bool              `json:"pairs"`
	Batch  []json.RawMessage `json:"batch"`
	Slow   *batchRef         `json:"slow"`
	Fast   *batchRef         `json:"fast"`
}

// optionsFromKwargs maps HF call keyword arguments onto EncodeOptions.
func optionsFromKwargs(t *testing.T, kw map[string]any) EncodeOptions {
	var o EncodeOptions
	for k, v := range kw {
		switch k {
		case "padding":
			o.Padding = map[string]Padding{"longest": PadLongest, "max_length": PadMaxLength}[v.(string)]
		case "padding_side":
			o.PadLeft = v == "left"
		case "truncation":
			if v == true {
				o.Truncation = LongestFirst
			} else {
				o.Truncation = map[string]Truncation{"longest_first": LongestFirst, "only_first": OnlyFirst, "only_second": OnlySecond}[v.(string)]
			}
		case "max_length":
			o.MaxLength = int(v.(float64))
		case "stride":
			o.Stride = int(v.(float64))
		case "return_overflowing_tokens":
			o.ReturnOverflowing = v == true
		default:
			t.Fatalf("unknown kwarg %q", k)
		}
	}
	return o
}

func batchInputs(t *testing.T, v variantRef) []Input {
	var ins []Input
	for _, raw := range v.Batch {
		if v.Pairs {
			var ab [2]string
			require.NoError(t, json.Unmarshal(raw, &ab))
			ins = append(ins, Input{Text: ab[0], Pair: ab[1], IsPair: true})
		} else {
			var s string
			require.NoError(t, json.Unmarshal(raw, &s))
			ins = append(ins, Input{Text: s})
		}
	}
	return ins
}

// TestVariantsParity checks padding, truncation and overflow variants against HF, batch by batch.
func TestVariantsParity(t *testing.T) {
	refs := readJSONL[variantRef](t, "variants.jsonl.gz")
	slow, err := New(Options{})
	require.NoError(t, err)
	fast, err := NewFast(Options{})
	require.NoError(t, err)
	ty := newTally(t)
	defer ty.report()
	for i, v := range refs {
		o := optionsFromKwargs(t, v.Kwargs)
		ins := batchInputs(t, v)
		if v.Slow != nil {
			encs, err := slow.EncodeBatch(ins, o)
			ty.check("slow "+v.Name, slowBatchEqual(encs, err, v.Slow, o), "batch %d: %v", i, err)
		}
		encs, err := fast.EncodeBatch(ins, o)
		ty.check("fast "+v.Name, fastBatchEqual(encs, err, v.Fast), "batch %d: %v %s", i, err, dumpRows(encs))
	}
}

func dumpRows(encs []*Encoding) string {
	s := ""
	for _, e := range encs {
		for _, r := range e.Rows() {
			s += fmt.Sprint(r.IDs) + "\n"
		}
	}
	return s
}

func slowBatchEqual(encs []*Encoding, err error, want *batchRef, o EncodeOptions) bool {
	if want.Error != "" || err != nil {
		return want.Error != "" && err != nil
	}
	var got batchRef
	for _, e := range encs {
		got.InputIDs = append(got.InputIDs, e.IDs)
		got.TokenTypeIDs = append(got.TokenTypeIDs, e.TypeIDs)
		got.AttentionMask = append(got.AttentionMask, e.AttentionMask)
		got.SpecialTokensMask = append(got.SpecialTokensMask, e.SpecialTokensMask)
		if o.ReturnOverflowing {
			got.OverflowingTokens = append(got.OverflowingTokens, e.OverflowingTokens)
			got.NumTruncatedTokens = append(got.NumTruncatedTokens, e.NumTruncatedTokens)
		}
	}
	return reflect.DeepEqual(got, *want)
}

func fastBatchEqual(encs []*Encoding, err error, want *batchRef) bool {
	if want.Error != "" || err != nil {
		return want.Error != "" && err != nil
	}
	var got batchRef
	for i, e := range encs {
		for _, r := range e.Rows() {
			got.InputIDs = append(got.InputIDs, r.IDs)
			got.TokenTypeIDs = append(got.TokenTypeIDs, r.TypeIDs)
			got.AttentionMask = append(got.AttentionMask, r.AttentionMask)
			got.SpecialTokensMask = append(got.SpecialTokensMask, r.SpecialTokensMask)
			got.Offsets = append(got.Offsets, charOffsets(r.CharOffsets))
			if want.OverflowToSample != nil {
				got.OverflowToSample = append(got.OverflowToSample, i)
			}
		}
	}
	return reflect.DeepEqual(got, *want)
}
