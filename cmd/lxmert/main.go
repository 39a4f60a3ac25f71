// Command lxmert answers questions about images, runs LXMERT forwards, tokenizes text and
// (later) trains, on LibTorch through Go.
//
// Usage: lxmert <command> [flags]; `lxmert <command> -h` lists a command's flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"answer":   {"answer a question about an image's region features", runAnswer},
	"convert":  {"rewrite a model folder's weights (any format) as safetensors (float32 or float16) or tf_model.h5", runConvert},
	"demo":     {"answer questions about fresh synthetic scenes with the default model, report accuracy", runDemo},
	"explain":  {"draw the regions a question attended to, with the answers, as a PNG", runExplain},
	"forward":  {"run a model on inputs from a safetensors file, write every output", runForward},
	"loadtest": {"measure lxmert serve on loopback: requests/s, latency, batch size per client count", runLoadtest},
	"scenes":   {"write a synthetic scene question-answering dataset", runScenes},
	"serve":    {"an HTTP answering service with dynamic batching, metrics and graceful shutdown", runServe},
	"tokenize": {"tokenize JSON lines with the LXMERT (BERT uncased) tokenizer", runTokenize},
	"train":    {"fine-tune a question-answering model", runTrain},
	"version":  {"print versions, the BLAS in use and the thread count", runVersion},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: lxmert <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'lxmert <command> -h' for a command's flags.")
}

// run dispatches to a subcommand and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "lxmert: no command given (run 'lxmert --help' for the commands)")
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "lxmert: unknown command %q (run 'lxmert --help' for the commands)\n", args[0])
		return 2
	}
	if err := cmd.run(args[1:], stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if errors.Is(err, errInterrupted) {
			return 130
		}
		var status exitStatus // a data-parallel worker's, which printed why
		if errors.As(err, &status) {
			return int(status)
		}
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "lxmert %s: %s (run 'lxmert %s --help')\n", args[0], oneLine(ue.msg), args[0])
			return 2
		}
		fmt.Fprintf(stderr, "lxmert %s: %s\n", args[0], oneLine(err.Error()))
		return 1
	}
	return 0
}

// oneLine keeps the CLI's promise of one clear line on stderr.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
