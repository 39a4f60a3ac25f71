package tokenizer

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Character classes shared by both tokenizers' clean-up and splitting rules.
const (
	clsOther  uint8 = iota // kept as is
	clsDelete              // dropped by clean-up (control, format, NUL, U+FFFD, ...)
	clsSpace               // becomes a word boundary
	clsSplit               // a word boundary for Python's str.split only (slow: U+2028, U+2029)
	clsPunct               // isolated as its own word
)

// Flags cached per BMP rune next to the class.
const (
	flagCJK    uint8 = 1 << 4 // CJK ideograph, padded with spaces
	flagLower  uint8 = 1 << 5 // lowercasing changes the rune
	flagStrip  uint8 = 1 << 6 // accent stripping changes the rune
	classMask  uint8 = 0x0f
	bmpEntries       = 0x10000
)

// rules is one reference implementation's view of Unicode: the slow tokenizer follows Python's
// unicodedata (Unicode 14), the fast one the Rust crates behind `tokenizers`. Both start from
// Go's tables (Unicode 15) and apply generated overrides where the references disagree.
type rules struct {
	baseClass func(r rune) uint8
	cjk       func(r rune) bool
	classOver []classRange
	lowerOver map[rune]string
	stripOver map[rune]string

	once sync.Once
	bmp  []uint8
}

// classRange overrides the class of runes lo..hi inclusive.
type classRange struct {
	lo, hi rune
	cls    uint8
}

var (
	slowRules = &rules{baseClass: slowBaseClass, cjk: isCJK, classOver: slowClassOver, lowerOver: slowLowerOver, stripOver: slowStripOver}
	fastRules = &rules{baseClass: fastBaseClass, cjk: isCJKRust, classOver: fastClassOver, lowerOver: fastLowerOver, stripOver: fastStripOver}
)

// table builds the BMP cache once; runes above U+FFFF take the slower path.
func (u *rules) table() []uint8 {
	u.once.Do(func() {
		t := make([]uint8, bmpEntries)
		var buf [8]rune
		for r := rune(0); r < bmpEntries; r++ {
			if r >= 0xD800 && r < 0xE000 {
				t[r] = clsDelete
				continue
			}
			t[r] = u.computeInfo(r, buf[:0])
		}
		u.bmp = t
	})
	return u.bmp
}

func (u *rules) computeInfo(r rune, buf []rune) uint8 {
	info := u.computeClass(r)
	if u.cjk(r) {
		info |= flagCJK
	}
	if l := u.computeLower(r, buf[:0]); len(l) != 1 || l[0] != r {
		info |= flagLower
	}
	if s := u.computeStrip(r, buf[:0]); len(s) != 1 || s[0] != r {
		info |= flagStrip
	}
	return info
}

// info returns the class and flags of r.
func (u *rules) info(r rune) uint8 {
	if r < bmpEntries {
		return u.table()[r]
	}
	var buf [8]rune
	return u.computeInfo(r, buf[:0])
}

func (u *rules) computeClass(r rune) uint8 {
	lo, hi := 0, len(u.classOver)
	for lo < hi {
		m := (lo + hi) / 2
		switch c := u.classOver[m]; {
		case r < c.lo:
			hi = m
		case r > c.hi:
			lo = m + 1
		default:
			return c.cls
		}
	}
	return u.baseClass(r)
}

// computeLower appends the lowercase of r (full case mapping, one rune at a time).
func (u *rules) computeLower(r rune, dst []rune) []rune {
	if s, ok := u.lowerOver[r]; ok {
		return append(dst, []rune(s)...)
	}
	if r == 'İ' { // the one unconditional multi-rune lowercase mapping
		return append(dst, 'i', 0x307)
	}
	return append(dst, unicode.ToLower(r))
}

// computeStrip appends NFD(r) without its nonspacing marks.
func (u *rules) computeStrip(r rune, dst []rune) []rune {
	if s, ok := u.stripOver[r]; ok {
		return append(dst, []rune(s)...)
	}
	var b [4]byte
	var out [32]byte
	n := encodeRune(b[:], r)
	d := norm.NFD.Append(out[:0], b[:n]...)
	for len(d) > 0 {
		x, size := utf8.DecodeRune(d)
		d = d[size:]
		if !unicode.Is(unicode.Mn, x) {
			dst = append(dst, x)
		}
	}
	return dst
}

// isCJK reports whether r is in the CJK ideograph blocks that transformers' BERT isolates.
func isCJK(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) ||
		(r >= 0x20000 && r <= 0x2A6DF) || (r >= 0x2A700 && r <= 0x2B73F) ||
		(r >= 0x2B740 && r <= 0x2B81F) || (r >= 0x2B820 && r <= 0x2CEAF) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0x2F800 && r <= 0x2FA1F)
}

// isCJKRust is the `tokenizers` crate's version of isCJK: its Extension E range starts at
// U+2B920 instead of U+2B820, so U+2B820..U+2B91F are ordinary letters there.
func isCJKRust(r rune) bool {
	return isCJK(r) && (r < 0x2B820 || r > 0x2B91F)
}
