package api

import (
	"image"
	"image/color"
	"net/http"
)

// Photo decoding is budgeted in bytes, from the header alone: a pixel
// count says little when a 16-bit PNG of 311 KB decodes to 320 MB.
const (
	// maxDecodeBytes bounds what decoding one photo and scaling it down
	// may allocate; a 40-megapixel 4:2:0 JPEG or a 20-megapixel PNG fits.
	maxDecodeBytes = 128 << 20
	// photoDecodes is how many photos are decoded at once; further uploads
	// wait up to photoWait for a turn, then get 503 photo_busy.
	photoDecodes = 2
)

var (
	errDeepImage = &Error{Status: http.StatusUnprocessableEntity, Code: "unsupported_color_depth", Field: "photo",
		Message: "16-bit images are not accepted; save the photo with 8 bits per channel"}
	errColorModel = &Error{Status: http.StatusUnprocessableEntity, Code: "unsupported_color_model", Field: "photo",
		Message: "send an RGB or greyscale JPEG or PNG (CMYK is not accepted)"}
	errImageTooLarge = &Error{Status: http.StatusUnprocessableEntity, Code: "image_too_large", Field: "photo",
		Message: "the image is too large to process; send a smaller one"}
)

// decodeCost estimates from the header what decoding body (as described
// by cfg) and scaling it to a thumbnail allocate, and refuses colour
// models whose decoding is costly for no benefit to a 256-px photo.
func decodeCost(body []byte, cfg image.Config, format string) (int64, error) {
	pixels := int64(cfg.Width) * int64(cfg.Height)
	// CatmullRom keeps one [4]float64 per thumbnail column and source row.
	cost := int64(photoSide) * int64(min(cfg.Width, cfg.Height)) * 32
	switch format {
	case "png":
		bpp, err := pngBytesPerPixel(cfg.ColorModel)
		if err != nil {
			return 0, err
		}
		cost += pixels * bpp
		if len(body) > 28 && body[28] == 1 {
			cost += pixels * bpp / 2 // Adam7: the largest pass is decoded beside the image
		}
	case "jpeg":
		c, err := jpegCost(body, cfg)
		if err != nil {
			return 0, err
		}
		cost += c
	default:
		return 0, errBadImage
	}
	return cost, nil
}

func pngBytesPerPixel(m color.Model) (int64, error) {
	switch m {
	case color.GrayModel:
		return 1, nil
	case color.RGBAModel, color.NRGBAModel:
		return 4, nil
	case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model:
		return 0, errDeepImage
	}
	if _, ok := m.(color.Palette); ok {
		return 1, nil
	}
	return 0, errColorModel
}

// jpegCost is what image/jpeg allocates: one byte per sample of every
// (MCU-padded) component, four more per sample for a progressive image's
// coefficients, and an RGBA copy when the file is RGB rather than YCbCr.
func jpegCost(body []byte, cfg image.Config) (int64, error) {
	if cfg.ColorModel == color.CMYKModel {
		return 0, errColorModel
	}
	f, ok := jpegFrameOf(body)
	if !ok {
		return 0, errBadImage
	}
	cost := f.samples
	if f.progressive {
		cost += 4 * f.samples
	}
	if cfg.ColorModel == color.RGBAModel {
		cost += 4 * int64(cfg.Width) * int64(cfg.Height)
	}
	return cost, nil
}

// jpegFrame is what a JPEG's start-of-frame header says about decoding it.
type jpegFrame struct {
	samples     int64 // over all components, padded to whole MCUs
	progressive bool
}

// jpegFrameOf walks the marker segments up to the first start-of-frame
// (baseline, extended or progressive: what image/jpeg decodes).
func jpegFrameOf(b []byte) (jpegFrame, bool) {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return jpegFrame{}, false
		}
		m := b[i+1]
		if m == 0xff { // fill byte
			i++
			continue
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return jpegFrame{}, false
		}
		if m == 0xc0 || m == 0xc1 || m == 0xc2 {
			return parseSOF(b[i+4:i+2+n], m == 0xc2)
		}
		i += 2 + n
	}
	return jpegFrame{}, false
}

func parseSOF(s []byte, progressive bool) (jpegFrame, bool) {
	if len(s) < 6 {
		return jpegFrame{}, false
	}
	height, width, n := int64(s[1])<<8|int64(s[2]), int64(s[3])<<8|int64(s[4]), int(s[5])
	if n < 1 || len(s) < 6+3*n {
		return jpegFrame{}, false
	}
	h0, v0, blocks := int64(1), int64(1), int64(0)
	for k := range n {
		h, v := int64(s[7+3*k]>>4), int64(s[7+3*k]&0x0f)
		if n == 1 { // a single component is never subsampled (image/jpeg does the same)
			h, v = 1, 1
		}
		if h < 1 || v < 1 {
			return jpegFrame{}, false
		}
		if k == 0 {
			h0, v0 = h, v
		}
		blocks += h * v
	}
	mcus := ((width + 8*h0 - 1) / (8 * h0)) * ((height + 8*v0 - 1) / (8 * v0))
	return jpegFrame{samples: mcus * blocks * 64, progressive: progressive}, true
}
