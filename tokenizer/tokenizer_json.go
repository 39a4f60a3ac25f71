package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
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
