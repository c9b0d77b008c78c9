package sfu

import "strings"

// IsKeyframe reports whether an RTP payload starts a keyframe, for the
// codecs we forward. Layer switches happen only on keyframes so the
// subscriber's decoder never sees a frame it cannot decode.
func IsKeyframe(mime string, payload []byte) bool {
	switch strings.ToLower(mime) {
	case "video/vp8":
		return vp8Keyframe(payload)
	case "video/h264":
		return h264Keyframe(payload)
	}
	return true // audio: every packet stands alone
}

// vp8Keyframe parses the VP8 payload descriptor (RFC 7741 4.2) and the
// first byte of the frame header, whose lowest bit is 0 for keyframes.
func vp8Keyframe(p []byte) bool {
	if len(p) < 1 {
		return false
	}
	x, s, partID := p[0]&0x80 != 0, p[0]&0x10 != 0, p[0]&0x0f
	if !s || partID != 0 {
		return false // not the start of a frame
	}
	i := 1
	if x {
		if len(p) < 2 {
			return false
		}
		ext := p[1]
		i = 2
		if ext&0x80 != 0 { // I: picture id, 1 or 2 bytes
			if len(p) <= i {
				return false
			}
			if p[i]&0x80 != 0 {
				i++
			}
			i++
		}
		if ext&0x40 != 0 { // L: TL0PICIDX
			i++
		}
		if ext&0x30 != 0 { // T or K: TID/KEYIDX byte
			i++
		}
	}
	return len(p) > i && p[i]&0x01 == 0
}

// h264Keyframe looks for an IDR slice or SPS, also inside STAP-A and the
// first fragment of an FU-A.
func h264Keyframe(p []byte) bool {
	if len(p) < 1 {
		return false
	}
	switch nal := p[0] & 0x1f; nal {
	case 5, 7:
		return true
	case 24: // STAP-A: 2-byte sizes, then NAL units
		for i := 1; i+2 < len(p); {
			size := int(p[i])<<8 | int(p[i+1])
			if i+2 < len(p) {
				if t := p[i+2] & 0x1f; t == 5 || t == 7 {
					return true
				}
			}
			i += 2 + size
		}
	case 28: // FU-A: start bit and the fragmented type
		return len(p) > 1 && p[1]&0x80 != 0 && (p[1]&0x1f == 5 || p[1]&0x1f == 7)
	}
	return false
}
