package tokenizer

import (
	"testing"
)

// corpusTexts returns the reference corpus lines and their total size in bytes.
func corpusTexts(b *testing.B) ([]Input, int64) {
	refs := readJSONL[singleRef](b, "corpus.jsonl.gz")
	ins := make([]Input, len(refs))
	var n int64
	for i, r := range refs {
		ins[i] = Input{Text: r.Text}
		n += int64(len(r.Text))
	}
	return ins, n
}

// benchEncode encodes the whole corpus one text at a time on one goroutine. One op = one
// corpus pass.
func benchEncode(b *testing.B, tk Tokenizer, err error) {
	ins, n := corpusTexts(b)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, in := range ins {
			if _, err := tk.Encode(in.Text); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(ins))*float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}

// BenchmarkFastEncode: compare with tests/bench_tokenizer.py (the Rust tokenizer on one thread).
func BenchmarkFastEncode(b *testing.B) {
	tk, err := NewFast(Options{})
	benchEncode(b, tk, err)
}

// BenchmarkSlowEncode is the same for the slow tokenizer.
func BenchmarkSlowEncode(b *testing.B) {
	tk, err := New(Options{})
	benchEncode(b, tk, err)
}

// BenchmarkFastEncodeBatch encodes the corpus as one batch; run with -cpu 1,2 for scaling.
func BenchmarkFastEncodeBatch(b *testing.B) {
	ins, n := corpusTexts(b)
	tk, err := NewFast(Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tk.EncodeBatch(ins, EncodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ins))*float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}
