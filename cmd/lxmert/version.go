package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"

	"github.com/lxmert-go/golxmert/binding"
)

// Version is the program's version.
const Version = "0.1.0"

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	threads := fs.Int("threads", 0, "intra-op threads to set before reporting (0: leave as is)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := setThreads(*threads); err != nil {
		return err
	}
	info, err := binding.RuntimeInfo()
	if err != nil {
		return err
	}
	blas, err := binding.BLASLibrary()
	if err != nil {
		return err
	}
	kind := "reference BLAS (slow: install libopenblas0-openmp)"
	if binding.IsOpenBLAS(blas) {
		kind = "OpenBLAS"
	}
	fmt.Fprintf(stdout, "lxmert %s\ngo %s %s/%s\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "blas: %s (%s)\nthreads: %d\n%s", kind, blas, binding.NumThreads(), info)
	return nil
}

// setThreads applies a --threads flag; 0 leaves libtorch's setting.
func setThreads(n int) error {
	if n == 0 {
		return nil
	}
	return binding.SetNumThreads(n)
}
