package tokenizer

// Options configure either tokenizer. The zero value gives HF's LXMERT defaults: lowercase,
// strip accents, isolate CJK ideographs, the embedded bert-base-uncased vocabulary.
type Options struct {
	// Vocab is the WordPiece vocabulary; nil means DefaultVocab().
	Vocab *Vocab
	// DoLowerCase lowercases the text (HF do_lower_case); nil means true.
	DoLowerCase *bool
	// StripAccents removes nonspacing marks after NFD; nil follows DoLowerCase (HF None).
	StripAccents *bool
	// TokenizeChineseChars isolates CJK ideographs; nil means true.
	TokenizeChineseChars *bool
	// NeverSplit lists words kept whole by the slow tokenizer's basic step (HF never_split).
	NeverSplit []string
	// AdditionalSpecialTokens are added special tokens: matched verbatim in the text and never
	// split. Tokens missing from the vocabulary get new ids after it, in order.
	AdditionalSpecialTokens []string
	// UnkToken, SepToken, PadToken, ClsToken, MaskToken default to [UNK] [SEP] [PAD] [CLS] [MASK].
	UnkToken, SepToken, PadToken, ClsToken, MaskToken string
	// MaxInputCharsPerWord turns longer words into the unknown token; 0 means 100.
	MaxInputCharsPerWord int
	// ModelMaxLength is the default MaxLength when truncation asks for none; 0 means 512.
	ModelMaxLength int
}

// Bool returns a pointer to b, for the optional fields of Options.
func Bool(b bool) *bool { return &b }

func orTrue(b *bool) bool { return b == nil || *b }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
