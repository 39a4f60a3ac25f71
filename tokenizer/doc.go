// Package tokenizer is LXMERT's text tokenizer (BERT uncased WordPiece) with exact parity
// with HuggingFace transformers 4.46.3 / tokenizers 0.20.3.
//
// Two tokenizers mirror HF's two implementations, which disagree on some inputs:
//
//   - LxmertTokenizer is the slow Python BertTokenizer: lowercase one rune at a time, clean-up,
//     CJK isolation, NFC, accent stripping, punctuation split, WordPiece. Its Unicode tables
//     are Python 3.11's unicodedata (Unicode 14), so e.g. unassigned code points are deleted.
//   - LxmertTokenizerFast is the Rust BertWordPiece pipeline, with byte and rune offsets and
//     word ids. Its Unicode tables are those of the Rust crates (older categories; only Cc and
//     Cf are deleted), so e.g. a private-use rune becomes [UNK] here but vanishes in the slow one.
//
// Both start from Go's Unicode 15 tables and apply generated overrides (tables_gen.go) where
// the references differ; TestCharProps checks every code point against tests/testdata.
//
// The zero Options give the bert-base-uncased vocabulary embedded from vocab.txt.
package tokenizer
