package api

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// How long a finished job's lease is kept, so that no replica runs it
// again: past these, the job's key is never asked for again.
const (
	reminderKeep = 3 * 24 * time.Hour
	sweepKeep    = 24 * time.Hour
)

// RunJobs runs the API's periodic jobs until stopping closes: reminders
// at start and every minute (or lease), a recommendation round when one is due (looked at hourly
// and at start), and every interval the sweep of expired sessions and
// leases and the repair of time no booking holds.
//
// Every replica runs this loop. Each run is leased in the store
// (rooms.Leases.Once), so one replica does it, and another takes it over
// if that one dies mid-run. Once stopping closes, nothing new starts and
// the step under way finishes; ctx, the steps' context, is cancelled by
// the caller only when a drain runs out of time.
func (a *API) RunJobs(ctx context.Context, interval time.Duration, stopping <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	// A reminder whose replica died mid-send is taken over at the next
	// run after its lease ran out: with leases shorter than a minute, that
	// soon.
	minute := time.NewTicker(min(time.Minute, a.leases.TTL))
	defer minute.Stop()
	hour := time.NewTicker(time.Hour)
	defer hour.Stop()
	// At start-up: a round if this period has none yet, and the reminders
	// due (a restart or a new replica sends nothing twice).
	a.runRecommendRounds(ctx)
	a.SendDueReminders(ctx)
	for {
		select {
		case <-stopping:
			return
		case <-ctx.Done():
			return
		case <-minute.C:
			a.SendDueReminders(ctx)
		case <-hour.C:
			a.runRecommendRounds(ctx)
		case <-t.C:
			a.Sweep(ctx, interval)
		}
	}
}

// Sweep removes expired sessions and leases and frees time that no
// booking holds among claims older than interval (time left claimed by a
// server that died and never came back; a restarted one repairs at
// start-up), once per interval across replicas.
func (a *API) Sweep(ctx context.Context, interval time.Duration) {
	key := "sweep:" + strconv.FormatInt(a.now().Unix()/int64(interval.Seconds()), 10)
	a.once(ctx, key, sweepKeep, func(ctx context.Context) error {
		n, err := a.store.DeleteExpiredSessions(ctx, a.now())
		if err != nil {
			return err
		}
		leases, err := a.store.DeleteLeasesBefore(ctx, a.now())
		if err != nil {
			return err
		}
		a.log.Debug("swept expired sessions and leases", "sessions", n, "leases", leases)
		return a.repairTimeClaims(ctx, interval)
	})
}

// repairTimeClaims frees booked time that no booking holds any more (what
// a crash between a booking's writes can leave on MongoDB), among claims
// older than grace, and logs what it did.
func (a *API) repairTimeClaims(ctx context.Context, grace time.Duration) error {
	n, err := rooms.RepairTimeClaims(ctx, a.store, a.now(), grace)
	if n > 0 {
		a.log.Info("freed time that no booking held", "count", n)
	}
	return err
}

// once runs step under key on one replica (see rooms.Leases.Once) and
// logs a failure; it reports whether step ran here and succeeded.
func (a *API) once(ctx context.Context, key string, keep time.Duration, step func(context.Context) error) bool {
	ran, err := a.leases.Once(ctx, key, keep, step)
	switch {
	case err != nil && errors.Is(err, rooms.ErrLeaseLost):
		a.log.WarnContext(ctx, "job taken over by another replica", "job", key, "err", err)
	case err != nil && ctx.Err() == nil:
		a.log.WarnContext(ctx, "job failed; another run will retry", "job", key, "err", err)
	}
	return ran && err == nil
}

// mediaURLFor is where people connect for room: the media plane's
// address, or with rooms placed on several nodes of the embedded SFU,
// the node that hosts room (placed on this node when none does yet).
func (a *API) mediaURLFor(ctx context.Context, room string) (string, error) {
	if a.placement == nil {
		return a.media.URL, nil
	}
	url, _, err := a.placement.Place(ctx, room)
	return url, err
}
