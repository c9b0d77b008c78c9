package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/remotemedia"
	"github.com/zadankai/zadankai/signaling"
)

// cluster is this server among the replicas sharing its store: the
// leases it runs jobs under and, with cluster.node_url, the placement of
// media rooms on the replicas' embedded SFUs. One replica alone is a
// cluster of one and behaves as before.
type cluster struct {
	leases    *rooms.Leases
	placement *rooms.Placement // nil: rooms are not placed (one node, or media.url)
	log       *slog.Logger
}

// joinCluster makes this server a replica among those on store and
// frees the booked time that a crash between a booking's writes left
// claimed (possible on MongoDB) before the first request is served.
func joinCluster(ctx context.Context, cfg *Config, store rooms.Store, log *slog.Logger) (*cluster, error) {
	node := cfg.Cluster.NodeID
	if node == "" {
		host, _ := os.Hostname()
		node = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	c := &cluster{leases: &rooms.Leases{Store: store, Node: node, TTL: cfg.Cluster.Lease}, log: log}
	if cfg.Cluster.NodeURL != "" {
		c.placement = rooms.NewPlacement(c.leases, cfg.Cluster.NodeURL)
	}
	return c, c.repairAtStart(ctx)
}

// repairAtStart frees all the time no booking holds. Safe with other
// replicas live: RepairTimeClaims fences each owner first, so a booking
// another replica is between the writes of fails (409) rather than keeps
// time it no longer holds.
func (c *cluster) repairAtStart(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	n, err := rooms.RepairTimeClaims(ctx, c.leases.Store, time.Now(), 0)
	if err != nil {
		return fmt.Errorf("repairing booked time: %w", err)
	}
	if n > 0 {
		c.log.Info("freed time that no booking held", "count", n)
	}
	return nil
}

// signalingPlacement is what the embedded SFU asks at each join; a nil
// interface when rooms are not placed.
func (c *cluster) signalingPlacement() signaling.Placement {
	if c.placement == nil {
		return nil
	}
	return c.placement
}

// plane moderates rooms where they live: local alone, or with rooms
// placed, local for this node's rooms and the RoomService of the node
// hosting any other.
func (c *cluster) plane(local rooms.MediaPlane, key, secret string) rooms.MediaPlane {
	if c.placement == nil {
		return local
	}
	return &remotemedia.Placed{Local: local, Placement: c.placement, Key: key, Secret: secret}
}

// keep announces this node, renews the placements of the rooms live here
// (live says which) and tells the API where rooms may be sent (nodes:
// every live replica's node_url) every third of a lease until the
// function it returns is called.
func (c *cluster) keep(live func(room string) bool, nodes func(urls []string)) func() {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	url := ""
	if c.placement != nil {
		url = c.placement.URL
	}
	c.announce(ctx, url)
	if others, err := c.leases.OtherNodes(ctx); err == nil {
		c.log.Info("cluster", "node", c.leases.Node, "other_replicas", len(others), "node_url", url)
	}
	c.publishNodes(ctx, nodes)
	wg.Go(func() {
		t := time.NewTicker(c.leases.TTL / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			c.announce(ctx, url)
			if c.placement != nil {
				c.placement.Renew(ctx, live)
				c.publishNodes(ctx, nodes)
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

// publishNodes passes the media URLs of this node and of the live
// others to nodes, when rooms are placed.
func (c *cluster) publishNodes(ctx context.Context, nodes func(urls []string)) {
	if c.placement == nil {
		return
	}
	others, err := c.leases.OtherNodes(ctx)
	if err != nil {
		return // the last list holds until the next renewal
	}
	urls := []string{c.placement.URL}
	for _, l := range others {
		if l.Value != "" {
			urls = append(urls, l.Value)
		}
	}
	nodes(urls)
}

func (c *cluster) announce(ctx context.Context, url string) {
	if err := c.leases.Announce(ctx, url); err != nil && ctx.Err() == nil {
		c.log.Warn("announcing this replica", "err", err)
	}
}

// leave gives back, at the end of a graceful drain, every room placed
// here (their people were sent away already) and this node's presence,
// so that others need not wait for the leases to run out.
func (c *cluster) leave() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c.placement != nil {
		c.placement.ReleaseAll(ctx)
	}
	if err := c.leases.Withdraw(ctx); err != nil {
		c.log.Warn("withdrawing this replica", "err", err)
	}
}

// run starts the jobs and keeps this node's leases; the function it
// returns ends both after a drain and gives the leases back.
func (c *cluster) run(ctx context.Context, a *api.API, live func(room string) bool, timeout time.Duration) func() {
	stopKeeping := c.keep(live, a.SetMediaNodes)
	stopJobs := runJobs(ctx, a, timeout)
	return func() { stopJobs(); stopKeeping(); c.leave() }
}

// runJobs starts the API's periodic jobs; the function it returns stops
// them: nothing new starts, the step under way has up to timeout to
// finish, then its context is cancelled (its lease is given back, so
// another replica runs it again at once).
func runJobs(ctx context.Context, a *api.API, timeout time.Duration) func() {
	jobsCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopping, done := make(chan struct{}), make(chan struct{})
	go func() { a.RunJobs(jobsCtx, 10*time.Minute, stopping); close(done) }()
	return func() {
		close(stopping)
		select {
		case <-done:
		case <-time.After(timeout):
			cancel()
			<-done
		}
		cancel()
	}
}
