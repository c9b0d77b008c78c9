package rooms

import (
	"context"
	"errors"
	"sync"
	"time"
)

// placementPrefix starts the key of each media room's placement lease.
const placementPrefix = "room:"

// placementGrace is how long a room placed on a node (by a join token)
// stays placed before anyone connects to it there.
const placementGrace = 2 * time.Minute

// Placement puts each media room of the embedded SFU on one node when
// several servers share a store: a room lives where its first person was
// sent, claimed in the store under the room's name with the node's media
// URL, renewed while the room lives there and given back when it ends
// there; the room passes to another node only when its node stops
// renewing (killed, cut off) for a lease's TTL.
type Placement struct {
	Leases *Leases
	// URL is the ws(s):// address clients reach this node's SFU at.
	URL string

	mu   sync.Mutex
	held map[string]time.Time // room → when placed here; guarded by mu
}

// NewPlacement returns the placement of rooms on the node of ls, reached
// at url.
func NewPlacement(ls *Leases, url string) *Placement {
	return &Placement{Leases: ls, URL: url, held: map[string]time.Time{}}
}

// Place returns the media URL of the node hosting room, placing room on
// this node when no live node hosts it; here says whether it is this one.
// Each join here counts as a placement anew for placementGrace, so that
// Renew keeps the room while its joiner connects.
func (p *Placement) Place(ctx context.Context, room string) (url string, here bool, err error) {
	p.mu.Lock() // against Renew giving the room back meanwhile
	defer p.mu.Unlock()
	got, mine, err := p.Leases.Take(ctx, placementPrefix+room, p.URL)
	if err != nil {
		return "", false, err
	}
	if mine {
		p.held[room] = p.Leases.now()
		return p.URL, true, nil
	}
	return got.Value, false, nil
}

// Where returns the media URL of the live node hosting room and whether
// it is this one; an empty url means no live node hosts it.
func (p *Placement) Where(ctx context.Context, room string) (url string, here bool, err error) {
	l, err := p.Leases.Store.GetLease(ctx, placementPrefix+room)
	if errors.Is(err, ErrNotFound) {
		return "", false, nil
	}
	if err != nil || !l.Live(p.Leases.now()) {
		return "", false, err
	}
	return l.Value, l.Holder == p.Leases.Node, nil
}

// Release gives room back now (a node leaving it on purpose). A room that
// merely emptied is given back by Renew instead, after the grace: a join
// racing with its end must not find it unplaced.
func (p *Placement) Release(ctx context.Context, room string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.held, room)
	_ = p.Leases.Release(ctx, placementPrefix+room) // else it runs out after a TTL
}

// Renew renews the placements of the rooms this node holds that are live
// here (live reports which) or were placed within the grace, and gives
// the others back. Call it more often than the TTL.
func (p *Placement) Renew(ctx context.Context, live func(room string) bool) {
	p.mu.Lock()
	now := p.Leases.now()
	var keep []string
	for room, at := range p.held {
		if live(room) || now.Sub(at) < placementGrace {
			keep = append(keep, room)
			continue
		}
		// Under mu: a join placing it again waits, then places it afresh.
		delete(p.held, room)
		_ = p.Leases.Release(ctx, placementPrefix+room)
	}
	p.mu.Unlock()
	for _, room := range keep {
		if _, mine, err := p.Leases.Take(ctx, placementPrefix+room, p.URL); err == nil && !mine {
			p.mu.Lock()
			delete(p.held, room) // another node took it over while this one could not renew
			p.mu.Unlock()
		}
	}
}

// ReleaseAll gives back every room this node holds (a graceful stop,
// after its signal sessions closed).
func (p *Placement) ReleaseAll(ctx context.Context) {
	p.mu.Lock()
	rooms := make([]string, 0, len(p.held))
	for room := range p.held {
		rooms = append(rooms, room)
	}
	clear(p.held)
	p.mu.Unlock()
	for _, room := range rooms {
		_ = p.Leases.Release(ctx, placementPrefix+room)
	}
}
