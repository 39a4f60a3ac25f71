package tokenizer

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Tokenizer is what both LxmertTokenizer and LxmertTokenizerFast provide.
type Tokenizer interface {
	Tokenize(text string) []string
	Encode(text string) (*Encoding, error)
	EncodePair(a, b string) (*Encoding, error)
	EncodeWith(in Input, o EncodeOptions) (*Encoding, error)
	EncodeBatch(inputs []Input, o EncodeOptions) ([]*Encoding, error)
	Decode(ids []int, o DecodeOptions) string
	ConvertTokensToIDs(tokens []string) []int
	ConvertIDsToTokens(ids []int) ([]string, error)
	TokenToID(token string) (int, bool)
	IDToToken(id int) (string, bool)
	VocabSize() int
	Vocab() *Vocab
	SavePretrained(dir string) error
}

var (
	_ Tokenizer = (*LxmertTokenizer)(nil)
	_ Tokenizer = (*LxmertTokenizerFast)(nil)
)

// jsonlOut is one output line of TokenizeJSONL.
type jsonlOut struct {
	Tokens        []string `json:"tokens"`
	InputIDs      []int    `json:"input_ids"`
	TokenTypeIDs  []int    `json:"token_type_ids"`
	AttentionMask []int    `json:"attention_mask"`
	Offsets       [][2]int `json:"offsets,omitempty"`
}

type jsonlErr struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// TokenizeJSONL reads JSON objects with a "text" field, one per line, and writes one JSON object
// per line: tokens (as HF tokenize), input_ids, token_type_ids and attention_mask (as HF
// encode) and, when offsets is set, HF's offset_mapping (rune offsets). A malformed line gets
// {"line": n, "error": "..."} in its place; processing goes on and the returned error counts them.
func TokenizeJSONL(in io.Reader, out io.Writer, t Tokenizer, offsets bool) error {
	br := bufio.NewReader(in)
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	bad, firstBad := 0, 0
	for line := 1; ; line++ {
		raw, rerr := br.ReadBytes('\n')
		if len(raw) == 0 && rerr == io.EOF {
			break
		}
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("tokenizer: read line %d: %w", line, rerr)
		}
		v, err := tokenizeLine(raw, t, offsets)
		if err != nil {
			bad++
			if firstBad == 0 {
				firstBad = line
			}
			v = jsonlErr{line, err.Error()}
		}
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("tokenizer: write line %d: %w", line, err)
		}
		if rerr == io.EOF {
			break
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tokenizer: write: %w", err)
	}
	if bad > 0 {
		return fmt.Errorf("tokenizer: %d malformed input line(s), the first at line %d", bad, firstBad)
	}
	return nil
}

func tokenizeLine(raw []byte, t Tokenizer, offsets bool) (any, error) {
	var obj struct {
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if obj.Text == nil {
		return nil, errors.New(`missing string field "text"`)
	}
	e, err := t.Encode(*obj.Text)
	if err != nil {
		return nil, err
	}
	o := jsonlOut{Tokens: t.Tokenize(*obj.Text), InputIDs: e.IDs, TokenTypeIDs: e.TypeIDs, AttentionMask: e.AttentionMask}
	if o.Tokens == nil {
		o.Tokens = []string{}
	}
	if offsets && e.CharOffsets != nil {
		o.Offsets = make([][2]int, len(e.CharOffsets))
		for i, c := range e.CharOffsets {
			o.Offsets[i] = [2]int{c.Start, c.End}
		}
	}
	return o, nil
}
