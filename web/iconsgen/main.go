// Command iconsgen draws the installed app's icons (the favicon's round
// table with five seats) as PNG into web/static/icons: 192 and 512 pixels
// with rounded corners, and maskable ones whose drawing keeps inside the
// safe circle (the inner 80%) that launchers may crop to. Run it from web/
// with `go run ./iconsgen`; its test checks the committed files are its
// output.
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

var (
	accent = color.RGBA{0x0b, 0x5c, 0xad, 0xff}
	white  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	seat   = color.RGBA{0xcf, 0xe0, 0xf3, 0xff}
)

// Icon is one file to draw.
type Icon struct {
	Name     string
	Size     int
	Maskable bool
}

// Icons are the files the manifest names.
var Icons = []Icon{{"icon-192.png", 192, false}, {"icon-512.png", 512, false},
	{"maskable-192.png", 192, true}, {"maskable-512.png", 512, true}}

func main() {
	for _, ic := range Icons {
		b, err := Encode(ic)
		if err == nil {
			err = os.WriteFile(filepath.Join("static", "icons", ic.Name), b, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "iconsgen:", err)
			os.Exit(1)
		}
	}
}

// Encode draws ic and returns its PNG.
func Encode(ic Icon) ([]byte, error) {
	var buf bytes.Buffer
	err := png.Encode(&buf, Draw(ic.Size, ic.Maskable))
	return buf.Bytes(), err
}

// Draw renders the icon at size pixels. Shapes are in the favicon's 64-unit
// space; a pixel whose corners differ (an edge) averages 4×4 samples.
func Draw(size int, maskable bool) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	scale, offset := float64(size)/64, 0.0
	if maskable { // the table and seats shrink into the safe circle
		scale, offset = float64(size)/64*0.72, float64(size)*0.14
	}
	at := func(px, py float64) color.RGBA {
		return sample(px, py, float64(size), (px-offset)/scale, (py-offset)/scale, maskable)
	}
	const n = 4
	for y := range size {
		for x := range size {
			fx, fy := float64(x), float64(y)
			if c := at(fx+0.125, fy+0.125); c == at(fx+0.875, fy+0.125) && c == at(fx+0.125, fy+0.875) && c == at(fx+0.875, fy+0.875) {
				img.SetNRGBA(x, y, color.NRGBA(c)) // shapes are many pixels wide: equal corners, one colour
				continue
			}
			var r, g, b, a float64
			for sy := range n {
				for sx := range n {
					c := at(fx+(float64(sx)+0.5)/n, fy+(float64(sy)+0.5)/n)
					r, g, b, a = r+float64(c.R)*float64(c.A), g+float64(c.G)*float64(c.A), b+float64(c.B)*float64(c.A), a+float64(c.A)
				}
			}
			if a > 0 {
				img.SetNRGBA(x, y, color.NRGBA{uint8(r/a + 0.5), uint8(g/a + 0.5), uint8(b/a + 0.5), uint8(a/(n*n) + 0.5)})
			}
		}
	}
	return img
}

// sample is the colour at pixel (px, py) of an image size wide, whose
// point in the 64-unit drawing is (u, v).
func sample(px, py, size, u, v float64, maskable bool) color.RGBA {
	if dist(u, v, 32, 32) <= 10 {
		return white
	}
	for _, c := range seats {
		if dist(u, v, c[0], c[1]) <= 5 {
			return seat
		}
	}
	if maskable || inRoundedSquare(px/size*64, py/size*64, 14) {
		return accent
	}
	return color.RGBA{}
}

// seats are the centres of the five seats around the table, the first
// at the top.
var seats = func() (out [5][2]float64) {
	for i := range out {
		ang := -math.Pi/2 + float64(i)*2*math.Pi/5
		out[i] = [2]float64{32 + 20.5*math.Cos(ang), 32 + 20.5*math.Sin(ang)}
	}
	return out
}()

func dist(x, y, cx, cy float64) float64 { return math.Hypot(x-cx, y-cy) }

// inRoundedSquare reports whether (x, y) lies in the 64-unit square with
// corners of radius r.
func inRoundedSquare(x, y, r float64) bool {
	cx, cy := math.Max(r, math.Min(64-r, x)), math.Max(r, math.Min(64-r, y))
	return x >= 0 && y >= 0 && x <= 64 && y <= 64 && dist(x, y, cx, cy) <= r
}
