package tokenizer

import (
	"bufio"
	"bytes"
	_ "embed" // the default vocabulary
	"fmt"
	"io"
	"os"
	"strings"
)

//go:embed vocab.txt
var defaultVocabText []byte

// Vocab maps WordPiece tokens to ids and back. Ids are line numbers in vocab.txt, from 0.
type Vocab struct {
	tokens []string
	ids    map[string]int
}

// DefaultVocab returns the embedded bert-base-uncased vocabulary (30,522 tokens).
func DefaultVocab() *Vocab {
	v, err := ReadVocab(bytes.NewReader(defaultVocabText), "tokenizer/vocab.txt")
	if err != nil { // the embedded file is fixed at build time; this cannot fail
		panic(err)
	}
	return v
}

// NewVocab builds a vocabulary from tokens in id order. Duplicates are an error.
func NewVocab(tokens []string) (*Vocab, error) {
	v := &Vocab{tokens: append([]string(nil), tokens...), ids: make(map[string]int, len(tokens))}
	for i, t := range v.tokens {
		if j, dup := v.ids[t]; dup {
			return nil, fmt.Errorf("tokenizer: vocab token %q at id %d duplicates id %d", t, i, j)
		}
		v.ids[t] = i
	}
	return v, nil
}

// ReadVocab reads a vocab.txt: one token per line, the line number (from 0) is its id. A trailing
// "\n" or "\r\n" is not part of the token. name is used in error messages.
func ReadVocab(r io.Reader, name string) (*Vocab, error) {
	br := bufio.NewReader(r)
	var tokens []string
	for line := 1; ; line++ {
		s, err := br.ReadString('\n')
		if len(s) > 0 {
			tokens = append(tokens, strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r"))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tokenizer: read %s line %d: %w", name, line, err)
		}
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("tokenizer: %s: empty vocabulary", name)
	}
	v, err := NewVocab(tokens)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, name)
	}
	return v, nil
}

// LoadVocab reads a vocab.txt file.
func LoadVocab(path string) (*Vocab, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	defer f.Close()
	return ReadVocab(f, path)
}

// Size returns the number of tokens.
func (v *Vocab) Size() int { return len(v.tokens) }

// ID returns the id of token and whether it is in the vocabulary.
func (v *Vocab) ID(token string) (int, bool) {
	id, ok := v.ids[token]
	return id, ok
}

// Token returns the token with the given id and whether the id is in range.
func (v *Vocab) Token(id int) (string, bool) {
	if id < 0 || id >= len(v.tokens) {
		return "", false
	}
	return v.tokens[id], true
}

// Tokens returns a copy of the tokens in id order.
func (v *Vocab) Tokens() []string { return append([]string(nil), v.tokens...) }

// WriteTo writes the vocabulary in vocab.txt format.
func (v *Vocab) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var n int64
	for _, t := range v.tokens {
		k, err := bw.WriteString(t + "\n")
		n += int64(k)
		if err != nil {
			return n, fmt.Errorf("tokenizer: write vocab: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("tokenizer: write vocab: %w", err)
	}
	return n, nil
}

// Save writes the vocabulary to path in vocab.txt format.
func (v *Vocab) Save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("tokenizer: %w", err)
	}
	if _, err := v.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("%w (file %s)", err, path)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("tokenizer: close %s: %w", path, err)
	}
	return nil
}
