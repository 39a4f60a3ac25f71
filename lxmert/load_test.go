package lxmert

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// A strict load reports every missing, unexpected and wrongly shaped tensor in one error.
func TestStrictLoadListsEveryBadKey(t *testing.T) {
	dir, _, _ := tinyCase(t, "tiny-qa")
	sd, err := ReadCheckpoint(dir)
	require.NoError(t, err)
	sd.Delete("lxmert.encoder.x_layers.0.visual_attention.att.query.weight")
	extra, err := weights.FromFloat32("answer_head.logit_fc.9.weight", []int64{1}, []float32{1})
	require.NoError(t, err)
	sd.Set(extra)
	wrong, err := weights.FromFloat32("lxmert.pooler.dense.bias", []int64{3}, []float32{1, 2, 3})
	require.NoError(t, err)
	sd.Set(wrong)
	c, err := LoadConfig(dir)
	require.NoError(t, err)
	m, err := NewLxmertForQuestionAnswering(c)
	require.NoError(t, err)
	defer m.Close()
	err = m.LoadStateDict(sd)
	var ke *weights.KeyError
	require.ErrorAs(t, err, &ke)
	msg := err.Error()
	require.Contains(t, msg, "lxmert.encoder.x_layers.0.visual_attention.att.query.weight")
	require.Contains(t, msg, "answer_head.logit_fc.9.weight")
	require.Contains(t, msg, "lxmert.pooler.dense.bias")
	require.Contains(t, msg, "[32]")
}

// Every checkpoint form loads to the same numbers: safetensors, torch.save's zip with the tied
// decoder weight, a bare model from a head checkpoint, a head model from a bare checkpoint's
// backbone is refused (heads missing).
func TestLoadForms(t *testing.T) {
	for _, name := range []string{"tiny-pretrain", "tiny-pretrain-bin", "tiny-qa-bin"} {
		t.Run(name, func(t *testing.T) {
			dir, in, want := tinyCase(t, name)
			m, err := FromPretrained(dir)
			require.NoError(t, err)
			defer m.Close()
			got, err := ForwardNamed(m, in, allOutputs())
			require.NoError(t, err)
			requireCloseOutputs(t, want, got)
		})
	}
	t.Run("bare model from a QA checkpoint", func(t *testing.T) {
		m, err := LxmertModelFromPretrained(filepath.Join(tinyCases, "tiny-qa"))
		require.NoError(t, err)
		m.Close()
	})
	t.Run("QA model from a bare checkpoint lacks its head", func(t *testing.T) {
		_, err := LxmertForQuestionAnsweringFromPretrained(filepath.Join(tinyCases, "tiny-model"))
		require.ErrorContains(t, err, "answer_head.logit_fc.3.weight")
	})
}

// Original LXMERT key names (bert., module., lxrt_encoder.model.bert., top-level logit_fc.)
// load through the documented mapping.
func TestLoadOriginalKeyNames(t *testing.T) {
	dir, in, want := tinyCase(t, "tiny-qa")
	sd, err := ReadCheckpoint(dir)
	require.NoError(t, err)
	orig := weights.NewStateDict()
	for _, n := range sd.Names {
		h, _ := sd.Get(n)
		c := *h
		switch {
		case len(n) > 7 && n[:7] == "lxmert.":
			c.Name = "module.lxrt_encoder.model.bert." + n[7:]
		default:
			c.Name = "module." + n[len("answer_head."):]
		}
		orig.Set(&c)
	}
	mapped, err := weights.MapOriginalKeys(orig)
	require.NoError(t, err)
	cfg, err := LoadConfig(dir)
	require.NoError(t, err)
	m, err := NewLxmertForQuestionAnswering(cfg)
	require.NoError(t, err)
	defer m.Close()
	require.NoError(t, m.LoadStateDict(mapped))
	got, err := ForwardNamed(m, in, allOutputs())
	require.NoError(t, err)
	requireCloseOutputs(t, want, got)
}

// SavePretrained writes a folder that loads back to the same outputs. The saved weights are
// a byte copy of the loaded ones, so they are compared exactly (no arithmetic involved); the
// outputs go through BLAS and are compared with the parity tolerance.
func TestSavePretrainedRoundTrip(t *testing.T) {
	for _, name := range []string{"tiny-model", "tiny-pretrain", "tiny-qa"} {
		t.Run(name, func(t *testing.T) {
			dir, in, want := tinyCase(t, name)
			m, err := FromPretrained(dir)
			require.NoError(t, err)
			out := t.TempDir()
			require.NoError(t, m.SavePretrained(out))
			m.Close()
			back, err := FromPretrained(out)
			require.NoError(t, err)
			defer back.Close()
			got, err := ForwardNamed(back, in, allOutputs())
			require.NoError(t, err)
			requireCloseOutputs(t, want, got)
			sd, _, err := weights.ReadSafetensors(filepath.Join(out, "model.safetensors"))
			require.NoError(t, err)
			_, tied := sd.Get("cls.predictions.decoder.weight")
			require.False(t, tied, "the tied decoder weight is not saved")
			orig, err := ReadCheckpoint(dir)
			require.NoError(t, err)
			for _, n := range sd.Names {
				require.Equal(t, values(t, orig, n), values(t, sd, n), n)
			}
		})
	}
}
