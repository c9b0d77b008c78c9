package api

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	_ "image/png" // decoder registration: PNG uploads are accepted
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/image/draw"

	"github.com/zadankai/zadankai/rooms"
)

const (
	maxPhotoBytes  = 5 << 20
	maxPhotoPixels = 40_000_000 // refuses decompression bombs before decoding
	photoSide      = 256
)

var errBadImage = &Error{Status: http.StatusUnprocessableEntity, Code: "bad_image", Field: "photo", Message: "send a JPEG or PNG image"}

// putMyPhoto takes a JPEG or PNG body, crops it to a centred square and
// stores it as a 256-px JPEG. Re-encoding also drops EXIF data such as
// the GPS position a phone may have recorded.
func (a *API) putMyPhoto(c *gin.Context) {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mt != "image/jpeg" && mt != "image/png" {
		fail(c, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Field: "photo", Message: "send image/jpeg or image/png"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxPhotoBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		fail(c, &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Field: "photo", Message: "the photo is larger than 5 MB"})
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	out, err := a.squareThumbnail(c, body)
	if err != nil {
		fail(c, err)
		return
	}
	// The profile is not written here: that would move its version on
	// under an open profile form (and, before the first save, create the
	// profile and skip the new member's first recommendations). HasPhoto
	// is read from the photos until the next profile save records it.
	if err := a.store.PutPhoto(c.Request.Context(), currentMember(c).ID, out); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// squareThumbnail decodes body within the byte budget, one of at most
// photoDecodes at a time, and returns the centred 256-px JPEG.
func (a *API) squareThumbnail(c *gin.Context, body []byte) ([]byte, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil || cfg.Width < 32 || cfg.Height < 32 {
		return nil, errBadImage
	}
	if cfg.Width*cfg.Height > maxPhotoPixels {
		return nil, &Error{Status: http.StatusUnprocessableEntity, Code: "image_too_large", Field: "photo", Message: "the image has too many pixels"}
	}
	if cost, err := decodeCost(body, cfg, format); err != nil {
		return nil, err
	} else if cost > maxDecodeBytes {
		return nil, errImageTooLarge
	}
	release, err := a.decodeTurn(c)
	if err != nil {
		return nil, err
	}
	defer release()
	src, _, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		return nil, errBadImage
	}
	b := src.Bounds()
	side := min(b.Dx(), b.Dy())
	crop := image.Rect(b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2, 0, 0)
	crop.Max = crop.Min.Add(image.Pt(side, side))
	dst := image.NewRGBA(image.Rect(0, 0, photoSide, photoSide))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// photoWait is how long an upload waits for a decoding turn: long enough
// for two photos to finish, short enough to answer before the client
// gives up.
const photoWait = 5 * time.Second

// decodeTurn waits for one of the photoDecodes decoding turns.
func (a *API) decodeTurn(c *gin.Context) (release func(), err error) {
	t := time.NewTimer(photoWait)
	defer t.Stop()
	select {
	case a.decodes <- struct{}{}:
		return func() { <-a.decodes }, nil
	case <-t.C:
	case <-c.Request.Context().Done():
	}
	c.Header("Retry-After", "10")
	return nil, &Error{Status: http.StatusServiceUnavailable, Code: "photo_busy", Field: "photo",
		Message: "many photos are being processed; try again in a few seconds"}
}

// getPhoto serves a member's photo to those allowed to see it: the
// member, operators, and peers who were recommended to or met them.
func (a *API) getPhoto(c *gin.Context) {
	id := rooms.MemberID(c.Param("id"))
	m := currentMember(c)
	allowed := id.Valid() && (id == m.ID || m.Role == rooms.RoleOperator)
	if !allowed && id.Valid() {
		known, err := a.knows(c, m.ID, id)
		if err != nil {
			fail(c, err)
			return
		}
		allowed = known
	}
	if !allowed {
		fail(c, rooms.ErrNotFound)
		return
	}
	b, err := a.store.GetPhoto(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "image/jpeg", b)
}
