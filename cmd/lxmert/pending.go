package main

import (
	"fmt"
	"io"
)

// These commands belong to later work (the answering tool, training, speed); until then they
// say so and fail, rather than pretend.
func runAnswer(args []string, stdout, stderr io.Writer) error {
	return fmt.Errorf("not implemented yet: the answering tool is a later issue")
}

func runBench(args []string, stdout, stderr io.Writer) error {
	return fmt.Errorf("not implemented yet: benchmarks come with the speed issue")
}
