package tokenizer

import (
	"fmt"
	"sort"
	"strings"
)

// core holds what both tokenizers share: vocabulary, WordPiece, options and special tokens.
type core struct {
	vocab          *Vocab
	wp             *wordPiece
	lower          bool
	strip          bool
	chinese        bool
	neverSplit     map[string]bool // special tokens and Options.NeverSplit: kept whole
	userNeverSplit map[string]bool // Options.NeverSplit only: also skip WordPiece
	special        []string        // all special tokens, HF's all_special_tokens order
	specialIDs     map[int32]bool
	added          []string // tokens matched verbatim in text, longest first
	addedIDs       map[string]int32
	addedTokens    []string // ids vocab.Size()... for added tokens not in the vocabulary
	unk, sep       string
	pad, cls       string
	mask           string
	unkID          int32
	sepID          int32
	padID          int32
	clsID          int32
	maskID         int32
	maxLen         int
	firstBytes     [256]bool // first bytes of added tokens
	opts           Options
}

func newCore(o Options) (*core, error) {
	c := &core{vocab: o.Vocab, lower: orTrue(o.DoLowerCase), chinese: orTrue(o.TokenizeChineseChars),
		neverSplit: map[string]bool{}, userNeverSplit: map[string]bool{}, specialIDs: map[int32]bool{}, addedIDs: map[string]int32{}, opts: o}
	if c.vocab == nil {
		c.vocab = DefaultVocab()
	}
	c.strip = c.lower
	if o.StripAccents != nil {
		c.strip = *o.StripAccents
	}
	c.unk, c.sep = orDefault(o.UnkToken, "[UNK]"), orDefault(o.SepToken, "[SEP]")
	c.pad, c.cls = orDefault(o.PadToken, "[PAD]"), orDefault(o.ClsToken, "[CLS]")
	c.mask = orDefault(o.MaskToken, "[MASK]")
	c.maxLen = o.ModelMaxLength
	if c.maxLen <= 0 {
		c.maxLen = 512
	}
	maxChars := o.MaxInputCharsPerWord
	if maxChars <= 0 {
		maxChars = 100
	}
	c.special = []string{c.unk, c.sep, c.pad, c.cls, c.mask}
	for _, t := range o.AdditionalSpecialTokens {
		if t != "" && !contains(c.special, t) {
			c.special = append(c.special, t)
		}
	}
	for _, t := range c.special {
		id, ok := c.vocab.ID(t)
		if !ok {
			id = c.vocab.Size() + len(c.addedTokens)
			c.addedTokens = append(c.addedTokens, t)
		}
		c.addedIDs[t] = int32(id)
		c.specialIDs[int32(id)] = true
		c.neverSplit[t] = true
	}
	if _, ok := c.vocab.ID(c.unk); !ok {
		return nil, fmt.Errorf("tokenizer: unknown token %q is not in the vocabulary", c.unk)
	}
	for _, t := range o.NeverSplit {
		c.neverSplit[t] = true
		c.userNeverSplit[t] = true
	}
	c.unkID, c.sepID, c.padID = c.addedIDs[c.unk], c.addedIDs[c.sep], c.addedIDs[c.pad]
	c.clsID, c.maskID = c.addedIDs[c.cls], c.addedIDs[c.mask]
	c.added = append([]string(nil), c.special...)
	for _, t := range c.added {
		c.firstBytes[t[0]] = true
	}
	sort.SliceStable(c.added, func(i, j int) bool { return len(c.added[i]) > len(c.added[j]) })
	c.wp = newWordPiece(c.vocab, c.unk, maxChars)
	return c, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// matchAdded returns the added token that starts text, preferring the longest, or "".
func (c *core) matchAdded(text string) string {
	if len(text) == 0 || !c.firstBytes[text[0]] {
		return ""
	}
	for _, t := range c.added {
		if strings.HasPrefix(text, t) {
			return t
		}
	}
	return ""
}

// splitAdded calls fn for each maximal run of text between added tokens (isAdded false) and
// for each added token (isAdded true), leftmost-longest, in order.
func (c *core) splitAdded(text string, fn func(seg string, start int, isAdded bool)) {
	last := 0
	for i := 0; i < len(text); i++ {
		if t := c.matchAdded(text[i:]); t != "" {
			if i > last {
				fn(text[last:i], last, false)
			}
			fn(t, i, true)
			i += len(t) - 1
			last = i + 1
		}
	}
	if last < len(text) {
		fn(text[last:], last, false)
	}
}

// idToToken returns the token for id, including added tokens past the vocabulary.
func (c *core) idToToken(id int) (string, bool) {
	if t, ok := c.vocab.Token(id); ok {
		return t, true
	}
	if k := id - c.vocab.Size(); k >= 0 && k < len(c.addedTokens) {
		return c.addedTokens[k], true
	}
	return "", false
}

// tokenToID returns the id of token, including added tokens.
func (c *core) tokenToID(t string) (int, bool) {
	if id, ok := c.addedIDs[t]; ok {
		return int(id), true
	}
	return c.vocab.ID(t)
}
