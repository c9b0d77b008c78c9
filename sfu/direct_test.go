package sfu

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ntpToTime is the inverse of ntpTime.
func ntpToTime(v uint64) time.Time {
	const unixToNTP = 2208988800
	sec, frac := int64(v>>32)-unixToNTP, int64(v&0xffffffff)
	return time.Unix(sec, frac*1e9>>32)
}

// TestDirectPath forwards a paced stream to a Pion subscriber over the
// shared port. Every packet must take the direct path and arrive (the
// subscriber decrypts it with the keys of its DTLS handshake), the
// subscriber's RTCP must reach the DownTrack without Pion, its sender
// reports must map RTP time to wall-clock time as the stream does, and
// the path must close with the connection.
func TestDirectPath(t *testing.T) {
	f := newPair(t, pairOptions{interceptors: true})
	defer f.close()
	p := packet()
	f.warm(t, p)
	dp := f.link.direct.Load()
	if dp == nil {
		t.Fatal("the subscriber's connection has no direct path")
	}
	const n = 300
	first := p.SequenceNumber + 1
	for range n {
		p.SequenceNumber++
		p.Timestamp += 180 // 2 ms at 90 kHz
		p.Payload[0] = 0x10
		f.down.forward(High, p, false, 1<<High, now())
		time.Sleep(2 * time.Millisecond)
	}
	waitFor(t, "the subscriber receives every packet", func() bool {
		for i := range uint16(n) {
			if !f.seen[first+i].Load() {
				return false
			}
		}
		return true
	})
	if sent, w := dp.sent.Load(), f.down.Written(); sent != w || w < n {
		t.Errorf("%d of %d packets written went on the direct path; want all, at least %d", sent, w, n)
	}
	waitFor(t, "the subscriber's RTCP reaches the DownTrack on the direct path", func() bool {
		return dp.taken.Load() > 0 && f.down.heard.Load()
	})
	b := f.down.bound.Load()
	// the first report that counts every packet was made after the last
	var sr *rtcp.SenderReport
	waitFor(t, "a sender report counting every packet sent", func() bool {
		select {
		case r := <-f.reports:
			if r.SSRC == b.ssrc && uint64(r.PacketCount) == f.down.Written() {
				sr = r
			}
		default:
		}
		return sr != nil
	})
	if sr.OctetCount != sr.PacketCount*1000 {
		t.Errorf("sender report counts %d octets for %d packets of 1000 bytes", sr.OctetCount, sr.PacketCount)
	}
	// RTP time at the report's wall-clock time, from the last packet's.
	f.down.mu.Lock()
	lastTS, lastAt := f.down.lastTS, f.down.lastSent
	f.down.mu.Unlock()
	want := lastTS + uint32(ntpToTime(sr.NTPTime).Sub(time.Unix(0, lastAt)).Seconds()*90000)
	if d := int32(sr.RTPTime - want); d < -90 || d > 90 {
		t.Errorf("sender report maps its time to RTP %d, the stream to %d: %d ticks apart", sr.RTPTime, want, d)
	}
	_ = f.srv.Close()
	waitFor(t, "the direct path closes with the connection", func() bool {
		p, _, _ := f.link.directPath()
		return p == nil
	})
}

// TestDirectPathLeftToPion: where the subscriber answers as the DTLS
// server, the SFU does not know its keys, and Pion's path must carry the
// media.
func TestDirectPathLeftToPion(t *testing.T) {
	f := newPair(t, pairOptions{interceptors: true, client: func(se *webrtc.SettingEngine) {
		if err := se.SetAnsweringDTLSRole(webrtc.DTLSRoleServer); err != nil {
			t.Fatal(err)
		}
	}})
	defer f.close()
	p := packet()
	f.warm(t, p)
	first := p.SequenceNumber + 1
	for range 100 {
		p.SequenceNumber++
		p.Timestamp += 180
		f.down.forward(High, p, false, 1<<High, now())
		time.Sleep(2 * time.Millisecond)
	}
	waitFor(t, "the subscriber receives every packet", func() bool {
		for i := range uint16(100) {
			if !f.seen[first+i].Load() {
				return false
			}
		}
		return true
	})
	if sent := f.link.direct.Load().sent.Load(); sent != 0 {
		t.Errorf("%d packets went on the direct path without the SFU knowing the keys", sent)
	}
}
