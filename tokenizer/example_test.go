package tokenizer_test

import (
	"fmt"

	"github.com/lxmert-go/golxmert/tokenizer"
)

func Example() {
	tk, err := tokenizer.NewFast(tokenizer.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(tk.Tokenize("What color is the Umbrella?"))
	e, err := tk.EncodePair("Is it €20?", "yes")
	if err != nil {
		panic(err)
	}
	fmt.Println(e.IDs)
	fmt.Println(e.TypeIDs)
	fmt.Println(e.CharOffsets)
	fmt.Println(tk.Decode(e.IDs, tokenizer.DecodeOptions{SkipSpecialTokens: true}))
	// Output:
	// [what color is the umbrella ?]
	// [101 2003 2009 1574 11387 1029 102 2748 102]
	// [0 0 0 0 0 0 0 1 1]
	// [{0 0} {0 2} {3 5} {6 7} {7 9} {9 10} {0 0} {0 3} {0 0}]
	// is it €20? yes
}

func ExampleLxmertTokenizer_EncodeBatch() {
	tk, err := tokenizer.New(tokenizer.Options{})
	if err != nil {
		panic(err)
	}
	encs, err := tk.EncodeBatch([]tokenizer.Input{{Text: "How many dogs?"}, {Text: "Is the ΟΔΟΣ wet?"}},
		tokenizer.EncodeOptions{Padding: tokenizer.PadLongest, Truncation: tokenizer.LongestFirst, MaxLength: 8})
	if err != nil {
		panic(err)
	}
	for _, e := range encs {
		fmt.Println(e.Tokens, e.AttentionMask)
	}
	// Output:
	// [[CLS] how many dogs ? [SEP] [PAD] [PAD]] [1 1 1 1 1 1 0 0]
	// [[CLS] is the ο ##δ ##ο ##σ [SEP]] [1 1 1 1 1 1 1 1]
}
