package api

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// TestDecodeCostFollowsTheHeader checks the budget against what
// image/jpeg and image/png allocate for the common kinds of photo.
func TestDecodeCostFollowsTheHeader(t *testing.T) {
	var ycc, gray bytes.Buffer
	if err := jpeg.Encode(&ycc, image.NewRGBA(image.Rect(0, 0, 100, 60)), nil); err != nil { // 4:2:0
		t.Fatal(err)
	}
	if err := jpeg.Encode(&gray, image.NewGray(image.Rect(0, 0, 100, 60)), nil); err != nil {
		t.Fatal(err)
	}
	scale := int64(photoSide) * 60 * 32
	// 100×60 in 16×16 MCUs is 7×4 MCUs of 4 Y + 2 chroma blocks.
	if got, want := cost(t, ycc.Bytes()), scale+7*4*6*64; got != want {
		t.Errorf("4:2:0 JPEG: cost %d, want %d", got, want)
	}
	if got, want := cost(t, gray.Bytes()), scale+13*8*64; got != want {
		t.Errorf("grey JPEG: cost %d, want %d", got, want)
	}
	prog := bytes.Replace(ycc.Bytes(), []byte{0xff, 0xc0}, []byte{0xff, 0xc2}, 1)
	if f, ok := jpegFrameOf(prog); !ok || !f.progressive || f.samples != 7*4*6*64 {
		t.Errorf("progressive header read as %+v, %v", f, ok)
	}
	if got, want := cost(t, prog), scale+5*7*4*6*64; got != want {
		t.Errorf("progressive JPEG: cost %d, want %d (its coefficients are kept)", got, want)
	}
	if _, err := jpegCost(ycc.Bytes(), image.Config{ColorModel: color.CMYKModel}); err != errColorModel {
		t.Errorf("CMYK JPEG: %v, want %v", err, errColorModel)
	}
	if _, ok := jpegFrameOf(ycc.Bytes()[:20]); ok {
		t.Errorf("a truncated header was read")
	}
}

func cost(t *testing.T, b []byte) int64 {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c, err := decodeCost(b, cfg, format)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
