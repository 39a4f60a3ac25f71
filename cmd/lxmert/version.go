package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/lxmert-go/golxmert/binding"
)

// Version is the program's version.
const Version = "0.1.0"

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version")
	threads := fs.Int("threads", 0, threadsHelp)
	if err := parse(fs, args, stdout); err != nil {
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

// precisionHelp documents the --precision flag of answer, explain and forward.
const precisionHelp = "fp32; bf16: linear layers in bfloat16, about twice as fast; int8: the encoder layers' linear layers in int8 dynamic quantization, about three times as fast; both agree with fp32's answers on >= 99% of questions (eval forwards only)"

// threadsHelp documents every command's --threads flag.
const threadsHelp = "intra-op threads (0: $OMP_NUM_THREADS if set, else the CPUs available to the process)"

// setThreads applies a --threads flag; 0 is the documented default (binding.DefaultThreads).
func setThreads(n int) error { return binding.SetNumThreads(n) }
