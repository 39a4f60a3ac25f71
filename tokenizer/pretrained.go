package tokenizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// tokenizerConfig is the part of tokenizer_config.json / special_tokens_map.json used here.
type tokenizerConfig struct {
	DoLowerCase          *bool    `json:"do_lower_case"`
	StripAccents         *bool    `json:"strip_accents"`
	TokenizeChineseChars *bool    `json:"tokenize_chinese_chars"`
	NeverSplit           []string `json:"never_split"`
	ModelMaxLength       *float64 `json:"model_max_length"`
	UnkToken             any      `json:"unk_token"`
	SepToken             any      `json:"sep_token"`
	PadToken             any      `json:"pad_token"`
	ClsToken             any      `json:"cls_token"`
	MaskToken            any      `json:"mask_token"`
	AdditionalSpecial    []any    `json:"additional_special_tokens"`
}

// readConfig merges special_tokens_map.json and tokenizer_config.json from dir into o; both
// files are optional.
func readConfig(dir string, o *Options) error {
	for _, name := range []string{"special_tokens_map.json", "tokenizer_config.json"} {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("tokenizer: %w", err)
		}
		var c tokenizerConfig
		if err := json.Unmarshal(data, &c); err != nil {
			return fmt.Errorf("tokenizer: %s: %w", path, err)
		}
		setBool(&o.DoLowerCase, c.DoLowerCase)
		setBool(&o.StripAccents, c.StripAccents)
		setBool(&o.TokenizeChineseChars, c.TokenizeChineseChars)
		if c.NeverSplit != nil {
			o.NeverSplit = c.NeverSplit
		}
		if c.ModelMaxLength != nil {
			o.ModelMaxLength = int(min(*c.ModelMaxLength, math.MaxInt32)) // HF writes 1e30 for "no limit"
		}
		for _, f := range []struct {
			dst *string
			v   any
		}{{&o.UnkToken, c.UnkToken}, {&o.SepToken, c.SepToken}, {&o.PadToken, c.PadToken}, {&o.ClsToken, c.ClsToken}, {&o.MaskToken, c.MaskToken}} {
			if s := tokenContent(f.v); s != "" {
				*f.dst = s
			}
		}
		for _, v := range c.AdditionalSpecial {
			if s := tokenContent(v); s != "" && !contains(o.AdditionalSpecialTokens, s) {
				o.AdditionalSpecialTokens = append(o.AdditionalSpecialTokens, s)
			}
		}
	}
	return nil
}

func setBool(dst **bool, v *bool) {
	if v != nil {
		*dst = v
	}
}

// tokenContent reads a special token written either as a string or as an AddedToken object.
func tokenContent(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		s, _ := x["content"].(string)
		return s
	}
	return ""
}

// FromPretrained loads a slow tokenizer from an HF model folder: vocab.txt plus the optional
// tokenizer_config.json and special_tokens_map.json.
func FromPretrained(dir string) (*LxmertTokenizer, error) {
	var o Options
	if err := readConfig(dir, &o); err != nil {
		return nil, err
	}
	v, err := LoadVocab(filepath.Join(dir, "vocab.txt"))
	if err != nil {
		return nil, err
	}
	o.Vocab = v
	return New(o)
}

// FastFromPretrained loads a fast tokenizer from an HF model folder: tokenizer.json when
// present, else vocab.txt, with the optional tokenizer_config.json settings.
func FastFromPretrained(dir string) (*LxmertTokenizerFast, error) {
	var o Options
	if err := readConfig(dir, &o); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "tokenizer.json")
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		cfg := o
		if o, err = parseTokenizerJSON(data); err != nil {
			return nil, fmt.Errorf("tokenizer: %s: %w", path, err)
		}
		o.ModelMaxLength, o.NeverSplit = cfg.ModelMaxLength, cfg.NeverSplit
		o.PadToken, o.MaskToken, o.ClsToken, o.SepToken = cfg.PadToken, cfg.MaskToken, cfg.ClsToken, cfg.SepToken
	case errors.Is(err, fs.ErrNotExist):
		if o.Vocab, err = LoadVocab(filepath.Join(dir, "vocab.txt")); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	return NewFast(o)
}
