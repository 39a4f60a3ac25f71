package tokenizer

import "unicode/utf8"

// align maps one byte of a normalized word to the original rune it came from.
type align struct {
	start, end int32 // byte range of the original rune
	char       int32 // rune index of the original rune
}

// fastScratch holds the buffers one fast tokenization reuses.
type fastScratch struct {
	word  []byte
	al    []align
	runes []rune
	spans []wpSpan
	nr    int // runes in word
	out   seq
	wordN int32
}

// fastSegment runs the BertNormalizer and BertPreTokenizer over one segment that holds no added
// token, then WordPiece on every word. base and baseChar locate seg in the whole text; the
// result is appended to s.out. It returns the number of runes in seg.
func (c *core) fastSegment(seg string, base, baseChar int, s *fastScratch) int {
	u := fastRules
	tbl := u.table()
	ch := int32(baseChar)
	for i := 0; i < len(seg); ch++ {
		b := seg[i]
		if b < utf8.RuneSelf { // ASCII: no CJK, accents or multi-rune lowercase
			a := align{int32(base + i), int32(base + i + 1), ch}
			i++
			switch tbl[b] & classMask {
			case clsDelete:
			case clsSpace:
				c.flushWord(s)
			case clsPunct:
				c.flushWord(s)
				s.addByte(b, a)
				c.flushWord(s)
			default:
				if c.lower && b >= 'A' && b <= 'Z' {
					b += 'a' - 'A'
				}
				s.addByte(b, a)
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(seg[i:])
		a := align{int32(base + i), int32(base + i + n), ch}
		i += n
		info := u.info(r)
		switch info & classMask {
		case clsDelete:
			continue
		case clsSpace, clsSplit:
			c.flushWord(s)
			continue
		}
		if info&flagCJK != 0 && c.chinese {
			c.flushWord(s)
			c.addNormalized(r, info, a, s)
			c.flushWord(s)
			continue
		}
		c.addNormalized(r, info, a, s)
	}
	c.flushWord(s)
	return int(ch) - baseChar
}

// addNormalized strips accents then lowercases r (the Rust order) and pre-tokenizes the result.
func (c *core) addNormalized(r rune, info uint8, a align, s *fastScratch) {
	u := fastRules
	if (!c.strip || info&flagStrip == 0) && (!c.lower || info&flagLower == 0) {
		c.addPre(r, info, a, s)
		return
	}
	var tmp [8]rune
	stripped := append(tmp[:0], r)
	if c.strip && info&flagStrip != 0 {
		stripped = u.computeStrip(r, tmp[:0])
	}
	for _, x := range stripped {
		xi := u.info(x)
		if !c.lower || xi&flagLower == 0 {
			c.addPre(x, xi, a, s)
			continue
		}
		s.runes = u.computeLower(x, s.runes[:0])
		for _, y := range s.runes {
			c.addPre(y, u.info(y), a, s)
		}
	}
}

// addPre is the pre-tokenizer on one normalized rune: whitespace ends a word, punctuation is
// a word of its own, anything else extends the current word.
func (c *core) addPre(r rune, info uint8, a align, s *fastScratch) {
	switch info & classMask {
	case clsSpace, clsSplit:
		c.flushWord(s)
	case clsPunct:
		c.flushWord(s)
		s.addRune(r, a)
		c.flushWord(s)
	default:
		s.addRune(r, a)
	}
}

func (s *fastScratch) addByte(b byte, a align) {
	s.word = append(s.word, b)
	s.al = append(s.al, a)
	s.nr++
}

func (s *fastScratch) addRune(r rune, a align) {
	n := len(s.word)
	s.word = utf8.AppendRune(s.word, r)
	for k := n; k < len(s.word); k++ {
		s.al = append(s.al, a)
	}
	s.nr++
}

// flushWord runs WordPiece on the pending word and appends its pieces with offsets.
func (c *core) flushWord(s *fastScratch) {
	if len(s.word) == 0 {
		return
	}
	s.spans = c.wp.tokenize(s.spans[:0], s.word, s.nr)
	for _, sp := range s.spans {
		first, last := s.al[sp.start], s.al[sp.end-1]
		s.out.ids = append(s.out.ids, sp.id)
		s.out.offs = append(s.out.offs, Offset{int(first.start), int(last.end)})
		s.out.chars = append(s.out.chars, Offset{int(first.char), int(last.char) + 1})
		s.out.words = append(s.out.words, s.wordN)
	}
	s.wordN++
	s.word, s.al, s.nr = s.word[:0], s.al[:0], 0
}
