package main

import (
	"fmt"
	"io"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

func runForward(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("forward")
	model := fs.String("model", "", "model folder (config.json + model.safetensors or pytorch_model.bin)")
	inputs := fs.String("inputs", "", "safetensors file of inputs named as HF's forward arguments")
	out := fs.String("out", "", "safetensors file to write the outputs to (HF field names)")
	attn := fs.Bool("output-attentions", false, "also write the attention tuples")
	hidden := fs.Bool("output-hidden-states", false, "also write the hidden-state tuples")
	threads := fs.Int("threads", 0, threadsHelp)
	precision := fs.String("precision", "fp32", precisionHelp)
	gradsOut := fs.String("grads", "", "also write d(loss)/d(param) of this forward to a safetensors file, by HF parameter name (the inputs must include labels)")
	trainSeed := fs.Int64("train-seed", -1, "run a train-mode forward (dropout on) with LibTorch's generator seeded with this value (-1: eval mode)")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required("--model", *model, "--inputs", *inputs, "--out", *out); err != nil {
		return err
	}
	if err := setThreads(*threads); err != nil {
		return err
	}
	prec, err := lxmert.ParsePrecision(*precision)
	if err != nil {
		return usagef("--precision: %v", err)
	}
	if prec != lxmert.PrecisionFP32 && (*gradsOut != "" || *trainSeed >= 0) {
		return usagef("--precision %s is for eval forwards (not with --grads or --train-seed)", prec)
	}
	m, err := lxmert.FromPretrained(*model)
	if err != nil {
		return err
	}
	defer m.Close()
	if *trainSeed >= 0 {
		m.Train()
		binding.ManualSeed(uint64(*trainSeed))
	}
	in, _, err := weights.ReadSafetensors(*inputs)
	if err != nil {
		return err
	}
	opts := lxmert.Options{OutputAttentions: *attn, OutputHiddenStates: *hidden, Precision: prec}
	var res, grads *weights.StateDict
	if *gradsOut != "" {
		res, grads, err = lxmert.BackwardNamed(m, in, opts)
	} else {
		res, err = lxmert.ForwardNamed(m, in, opts)
	}
	if err != nil {
		return err
	}
	if grads != nil {
		if err := weights.WriteSafetensors(*gradsOut, grads, map[string]string{"format": "pt"}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d gradients to %s\n", grads.Len(), *gradsOut)
	}
	if err := weights.WriteSafetensors(*out, res, map[string]string{"format": "pt"}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d outputs to %s\n", res.Len(), *out)
	return nil
}
