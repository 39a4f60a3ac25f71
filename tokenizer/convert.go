package tokenizer

// Vocab returns the WordPiece vocabulary (without added tokens).
func (c *core) Vocab() *Vocab { return c.vocab }

// VocabSize returns the number of ids: the vocabulary plus added tokens beyond it.
func (c *core) VocabSize() int { return c.vocab.Size() + len(c.addedTokens) }

// TokenToID returns the id of a token (vocabulary or added) and whether it exists.
func (c *core) TokenToID(token string) (int, bool) { return c.tokenToID(token) }

// IDToToken returns the token of an id and whether the id exists.
func (c *core) IDToToken(id int) (string, bool) { return c.idToToken(id) }

// ConvertTokensToIDs maps tokens to ids; unknown tokens map to the unknown token's id, as in HF.
func (c *core) ConvertTokensToIDs(tokens []string) []int {
	out := make([]int, len(tokens))
	for i, t := range tokens {
		id, ok := c.tokenToID(t)
		if !ok {
			id = int(c.unkID)
		}
		out[i] = id
	}
	return out
}

// ConvertIDsToTokens maps ids to tokens; an id out of range is an error naming its position.
func (c *core) ConvertIDsToTokens(ids []int) ([]string, error) {
	out := make([]string, len(ids))
	for i, id := range ids {
		t, ok := c.idToToken(id)
		if !ok {
			return nil, errBadID(i, id, c.VocabSize())
		}
		out[i] = t
	}
	return out, nil
}

// SpecialTokens returns the special tokens in HF's all_special_tokens order.
func (c *core) SpecialTokens() []string { return append([]string(nil), c.special...) }
