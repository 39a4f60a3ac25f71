package tokenizer

import "strings"

// DecodeOptions control Decode. The zero value keeps special tokens and cleans up spaces, as
// HF's decode does for LXMERT (clean_up_tokenization_spaces=True).
type DecodeOptions struct {
	// SkipSpecialTokens drops [CLS], [SEP], [PAD] and the other special tokens.
	SkipSpecialTokens bool
	// NoCleanup keeps the spaces before punctuation and contractions.
	NoCleanup bool
}

// cleanupPy is transformers' clean_up_tokenization: sequential replacements.
func cleanupPy(s string) string {
	for _, r := range [...][2]string{{" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
		{" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}} {
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	return s
}

// cleanupRust is the Rust WordPiece decoder's cleanup, applied to each token.
func cleanupRust(s string) string {
	for _, r := range [...][2]string{{" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
		{" n't", "n't"}, {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}} {
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	return s
}

// decodeSlow is transformers' PreTrainedTokenizer._decode for BERT: unknown ids read as the
// unknown token, tokens joined by spaces, "##" continuations glued back.
func (c *core) decodeSlow(ids []int, o DecodeOptions) string {
	toks := make([]string, 0, len(ids))
	for _, id := range ids {
		if o.SkipSpecialTokens && c.specialIDs[int32(id)] {
			continue
		}
		t, ok := c.idToToken(id)
		if !ok {
			t = c.unk
		}
		toks = append(toks, t)
	}
	s := strings.TrimSpace(strings.ReplaceAll(strings.Join(toks, " "), " ##", ""))
	if !o.NoCleanup {
		s = cleanupPy(s)
	}
	return s
}

// decodeFast is the Rust WordPiece decoder followed by transformers' cleanup: unknown ids are
// dropped, each later token gets a space unless it starts with "##".
func (c *core) decodeFast(ids []int, o DecodeOptions) string {
	var b strings.Builder
	n := 0
	for _, id := range ids {
		t, ok := c.idToToken(id)
		if !ok || (o.SkipSpecialTokens && c.specialIDs[int32(id)]) {
			continue
		}
		if n > 0 {
			if rest, cut := strings.CutPrefix(t, c.wp.prefix); cut {
				t = rest
			} else {
				t = " " + t
			}
		}
		n++
		t = cleanupRust(t) // the decoder's own cleanup=true, whatever NoCleanup says
		b.WriteString(t)
	}
	s := b.String()
	if !o.NoCleanup {
		s = cleanupPy(s)
	}
	return s
}
