package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// isASCIIPunct is BERT's "every non-alphanumeric printable ASCII rune is punctuation".
func isASCIIPunct(r rune) bool {
	return (r >= 33 && r <= 47) || (r >= 58 && r <= 64) || (r >= 91 && r <= 96) || (r >= 123 && r <= 126)
}

// assigned reports whether Go's tables give r any general category.
func assigned(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.C)
}

// slowBaseClass mirrors transformers' _is_control / _is_whitespace / _is_punctuation on Go's
// Unicode tables; unassigned runes are category Cn there, hence deleted.
func slowBaseClass(r rune) uint8 {
	switch {
	case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		return clsSpace
	case r == 0 || r == utf8.RuneError || unicode.In(r, unicode.C) || !assigned(r):
		return clsDelete
	case unicode.Is(unicode.Zs, r):
		return clsSpace
	case unicode.In(r, unicode.Zl, unicode.Zp):
		return clsSplit
	case isASCIIPunct(r) || unicode.In(r, unicode.P):
		return clsPunct
	}
	return clsOther
}

// fastBaseClass mirrors the Rust BertNormalizer (Cc and Cf deleted, White_Space to a space) and
// BertPreTokenizer (ASCII or Unicode punctuation).
func fastBaseClass(r rune) uint8 {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return clsSpace
	case r == 0 || r == utf8.RuneError || unicode.In(r, unicode.Cc, unicode.Cf):
		return clsDelete
	case unicode.Is(unicode.White_Space, r):
		return clsSpace
	case isASCIIPunct(r) || unicode.In(r, unicode.P):
		return clsPunct
	}
	return clsOther
}

// encodeRune is utf8.EncodeRune without the bounds check surprises for invalid runes.
func encodeRune(p []byte, r rune) int {
	if !utf8.ValidRune(r) {
		r = utf8.RuneError
	}
	return utf8.EncodeRune(p, r)
}
