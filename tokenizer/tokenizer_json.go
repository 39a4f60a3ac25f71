package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// tokenizerJSON is the subset of the `tokenizers` serialization a BertWordPiece tokenizer uses.
type tokenizerJSON struct {
	Version       string           `json:"version"`
	Truncation    json.RawMessage  `json:"truncation"`
	Padding       json.RawMessage  `json:"padding"`
	AddedTokens   []addedTokenJSON `json:"added_tokens"`
	Normalizer    *normalizerJSON  `json:"normalizer"`
	PreTokenizer  *typeJSON        `json:"pre_tokenizer"`
	PostProcessor json.RawMessage  `json:"post_processor"`
	Decoder       *decoderJSON     `json:"decoder"`
	Model         *modelJSON       `json:"model"`
}

type addedTokenJSON struct {
	ID         int    `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	Lstrip     bool   `json:"lstrip"`
	Rstrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

type normalizerJSON struct {
	Type               string `json:"type"`
	CleanText          bool   `json:"clean_text"`
	HandleChineseChars bool   `json:"handle_chinese_chars"`
	StripAccents       *bool  `json:"strip_accents"`
	Lowercase          bool   `json:"lowercase"`
}

type typeJSON struct {
	Type string `json:"type"`
}

type decoderJSON struct {
	Type    string `json:"type"`
	Prefix  string `json:"prefix"`
	Cleanup bool   `json:"cleanup"`
}

type modelJSON struct {
	Type                    string          `json:"type"`
	UnkToken                string          `json:"unk_token"`
	ContinuingSubwordPrefix string          `json:"continuing_subword_prefix"`
	MaxInputCharsPerWord    int             `json:"max_input_chars_per_word"`
	Vocab                   json.RawMessage `json:"vocab"`
}

// templateJSON reads the special tokens of a TemplateProcessing or BertProcessing.
type templateJSON struct {
	Type          string `json:"type"`
	SpecialTokens map[string]struct {
		IDs []int `json:"ids"`
	} `json:"special_tokens"`
	Sep []any `json:"sep"`
	Cls []any `json:"cls"`
}

// LoadTokenizerJSON reads a `tokenizers` tokenizer.json holding a BERT WordPiece pipeline and
// returns the fast tokenizer it describes. Other pipelines are refused with an error.
func LoadTokenizerJSON(path string) (*LxmertTokenizerFast, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	o, err := parseTokenizerJSON(data)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %s: %w", path, err)
	}
	return NewFast(o)
}

func parseTokenizerJSON(data []byte) (Options, error) {
	var tj tokenizerJSON
	var o Options
	if err := json.Unmarshal(data, &tj); err != nil {
		return o, fmt.Errorf("parse: %w", err)
	}
	switch {
	case tj.Model == nil || tj.Model.Type != "WordPiece":
		return o, fmt.Errorf("model must be WordPiece")
	case tj.Model.ContinuingSubwordPrefix != "##":
		return o, fmt.Errorf("unsupported continuing_subword_prefix %q", tj.Model.ContinuingSubwordPrefix)
	case tj.Normalizer == nil || tj.Normalizer.Type != "BertNormalizer" || !tj.Normalizer.CleanText:
		return o, fmt.Errorf("normalizer must be BertNormalizer with clean_text")
	case tj.PreTokenizer == nil || tj.PreTokenizer.Type != "BertPreTokenizer":
		return o, fmt.Errorf("pre_tokenizer must be BertPreTokenizer")
	case tj.Decoder != nil && (tj.Decoder.Type != "WordPiece" || tj.Decoder.Prefix != "##" || !tj.Decoder.Cleanup):
		return o, fmt.Errorf("decoder must be WordPiece with prefix ## and cleanup")
	}
	vocab, err := orderedVocab(tj.Model.Vocab)
	if err != nil {
		return o, err
	}
	o.Vocab = vocab
	o.DoLowerCase = Bool(tj.Normalizer.Lowercase)
	o.StripAccents = tj.Normalizer.StripAccents
	o.TokenizeChineseChars = Bool(tj.Normalizer.HandleChineseChars)
	o.UnkToken = tj.Model.UnkToken
	o.MaxInputCharsPerWord = tj.Model.MaxInputCharsPerWord
	var tp templateJSON
	if len(tj.PostProcessor) > 0 && string(tj.PostProcessor) != "null" {
		if err := json.Unmarshal(tj.PostProcessor, &tp); err != nil {
			return o, fmt.Errorf("post_processor: %w", err)
		}
	}
	known := map[string]bool{o.UnkToken: true}
	for _, k := range [...]string{"[CLS]", "[SEP]"} {
		if _, ok := tp.SpecialTokens[k]; !ok && tp.Type == "TemplateProcessing" {
			return o, fmt.Errorf("post_processor lacks special token %s", k)
		}
		known[k] = true
	}
	for _, a := range tj.AddedTokens {
		if !a.Special || a.Normalized || a.Lstrip || a.Rstrip || a.SingleWord {
			return o, fmt.Errorf("added token %q: only special, unnormalized, unstripped tokens are supported", a.Content)
		}
		if id, ok := vocab.ID(a.Content); ok && id != a.ID {
			return o, fmt.Errorf("added token %q has id %d but the vocab says %d", a.Content, a.ID, id)
		}
		switch a.Content {
		case "[PAD]", "[MASK]", "[CLS]", "[SEP]", o.UnkToken:
		default:
			o.AdditionalSpecialTokens = append(o.AdditionalSpecialTokens, a.Content)
		}
	}
	return o, nil
}

// orderedVocab reads the {"token": id} object; ids must be exactly 0..n-1.
func orderedVocab(raw json.RawMessage) (*Vocab, error) {
	var m map[string]int
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("model.vocab: %w", err)
	}
	tokens := make([]string, len(m))
	seen := make([]bool, len(m))
	for t, id := range m {
		if id < 0 || id >= len(m) || seen[id] {
			return nil, fmt.Errorf("model.vocab: token %q has id %d; ids must be 0..%d, each once", t, id, len(m)-1)
		}
		tokens[id], seen[id] = t, true
	}
	return NewVocab(tokens)
}

// MarshalTokenizerJSON returns the tokenizer.json that HF's save_pretrained writes for this
// tokenizer (same fields, order and two-space indentation).
func (t *LxmertTokenizerFast) MarshalTokenizerJSON() ([]byte, error) {
	tj := tokenizerJSON{Version: "1.0", Truncation: json.RawMessage("null"), Padding: json.RawMessage("null"),
		Normalizer:   &normalizerJSON{"BertNormalizer", true, t.chinese, t.opts.StripAccents, t.lower},
		PreTokenizer: &typeJSON{"BertPreTokenizer"}, Decoder: &decoderJSON{"WordPiece", "##", true},
		Model: &modelJSON{Type: "WordPiece", UnkToken: t.unk, ContinuingSubwordPrefix: "##", MaxInputCharsPerWord: t.wp.maxChars}}
	for _, s := range t.special {
		tj.AddedTokens = append(tj.AddedTokens, addedTokenJSON{ID: int(t.addedIDs[s]), Content: s, Special: true})
	}
	sort.SliceStable(tj.AddedTokens, func(i, j int) bool { return tj.AddedTokens[i].ID < tj.AddedTokens[j].ID })
	pp, err := t.templateJSON()
	if err != nil {
		return nil, err
	}
	tj.PostProcessor = pp
	var vb bytes.Buffer
	vb.WriteByte('{')
	for id, tok := range t.vocab.tokens {
		if id > 0 {
			vb.WriteByte(',')
		}
		k, err := marshalNoEscape(tok)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&vb, "%s:%d", k, id)
	}
	vb.WriteByte('}')
	tj.Model.Vocab = vb.Bytes()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tj); err != nil {
		return nil, fmt.Errorf("tokenizer: marshal tokenizer.json: %w", err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("tokenizer: marshal: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// templateJSON is the BERT TemplateProcessing post-processor.
func (t *LxmertTokenizerFast) templateJSON() (json.RawMessage, error) {
	type piece map[string]map[string]any
	sp := func(tok string, typ int) piece { return piece{"SpecialToken": {"id": tok, "type_id": typ}} }
	sq := func(id string, typ int) piece { return piece{"Sequence": {"id": id, "type_id": typ}} }
	special := func(tok string) map[string]any {
		return map[string]any{"id": tok, "ids": []int{int(t.addedIDs[tok])}, "tokens": []string{tok}}
	}
	v := struct {
		Type          string                    `json:"type"`
		Single        []piece                   `json:"single"`
		Pair          []piece                   `json:"pair"`
		SpecialTokens map[string]map[string]any `json:"special_tokens"`
	}{"TemplateProcessing", []piece{sp(t.cls, 0), sq("A", 0), sp(t.sep, 0)},
		[]piece{sp(t.cls, 0), sq("A", 0), sp(t.sep, 0), sq("B", 1), sp(t.sep, 1)},
		map[string]map[string]any{t.cls: special(t.cls), t.sep: special(t.sep)}}
	return marshalNoEscape(v)
}

// SaveTokenizerJSON writes MarshalTokenizerJSON to path.
func (t *LxmertTokenizerFast) SaveTokenizerJSON(path string) error {
	data, err := t.MarshalTokenizerJSON()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("tokenizer: %w", err)
	}
	return nil
}
