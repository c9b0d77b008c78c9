package bwe

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pion/interceptor/pkg/twcc"
	"github.com/pion/rtcp"
)

type walked struct {
	seq      uint16
	received bool
	arrival  int64
}

func collect(walker func(func(uint16, bool, int64))) []walked {
	var out []walked
	walker(func(seq uint16, received bool, arrival int64) { out = append(out, walked{seq, received, arrival}) })
	return out
}

// TestRawFeedbackReadsAsPionParses builds feedback packets with Pion's
// recorder (as a Pion receiver sends them) from random arrivals: runs,
// losses, bursts of loss, late packets and large gaps, so every chunk
// kind and both delta sizes occur; read in place, each must walk exactly
// as Pion's parse of the same bytes.
func TestRawFeedbackReadsAsPionParses(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := map[string]int{}
	for round := range 300 {
		r := twcc.NewRecorder(1)
		seq, at := uint16(rng.IntN(1<<16)), int64(1_000_000+rng.IntN(1<<30))
		for range 1 + rng.IntN(400) {
			switch k := rng.IntN(20); {
			case k == 0: // a burst lost
				seq += uint16(1 + rng.IntN(30))
			case k == 1: // a long gap: a large delta
				at += int64(70_000 + rng.IntN(200_000))
			case k == 2: // one overtaken by the next: a negative delta
				r.Record(5, seq+1, at)
				at += 500
				r.Record(5, seq, at)
				seq += 2
				continue
			case k < 5: // lost alone
				seq++
			}
			at += int64(rng.IntN(3000))
			r.Record(5, seq, at)
			seq++
		}
		for _, p := range r.BuildFeedbackPacket() {
			fb, ok := p.(*rtcp.TransportLayerCC)
			if !ok {
				continue
			}
			b, err := fb.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			parsed := &rtcp.TransportLayerCC{}
			if err := parsed.Unmarshal(b); err != nil {
				t.Fatal(err)
			}
			for _, c := range parsed.PacketChunks {
				switch c := c.(type) {
				case *rtcp.RunLengthChunk:
					kinds["run"]++
				case *rtcp.StatusVectorChunk:
					kinds["vector"+string(rune('0'+c.SymbolSize))]++
				}
			}
			for _, d := range parsed.RecvDeltas {
				if d.Type == rtcp.TypeTCCPacketReceivedLargeDelta {
					kinds["large"]++
					if d.Delta < 0 {
						kinds["negative"]++
					}
				}
			}
			base, count, ok := checkRaw(b)
			if !ok || base != parsed.BaseSequenceNumber || count != parsed.PacketStatusCount {
				t.Fatalf("round %d: checkRaw = %d, %d, %v; Pion read base %d, count %d", round, base, count, ok, parsed.BaseSequenceNumber, parsed.PacketStatusCount)
			}
			want := collect(func(f func(uint16, bool, int64)) { walk(parsed, f) })
			if got := collect(func(f func(uint16, bool, int64)) { walkRaw(b, f) }); !slices.Equal(got, want) {
				t.Fatalf("round %d: read in place, the feedback walks\n%v\nPion's parse walks\n%v", round, got, want)
			}
		}
	}
	for _, k := range []string{"run", "vector0", "vector1", "large", "negative"} {
		if kinds[k] == 0 {
			t.Errorf("no %s chunk or delta among the packets: the test does not cover it (%v)", k, kinds)
		}
	}
}

// TestRawFeedbackRejectsTruncated: a packet cut short anywhere, or
// claiming more than it holds, is refused rather than read past its end.
func TestRawFeedbackRejectsTruncated(t *testing.T) {
	r := twcc.NewRecorder(1)
	for i := range 100 {
		if i%7 != 3 {
			r.Record(5, uint16(i), int64(1_000_000+i*1000))
		}
	}
	b, err := r.BuildFeedbackPacket()[0].Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := checkRaw(b); !ok {
		t.Fatal("the whole packet is refused")
	}
	for n := range len(b) {
		cut := slices.Clone(b[:n])
		if _, _, ok := checkRaw(cut); ok {
			t.Errorf("a packet cut to %d of %d bytes is accepted", n, len(b))
		}
	}
	// the header says the packet is shorter than its chunks and deltas
	short := slices.Clone(b)
	short[3] = 5
	if _, _, ok := checkRaw(short); ok {
		t.Error("a packet whose length field ends inside its chunks is accepted")
	}
}

// TestOnFeedbackRawAllocs: the estimator reads a feedback in place
// without allocating.
func TestOnFeedbackRawAllocs(t *testing.T) {
	e := New(2_000_000, 50_000, 20_000_000, 0)
	r := twcc.NewRecorder(1)
	for i := range 50 {
		r.Record(5, e.OnSend(1200, int64(i)*1e6), int64(1_000_000+i*1000))
	}
	b, err := r.BuildFeedbackPacket()[0].Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(100, func() { e.OnFeedbackRaw(b, 60e6) }); a > 0 {
		t.Errorf("OnFeedbackRaw allocates %.1f times per packet", a)
	}
}
