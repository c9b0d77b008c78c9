package sfu

import (
	"testing"
	"time"
)

// simulcast is a three-layer video's rates, bits per second.
var simulcast = [3]int{150_000, 500_000, 1_500_000}

func wants(n int) []*want {
	var out []*want
	for range n {
		out = append(out, &want{avail: 0b111, target: High, rates: simulcast})
	}
	return out
}

func TestFillVideo(t *testing.T) {
	cases := []struct {
		name    string
		budget  float64
		proven  float64 // 0: as much as the budget
		setup   func([]*want)
		layers  []Quality // -1: paused
		deficit int
	}{
		{"everything fits", 4_000_000, 0, nil, []Quality{High, High}, 0},
		// both get the lowest layer first; the first ranked climbs first
		{"first ranked climbs first", 1_000_000, 0, nil, []Quality{Medium, Low}, int(1_000_000 * upgradeMargin)},
		{"second pauses before the first drops", 200_000, 0, nil, []Quality{Low, -1}, int(150_000 * upgradeMargin)},
		{"audio took it all", -10_000, 0, nil, []Quality{-1, -1}, int(150_000 * upgradeMargin)},
		{"a flowing video keeps its lowest layer at the edge", 160_000, 0, func(w []*want) { w[0].had = true }, []Quality{Low}, int(350_000 * upgradeMargin)},
		{"a paused video resumes only with the margin", 160_000, 0, nil, []Quality{-1}, int(150_000 * upgradeMargin)},
		{"a paused video waits until the link carried it", 1_000_000, 100_000, nil, []Quality{-1}, int(150_000 * upgradeMargin)},
		{"or until its hold is over", 1_000_000, 100_000, func(w []*want) { w[0].held = true }, []Quality{Medium}, int(1_000_000 * upgradeMargin)},
		{"a flowing video does not wait for that", 1_000_000, 100_000, func(w []*want) { w[0].had = true }, []Quality{Medium}, int(1_000_000 * upgradeMargin)},
		{"keeping a layer needs no margin", 500_000, 0, func(w []*want) { w[0].has, w[0].had = Medium, true }, []Quality{Medium}, int(1_000_000 * upgradeMargin)},
		{"climbing one needs the margin", 500_000, 0, nil, []Quality{Low}, int(350_000 * upgradeMargin)},
		{"a paused one climbed back to needs the margin too", 500_000, 0, func(w []*want) { w[0].has, w[0].had = Medium, false }, []Quality{Low}, int(350_000 * upgradeMargin)},
		{"the subscriber's own target caps it", 4_000_000, 0, func(w []*want) { w[1].target = Low }, []Quality{High, Low}, 0},
		{"a layer the publisher stopped is skipped", 4_000_000, 0, func(w []*want) { w[0].avail = 0b011 }, []Quality{Medium, High}, 0},
		// after a lone delay-based cut, flowing videos keep their lowest layer
		{"a kept video is not paused", 200_000, 0, func(w []*want) { w[1].keep = true }, []Quality{Low, Low}, int(350_000 * upgradeMargin)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := wants(len(c.layers))
			if c.setup != nil {
				c.setup(w)
			}
			proven := c.proven
			if proven == 0 {
				proven = c.budget
			}
			_, deficit := fillVideo(w, c.budget, proven)
			for i, v := range w {
				got := v.layer
				if !v.on {
					got = -1
				}
				if got != c.layers[i] {
					t.Errorf("video %d: layer %d, want %d", i, got, c.layers[i])
				}
			}
			if deficit != c.deficit {
				t.Errorf("deficit %d, want %d", deficit, c.deficit)
			}
		})
	}
}

// TestDownlinkHearsTWCC forwards to a Pion subscriber with its default
// interceptors, which answer the transport-wide sequence numbers the
// DownTrack stamps with TWCC feedback: the downlink must turn that into
// an estimate of what the (loopback) link carries.
func TestDownlinkHearsTWCC(t *testing.T) {
	f := newForwardPair(t, true)
	defer f.close()
	p := packet()
	f.warm(t, p)
	link := f.down.link
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for range 10 {
			p.SequenceNumber++
			p.Timestamp += 3000
			f.down.forward(High, p, false, 1<<High, now())
		}
		time.Sleep(10 * time.Millisecond)
		if _, ok := link.Estimate(); ok && link.EstimatorStats().Received > 0 {
			break
		}
	}
	est, ok := link.Estimate()
	st := link.EstimatorStats()
	if !ok || st.Received == 0 {
		t.Fatalf("no estimate from the subscriber's feedback after 10 s (%+v)", st)
	}
	// about 1 Mbit/s was sent; the link carried all of it
	if st.Received < 400_000 || st.Loss > 0.05 {
		t.Fatalf("received rate %d bit/s, loss %.2f: the feedback was misread", st.Received, st.Loss)
	}
	if est < minEstimate {
		t.Fatalf("estimate %d", est)
	}
}

// TestCongestionControlOff: rtc.congestion_control false gives no
// downlink, and a DownTrack without one forwards whatever is asked.
func TestCongestionControlOff(t *testing.T) {
	s, err := New(Config{AllowLoopback: true, NoCongestionControl: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := s.NewDownlink(nil)
	if l != nil {
		t.Fatal("a downlink with congestion control off")
	}
	l.Close() // a nil downlink is valid
	if _, ok := l.Estimate(); ok {
		t.Fatal("an estimate without a downlink")
	}
	on, err := New(Config{AllowLoopback: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer on.Close()
	if l := on.NewDownlink(nil); l == nil {
		t.Fatal("no downlink with congestion control on (the default)")
	} else {
		l.Close()
	}
}
