package explain

import (
	"fmt"
	"image"
	"image/color"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

const (
	fontSize   = 14
	lineHeight = 20
	margin     = 8
)

var (
	faceOnce sync.Once
	face     font.Face
	faceErr  error
)

// captionFace is the Go Regular font at fontSize points (72 dpi: points are pixels).
func captionFace() (font.Face, error) {
	faceOnce.Do(func() {
		f, err := opentype.Parse(goregular.TTF)
		if err != nil {
			faceErr = err
			return
		}
		face, faceErr = opentype.NewFace(f, &opentype.FaceOptions{Size: fontSize, DPI: 72, Hinting: font.HintingFull})
	})
	return face, faceErr
}

func captionHeight(lines int) int { return 2*margin + lines*lineHeight }

// drawCaption writes the lines below the picture (which ends at y = top); text wider than the
// picture is cut, not wrapped.
func drawCaption(img *image.RGBA, lines []string, top int) error {
	f, err := captionFace()
	if err != nil {
		return fmt.Errorf("explain: caption font: %w", err)
	}
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{20, 20, 20, 255}), Face: f}
	for i, l := range lines {
		d.Dot = fixed.P(margin, top+margin+(i+1)*lineHeight-5)
		d.DrawString(l)
	}
	return nil
}
