package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

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
