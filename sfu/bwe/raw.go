package bwe

import "encoding/binary"

// A TWCC feedback packet on the wire (draft-holmer-rmcat-transport-wide-
// cc-extensions-01, section 3.1): RTCP header, sender and media SSRC,
// base sequence number, packet status count, reference time (24 bits, in
// 64 ms), feedback count, then 2-byte status chunks covering the count,
// then one receive delta per packet received (1 byte, or 2 signed for a
// large delta, in 250 µs).
const (
	rawHeader  = 20  // bytes before the first chunk
	deltaScale = 250 // µs per delta unit
)

// rawLen is the packet's length by its RTCP header, without padding.
func rawLen(b []byte) (int, bool) {
	if len(b) < rawHeader || b[0]>>6 != 2 || b[0]&0x1f != 15 || b[1] != 205 {
		return 0, false
	}
	n := (int(binary.BigEndian.Uint16(b[2:4])) + 1) * 4
	if n > len(b) || n < rawHeader {
		return 0, false
	}
	if b[0]&0x20 != 0 { // padding: its count is the last byte
		if p := int(b[n-1]); p == 0 || p > n-rawHeader {
			return 0, false
		} else {
			n -= p
		}
	}
	return n, true
}

// chunkSymbols calls sym for each status symbol of chunk c, up to left
// of them, and returns how many it took.
func chunkSymbols(c uint16, left int, sym func(s uint16)) int {
	k := 0
	switch {
	case c&0x8000 == 0: // run length: 2-bit symbol, 13-bit length
		s := c >> 13 & 3
		for ; k < int(c&0x1fff) && k < left; k++ {
			sym(s)
		}
	case c&0x4000 == 0: // vector of fourteen 1-bit symbols
		for i := 13; i >= 0 && k < left; i-- {
			sym(c >> i & 1)
			k++
		}
	default: // vector of seven 2-bit symbols
		for i := 6; i >= 0 && k < left; i-- {
			sym(c >> (2 * i) & 3)
			k++
		}
	}
	return k
}

// checkRaw validates b as a TWCC feedback packet: every status it counts
// has a chunk, and every packet received a delta, inside the packet.
func checkRaw(b []byte) (base, count uint16, ok bool) {
	n, ok := rawLen(b)
	if !ok {
		return 0, 0, false
	}
	base, count = binary.BigEndian.Uint16(b[12:14]), binary.BigEndian.Uint16(b[14:16])
	at, left, deltas, bad := rawHeader, int(count), 0, false
	for left > 0 {
		if at+2 > n {
			return 0, 0, false
		}
		left -= chunkSymbols(binary.BigEndian.Uint16(b[at:]), left, func(s uint16) {
			switch s {
			case 1:
				deltas++
			case 2:
				deltas += 2
			case 3:
				bad = true // reserved
			}
		})
		at += 2
	}
	if bad || at+deltas > n {
		return 0, 0, false
	}
	return base, count, true
}

// walkRaw is walk for a packet checkRaw accepted.
func walkRaw(b []byte, f func(seq uint16, received bool, arrival int64)) {
	count := int(binary.BigEndian.Uint16(b[14:16]))
	// chunks end where their symbols cover the count
	at, left := rawHeader, count
	for left > 0 {
		left -= chunkSymbols(binary.BigEndian.Uint16(b[at:]), left, func(uint16) {})
		at += 2
	}
	d := at // the deltas
	seq := binary.BigEndian.Uint16(b[12:14])
	arrival := int64(uint32(b[16])<<16|uint32(b[17])<<8|uint32(b[18])) * 64_000
	at, left = rawHeader, count
	for left > 0 {
		left -= chunkSymbols(binary.BigEndian.Uint16(b[at:]), left, func(s uint16) {
			switch s {
			case 1:
				arrival += int64(b[d]) * deltaScale
				d++
			case 2:
				arrival += int64(int16(binary.BigEndian.Uint16(b[d:]))) * deltaScale
				d += 2
			}
			f(seq, s == 1 || s == 2, arrival)
			seq++
		})
		at += 2
	}
}
