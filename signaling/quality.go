package signaling

import (
	"time"

	"github.com/livekit/protocol/livekit"
)

// qualityInterval is how often everyone gets the room's connection
// qualities.
const qualityInterval = 3 * time.Second

// Loss thresholds for the qualities clients show: a few per cent is
// barely audible with Opus FEC and NACK; past about 10 % video freezes.
const (
	excellentLoss = 0.02
	goodLoss      = 0.10
)

// lossMark remembers a track's counters at the previous round.
type lossMark struct{ received, expected uint64 }

// qualityLoop sends connection_quality updates to everyone in r until
// stop. A participant's quality comes from the worse of the loss on its
// way in (sequence gaps in what it publishes) and on its way out (what
// its subscriptions' receiver reports say).
func (r *room) qualityLoop(stop <-chan struct{}) {
	t := time.NewTicker(qualityInterval)
	defer t.Stop()
	marks := map[string]lossMark{} // by track sid; owned by this loop
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		people := r.others(nil)
		if len(people) == 0 {
			continue
		}
		trackLoss := map[string]float64{} // this round's loss on the way in, by track sid
		ups := make([]float64, len(people))
		for i, p := range people {
			ups[i] = p.upLoss(marks, trackLoss)
		}
		for sid := range marks {
			if _, ok := trackLoss[sid]; !ok {
				delete(marks, sid)
			}
		}
		updates := make([]*livekit.ConnectionQualityInfo, 0, len(people))
		for i, p := range people {
			updates = append(updates, qualityInfo(p.sid, max(ups[i], p.downLoss(trackLoss))))
		}
		msg := &livekit.SignalResponse{Message: &livekit.SignalResponse_ConnectionQuality{ConnectionQuality: &livekit.ConnectionQualityUpdate{Updates: updates}}}
		for _, p := range people {
			p.conn().send(msg)
		}
	}
}

// qualityInfo maps a loss fraction to what clients display. LOST is never
// sent: livekit-client reconnects a publisher it sees LOST for 10 s.
func qualityInfo(sid string, loss float64) *livekit.ConnectionQualityInfo {
	q := livekit.ConnectionQuality_POOR
	switch {
	case loss <= excellentLoss:
		q = livekit.ConnectionQuality_EXCELLENT
	case loss <= goodLoss:
		q = livekit.ConnectionQuality_GOOD
	}
	// A MOS-like score, 5 for a clean link down to 1.
	score := float32(max(1, min(5, 5-20*loss)))
	return &livekit.ConnectionQualityInfo{ParticipantSid: sid, Quality: q, Score: score}
}

// upLoss is the share of p's published packets lost since the last round
// (marks holds the previous counters); each track's own share goes into
// trackLoss.
func (p *participant) upLoss(marks map[string]lossMark, trackLoss map[string]float64) float64 {
	var recv, exp uint64
	for _, t := range p.publishedTracks() {
		r, e := t.up.Stats()
		last := marks[t.info.Sid]
		marks[t.info.Sid] = lossMark{r, e}
		trackLoss[t.info.Sid] = 0
		if e <= last.expected || r < last.received {
			continue
		}
		dr, de := r-last.received, e-last.expected
		if dr < de {
			trackLoss[t.info.Sid] = float64(de-dr) / float64(de)
		}
		recv, exp = recv+dr, exp+de
	}
	if exp == 0 || recv >= exp {
		return 0
	}
	return float64(exp-recv) / float64(exp)
}

// downLoss is the worst loss on the way from the SFU to p: what p's
// receiver reports say, less what was already missing on the way in (a
// forwarded gap is the publisher's loss, not p's).
func (p *participant) downLoss(trackLoss map[string]float64) float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var worst float64
	for sid, s := range p.subs {
		worst = max(worst, s.down.FractionLost()-trackLoss[sid])
	}
	return worst
}
