package rooms

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Lease is a key that one of several servers sharing a store holds until
// a time: a job being run, the node a media room lives on, a server's
// presence. Its holder renews it while it works; a holder that dies stops
// renewing, and whoever asks after Until takes it over.
type Lease struct {
	Key    string
	Holder string    // the node holding it (Leases.Node)
	Value  string    // published with it: a node's media URL
	Until  time.Time // held until then; a done lease is kept until then
	Done   bool      // what it guarded is finished: nobody takes it before Until
}

// Live reports whether l still holds at now.
func (l *Lease) Live(now time.Time) bool { return now.Before(l.Until) }

// ErrLeaseLost means a node's lease passed to another node while it
// worked under it (it could not renew it in time).
var ErrLeaseLost = errors.New("the lease passed to another node")

// nodePrefix starts the key of each node's presence lease.
const nodePrefix = "node:"

// DefaultLeaseTTL is how long a lease outlives its holder's last renewal
// unless configured otherwise.
const DefaultLeaseTTL = 15 * time.Second

// Leases takes, renews and gives back one node's leases: what lets any
// number of servers on one store run each job once, and survive one of
// them dying mid-run.
type Leases struct {
	Store Store
	// Node names this server among those sharing Store; unique per process.
	Node string
	// TTL is how long a lease outlives its holder's last renewal: the
	// leases of a node killed mid-work pass to others after TTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// running holds the keys this node's Once is running: a lease is the
	// node's, so two goroutines of one node would both hold it.
	running sync.Map
}

func (ls *Leases) now() time.Time {
	if ls.Now == nil {
		return time.Now()
	}
	return ls.Now()
}

// Take takes key for TTL, publishing value with it, or renews it. It
// reports whether this node holds it now, and returns the lease as
// stored (another node's, when that one holds it).
func (ls *Leases) Take(ctx context.Context, key, value string) (*Lease, bool, error) {
	now := ls.now()
	got, err := ls.Store.TakeLease(ctx, &Lease{Key: key, Holder: ls.Node, Value: value, Until: now.Add(ls.TTL)}, now)
	if err != nil {
		return nil, false, err
	}
	return got, got.Holder == ls.Node && !got.Done && got.Live(now), nil
}

// Release gives key back if this node holds it.
func (ls *Leases) Release(ctx context.Context, key string) error {
	return ls.Store.ReleaseLease(ctx, key, ls.Node)
}

// Once runs step under key, unless another node runs it now or it was
// done within keep. The lease is renewed while step runs; when step
// succeeds it is marked done for keep, and when it fails it is given back
// so that another node may retry at once. A node that dies mid-step loses
// the lease after TTL and another node runs step again: steps must be
// safe to repeat. ran says whether this node ran step.
func (ls *Leases) Once(ctx context.Context, key string, keep time.Duration, step func(context.Context) error) (ran bool, err error) {
	if _, busy := ls.running.LoadOrStore(key, true); busy {
		return false, nil
	}
	defer ls.running.Delete(key)
	if _, mine, err := ls.Take(ctx, key, ""); err != nil || !mine {
		return false, err
	}
	stepCtx, stop := ls.hold(ctx, key)
	err = step(stepCtx)
	lost := stop()
	after := context.WithoutCancel(ctx) // a drain lets the step finish its bookkeeping
	switch {
	case lost:
		return true, errors.Join(ErrLeaseLost, err)
	case err != nil:
		return true, errors.Join(err, ls.Release(after, key))
	}
	now := ls.now()
	got, err := ls.Store.TakeLease(after, &Lease{Key: key, Holder: ls.Node, Until: now.Add(keep), Done: true}, now)
	if err == nil && (got.Holder != ls.Node || !got.Done) {
		err = ErrLeaseLost
	}
	return true, err
}

// hold renews key every TTL/3 until stop is called; the context it
// returns ends when the lease is lost, and stop reports whether it was.
func (ls *Leases) hold(ctx context.Context, key string) (context.Context, func() bool) {
	held, cancel := context.WithCancel(ctx)
	var lost bool
	var mu sync.Mutex
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		t := time.NewTicker(ls.TTL / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-held.Done():
				return
			case <-t.C:
			}
			_, mine, err := ls.Take(context.WithoutCancel(ctx), key, "")
			if err == nil && !mine {
				mu.Lock()
				lost = true
				mu.Unlock()
				cancel()
				return
			}
		}
	})
	return held, func() bool {
		close(done)
		wg.Wait()
		cancel()
		mu.Lock()
		defer mu.Unlock()
		return lost
	}
}

// Announce takes or renews this node's presence lease, publishing url
// (its media address, or empty).
func (ls *Leases) Announce(ctx context.Context, url string) error {
	_, _, err := ls.Take(ctx, nodePrefix+ls.Node, url)
	return err
}

// Withdraw gives this node's presence lease back (a graceful stop).
func (ls *Leases) Withdraw(ctx context.Context) error { return ls.Release(ctx, nodePrefix+ls.Node) }

// OtherNodes returns the live presence leases of the other nodes.
func (ls *Leases) OtherNodes(ctx context.Context) ([]*Lease, error) {
	list, err := ls.Store.ListLeases(ctx, nodePrefix)
	if err != nil {
		return nil, err
	}
	now := ls.now()
	var out []*Lease
	for _, l := range list {
		if l.Holder != ls.Node && l.Live(now) {
			out = append(out, l)
		}
	}
	return out, nil
}
