package tokenizer

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// slowScratch holds the buffers one slow tokenization reuses.
type slowScratch struct {
	a, b  []byte
	w     []byte
	lowd  []byte
	runes []rune
	spans []wpSpan
}

// lowerText lowercases text one rune at a time, keeping added tokens verbatim: transformers'
// PreTrainedTokenizer.tokenize does this before anything else when do_lower_case is set.
func (c *core) lowerText(dst []byte, text string, s *slowScratch) []byte {
	for i := 0; i < len(text); {
		if t := c.matchAdded(text[i:]); t != "" {
			dst = append(dst, t...)
			i += len(t)
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		dst = appendLower(dst, slowRules, r, s)
		i += n
	}
	return dst
}

func appendLower(dst []byte, u *rules, r rune, s *slowScratch) []byte {
	switch {
	case r >= 'A' && r <= 'Z':
		return append(dst, byte(r+'a'-'A'))
	case r < utf8.RuneSelf:
		return append(dst, byte(r))
	case u.info(r)&flagLower == 0:
		return utf8.AppendRune(dst, r)
	}
	s.runes = u.computeLower(r, s.runes[:0])
	for _, x := range s.runes {
		dst = utf8.AppendRune(dst, x)
	}
	return dst
}

// basicWords runs HF's BasicTokenizer on one segment (no added tokens inside) and calls emit
// for every word it yields.
func (c *core) basicWords(seg string, s *slowScratch, emit func(word []byte)) {
	// Clean-up and CJK isolation.
	buf := s.a[:0]
	ascii := true
	for i := 0; i < len(seg); {
		r, n := rune(seg[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(seg[i:])
			ascii = false
		}
		i += n
		info := slowRules.info(r)
		switch info & classMask {
		case clsDelete:
			continue
		case clsSpace:
			buf = append(buf, ' ')
			continue
		}
		if info&flagCJK != 0 && c.chinese {
			buf = append(buf, ' ')
			buf = utf8.AppendRune(buf, r)
			buf = append(buf, ' ')
			continue
		}
		buf = utf8.AppendRune(buf, r)
	}
	s.a = buf
	if !ascii && !norm.NFC.IsNormal(buf) {
		s.b = norm.NFC.Append(s.b[:0], buf...)
		buf = s.b
	}
	// Whitespace split, then per word: lowercase, strip accents, punctuation split.
	for i := 0; i < len(buf); {
		r, n := utf8.DecodeRune(buf[i:])
		if r == ' ' || slowRules.info(r)&classMask == clsSplit {
			i += n
			continue
		}
		j := i
		for j < len(buf) {
			r, n := utf8.DecodeRune(buf[j:])
			if r == ' ' || slowRules.info(r)&classMask == clsSplit {
				break
			}
			j += n
		}
		word := buf[i:j]
		i = j
		if c.neverSplit[string(word)] {
			emit(word)
			continue
		}
		s.w = c.normalizeWord(s.w[:0], word, s)
		splitPunct(s.w, slowRules, emit)
	}
}

// normalizeWord lowercases and strips accents as the options ask.
func (c *core) normalizeWord(dst, word []byte, s *slowScratch) []byte {
	for i := 0; i < len(word); {
		r, n := utf8.DecodeRune(word[i:])
		i += n
		if r < utf8.RuneSelf {
			if c.lower && r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
			continue
		}
		var low [8]rune
		rs := append(low[:0], r)
		if c.lower {
			rs = slowRules.computeLower(r, low[:0])
		}
		for _, x := range rs {
			if c.strip && slowRules.info(x)&flagStrip != 0 {
				s.runes = slowRules.computeStrip(x, s.runes[:0])
				for _, y := range s.runes {
					dst = utf8.AppendRune(dst, y)
				}
				continue
			}
			dst = utf8.AppendRune(dst, x)
		}
	}
	return dst
}

// splitPunct emits the runs of word between punctuation runes and each punctuation rune alone;
// empty words (a word made only of stripped marks) are dropped as Python's split() drops them.
func splitPunct(word []byte, u *rules, emit func([]byte)) {
	start := 0
	for i := 0; i < len(word); {
		r, n := rune(word[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(word[i:])
		}
		if cls := u.info(r) & classMask; cls == clsPunct || cls == clsSpace || cls == clsSplit {
			if i > start {
				emit(word[start:i])
			}
			if cls == clsPunct {
				emit(word[i : i+n])
			}
			start = i + n
		}
		i += n
	}
	if start < len(word) {
		emit(word[start:])
	}
}
