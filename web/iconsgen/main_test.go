package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedIconsAreDrawn: each icon the manifest names is this
// program's output at its size, and a maskable one fills every pixel (a
// launcher crops it to any shape) while its drawing stays in the safe
// circle.
func TestCommittedIconsAreDrawn(t *testing.T) {
	for _, ic := range Icons {
		t.Run(ic.Name, func(t *testing.T) {
			want, err := Encode(ic)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join("..", "static", "icons", ic.Name))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("static/icons/%s is not iconsgen's output (%v): run `go run ./iconsgen` in web/", ic.Name, err)
			}
			img, err := png.Decode(bytes.NewReader(got))
			if err != nil || img.Bounds().Dx() != ic.Size || img.Bounds().Dy() != ic.Size {
				t.Fatalf("decoded %v, %v; want %d×%d", img.Bounds(), err, ic.Size, ic.Size)
			}
			_, _, _, cornerAlpha := img.At(0, 0).RGBA()
			if ic.Maskable != (cornerAlpha == 0xffff) {
				t.Errorf("corner alpha %d: a maskable icon fills its corners, the other has them round", cornerAlpha)
			}
			if ic.Maskable {
				s := float64(ic.Size)
				for _, p := range [][2]float64{{0.5, 0.1}, {0.5, 0.9}, {0.1, 0.5}, {0.9, 0.5}} { // just outside the safe circle
					if r, g, b, _ := img.At(int(p[0]*s), int(p[1]*s)).RGBA(); r>>8 != 0x0b || g>>8 != 0x5c || b>>8 != 0xad {
						t.Errorf("maskable drawing reaches %v of the edge", p)
					}
				}
			}
		})
	}
}
