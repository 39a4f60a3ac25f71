package main

import (
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // --image may be a JPEG
	"image/png"
	"io"
	"os"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/explain"

	"github.com/lxmert-go/golxmert/lxmert/atomicfile"
)

// runExplain is `lxmert explain`: a PNG of the regions shaded by the attention they got from
// the question, with the question and the top answers as a caption.
func runExplain(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("explain")
	f := addAnswerFlags(fs)
	out := fs.String("out", "", "PNG file to write (required)")
	photo := fs.String("image", "", "the image (PNG or JPEG) to draw on; default: a blank canvas of the features' img_w × img_h")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required("--features", *f.feats, "--image-id", *f.imageID, "--question", *f.question, "--out", *out); err != nil {
		return err
	}
	a, src, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	defer src.Close()
	img, err := src.Image(*f.imageID)
	if err != nil {
		return err
	}
	ex, err := a.Explain(context.Background(), img, *f.question)
	if err != nil {
		return err
	}
	fig := explain.Figure{Width: img.Width, Height: img.Height, Boxes: img.Boxes, Weights: ex.RegionAttention,
		Legend: "shading: question-to-region attention, last cross layer"}
	if fig.Width == 0 || fig.Height == 0 {
		fig.Width, fig.Height = 640, 480 // the features do not say; boxes are normalised anyway
	}
	if *photo != "" {
		if fig.Base, err = decodeImage(*photo); err != nil {
			return err
		}
	}
	answers := make([]string, len(ex.Answers))
	for i, ans := range ex.Answers {
		answers[i] = fmt.Sprintf("%s %.1f%%", ans.Answer, 100*ans.Prob)
	}
	fig.Caption = []string{"Q: " + ex.Question, "A: " + strings.Join(answers, ", ")}
	pic, err := explain.Render(fig)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(*out, func(w io.Writer) error { return png.Encode(w, pic) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%dx%d): %s -> %s\n", *out, pic.Bounds().Dx(), pic.Bounds().Dy(), ex.Question, answers[0])
	return nil
}

func decodeImage(path string) (image.Image, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	cfg, _, err := image.DecodeConfig(fh)
	if err != nil {
		return nil, fmt.Errorf("--image %s: %w", path, err)
	}
	if cfg.Width > explain.MaxSide || cfg.Height > explain.MaxSide {
		return nil, fmt.Errorf("--image %s: %dx%d is larger than %d pixels a side", path, cfg.Width, cfg.Height, explain.MaxSide)
	}
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	pic, _, err := image.Decode(fh)
	if err != nil {
		return nil, fmt.Errorf("--image %s: %w", path, err)
	}
	return pic, nil
}
