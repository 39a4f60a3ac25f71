package main

import (
	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/demo"
)

// loadAnswerer loads the model folder dir, or the embedded demo model when dir is "".
func loadAnswerer(dir string, o answer.Options) (*answer.Answerer, error) {
	if dir == "" {
		return demo.Answerer(o)
	}
	return answer.Load(dir, o)
}
