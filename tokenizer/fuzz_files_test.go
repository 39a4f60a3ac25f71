package tokenizer

import (
	"bytes"
	"testing"

	"github.com/lxmert-go/golxmert/internal/allocbound"
)

// FuzzReadVocab: any bytes either fail with an error or give a vocabulary whose every token
// maps back to its own id.
func FuzzReadVocab(f *testing.F) {
	f.Add([]byte("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\n"))
	f.Add([]byte("a\r\nb\r\n"))
	f.Add([]byte("a\na\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		allocbound.Check(t, len(data), 256, func() {
			v, err := ReadVocab(bytes.NewReader(data), "fuzz")
			if err != nil {
				return
			}
			for id, tok := range v.Tokens() {
				if got, ok := v.ID(tok); !ok || got != id {
					t.Fatalf("token %q at id %d maps to %d, %v", tok, id, got, ok)
				}
			}
		})
	})
}

// FuzzTokenizerJSON: any bytes either fail with an error or describe a tokenizer that
// builds and encodes a sentence without panicking.
func FuzzTokenizerJSON(f *testing.F) {
	if tok, err := NewFast(Options{}); err == nil { // the real bert-base-uncased file
		if seed, err := tok.MarshalTokenizerJSON(); err == nil {
			f.Add(seed)
		}
	}
	f.Add([]byte(`{"model":{"type":"WordPiece","continuing_subword_prefix":"##","vocab":{"[UNK]":0,"a":1}},` +
		`"normalizer":{"type":"BertNormalizer","clean_text":true},"pre_tokenizer":{"type":"BertPreTokenizer"}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		allocbound.Check(t, len(data), 1024, func() {
			o, err := parseTokenizerJSON(data)
			if err != nil {
				return
			}
			tok, err := NewFast(o)
			if err != nil {
				return
			}
			if _, err := tok.Encode("What color is the cat?"); err != nil {
				return
			}
		})
	})
}
