package sfu

import "sync"

// ringSize is how many recent packets of a video layer are kept for
// retransmission: about 2.8 s of a 1.7 Mb/s layer, longer than any NACK
// worth answering.
const ringSize = 512

// maxPayload bounds a kept payload (an MTU-sized datagram minus the
// smallest RTP header).
const maxPayload = 1500 - 12

// packetRing keeps the last ringSize packets of one layer as received,
// indexed by sequence number, so that NACKs from every subscriber are
// answered from one copy per upstream packet instead of one per
// subscriber.
type packetRing struct {
	mu    sync.Mutex
	slots [ringSize]ringSlot // guarded by mu
	data  []byte             // guarded by mu: ringSize * maxPayload
}

type ringSlot struct {
	valid   bool
	seq     uint16
	ts      uint32
	marker  bool
	padding byte // padding size, 0 = none
	n       int  // payload length
}

func newPacketRing() *packetRing {
	return &packetRing{data: make([]byte, ringSize*maxPayload)}
}

// put keeps a copy of one packet's payload and the header fields a
// retransmission needs. Called by the layer's reader.
func (r *packetRing) put(seq uint16, ts uint32, marker bool, padding byte, payload []byte) {
	if len(payload) > maxPayload {
		return
	}
	i := int(seq) % ringSize
	r.mu.Lock()
	copy(r.data[i*maxPayload:], payload)
	r.slots[i] = ringSlot{valid: true, seq: seq, ts: ts, marker: marker, padding: padding, n: len(payload)}
	r.mu.Unlock()
}

// get copies packet seq's payload into dst (at least maxPayload long)
// and returns its slot; ok is false if the packet is no longer kept.
func (r *packetRing) get(seq uint16, dst []byte) (s ringSlot, ok bool) {
	i := int(seq) % ringSize
	r.mu.Lock()
	defer r.mu.Unlock()
	s = r.slots[i]
	if !s.valid || s.seq != seq {
		return ringSlot{}, false
	}
	copy(dst, r.data[i*maxPayload:i*maxPayload+s.n])
	return s, true
}
