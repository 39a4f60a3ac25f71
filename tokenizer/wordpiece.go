package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// wordPiece is the greedy longest-match-first WordPiece model. Continuation pieces are stored
// without their "##" so that lookups slice the word in place and never allocate.
type wordPiece struct {
	first, cont       map[string]int32
	maxFirst, maxCont int // longest key in bytes: bounds the first candidate end
	unk               int32
	prefix            string
	maxChars          int
}

// wpSpan is one piece: its id and its byte range inside the word.
type wpSpan struct {
	id         int32
	start, end int32
}

func newWordPiece(v *Vocab, unk string, maxChars int) *wordPiece {
	w := &wordPiece{first: make(map[string]int32, len(v.tokens)), cont: make(map[string]int32, len(v.tokens)/4),
		unk: -1, prefix: "##", maxChars: maxChars}
	for id, t := range v.tokens {
		if rest, ok := strings.CutPrefix(t, w.prefix); ok {
			if _, dup := w.cont[rest]; !dup {
				w.cont[rest] = int32(id)
			}
			w.maxCont = max(w.maxCont, len(rest))
		}
		if _, dup := w.first[t]; !dup {
			w.first[t] = int32(id)
		}
		w.maxFirst = max(w.maxFirst, len(t))
	}
	if id, ok := v.ids[unk]; ok {
		w.unk = int32(id)
	}
	return w
}

// tokenize appends the pieces of one word to dst. A word with more than maxChars runes, or
// one that cannot be covered by vocabulary pieces, becomes a single unknown piece.
func (w *wordPiece) tokenize(dst []wpSpan, word []byte, nRunes int) []wpSpan {
	base := len(dst)
	if nRunes > w.maxChars {
		return append(dst, wpSpan{w.unk, 0, int32(len(word))})
	}
	for start := 0; start < len(word); {
		table, limit := w.first, w.maxFirst
		if start > 0 {
			table, limit = w.cont, w.maxCont
		}
		end := min(len(word), start+limit)
		for end < len(word) && !utf8.RuneStart(word[end]) {
			end--
		}
		found := int32(-1)
		for end > start {
			if id, ok := table[string(word[start:end])]; ok {
				found = id
				break
			}
			_, n := utf8.DecodeLastRune(word[start:end])
			end -= n
		}
		if found < 0 {
			return append(dst[:base], wpSpan{w.unk, 0, int32(len(word))})
		}
		dst = append(dst, wpSpan{found, int32(start), int32(end)})
		start = end
	}
	return dst
}
