package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// savePretrained writes vocab.txt, tokenizer_config.json and special_tokens_map.json to dir.
func (c *core) savePretrained(dir, class string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("tokenizer: %w", err)
	}
	if err := c.vocab.Save(filepath.Join(dir, "vocab.txt")); err != nil {
		return err
	}
	special := map[string]any{"unk_token": c.unk, "sep_token": c.sep, "pad_token": c.pad, "cls_token": c.cls, "mask_token": c.mask}
	if extra := c.special[5:]; len(extra) > 0 {
		special["additional_special_tokens"] = extra
	}
	cfg := map[string]any{"do_lower_case": c.lower, "strip_accents": c.opts.StripAccents,
		"tokenize_chinese_chars": c.chinese, "never_split": c.opts.NeverSplit, "model_max_length": c.maxLen,
		"tokenizer_class": class, "clean_up_tokenization_spaces": true, "do_basic_tokenize": true}
	for k, v := range special {
		cfg[k] = v
	}
	for name, v := range map[string]any{"special_tokens_map.json": special, "tokenizer_config.json": cfg} {
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("tokenizer: marshal %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("tokenizer: %w", err)
		}
	}
	return nil
}

// SavePretrained writes the slow tokenizer's files to dir; FromPretrained reads them back.
func (t *LxmertTokenizer) SavePretrained(dir string) error {
	return t.savePretrained(dir, "LxmertTokenizer")
}

// SavePretrained writes the fast tokenizer's files, tokenizer.json included, to dir.
func (t *LxmertTokenizerFast) SavePretrained(dir string) error {
	if err := t.savePretrained(dir, "LxmertTokenizerFast"); err != nil {
		return err
	}
	return t.SaveTokenizerJSON(filepath.Join(dir, "tokenizer.json"))
}
