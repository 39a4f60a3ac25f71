package main

import (
	"io"
	"os"

	"github.com/lxmert-go/golxmert/tokenizer"
)

// runTokenize is `lxmert tokenize`: JSON lines in, HF-equivalent tokenizations out.
func runTokenize(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("tokenize")
	vocab := fs.String("vocab", "", "vocab.txt to use (default: the embedded bert-base-uncased vocabulary)")
	model := fs.String("model", "", "HF model folder (vocab.txt, tokenizer_config.json, tokenizer.json)")
	input := fs.String("input", "", `JSONL file, one {"text": ...} object per line ("-" for stdin)`)
	fast := fs.Bool("fast", false, "use LxmertTokenizerFast (adds offsets) instead of the slow LxmertTokenizer")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if *input == "" {
		return usagef("--input is required")
	}
	if *vocab != "" && *model != "" {
		return usagef("give --vocab or --model, not both")
	}
	tk, err := loadTokenizer(*vocab, *model, *fast)
	if err != nil {
		return err
	}
	in := io.Reader(os.Stdin)
	if *input != "-" {
		f, err := os.Open(*input)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	return tokenizer.TokenizeJSONL(in, stdout, tk, *fast)
}

func loadTokenizer(vocab, model string, fast bool) (tokenizer.Tokenizer, error) {
	if model != "" {
		if fast {
			return tokenizer.FastFromPretrained(model)
		}
		return tokenizer.FromPretrained(model)
	}
	var o tokenizer.Options
	if vocab != "" {
		v, err := tokenizer.LoadVocab(vocab)
		if err != nil {
			return nil, err
		}
		o.Vocab = v
	}
	if fast {
		return tokenizer.NewFast(o)
	}
	return tokenizer.New(o)
}
