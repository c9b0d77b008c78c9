package signaling

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits protect a room and the server; zero values take the defaults.
type Limits struct {
	MaxParticipants   int     // per room; default 100
	MaxTracks         int     // per participant; default 8
	JoinsPerSecondIP  float64 // per client address; default 5 (burst ×4)
	JoinsPerSecondRm  float64 // per room; default 20 (burst ×4)
	MaxMessageBytes   int     // largest signal message a client may send; default 256 KiB
	limiterRetentions time.Duration

	// What a participant may set on herself (update_metadata, or the
	// join_request), checked as LiveKit checks its own limits. Every
	// change goes to everyone in the room and into every later joiner's
	// JoinResponse, so the caps are far below LiveKit's defaults (512 KiB
	// metadata, 64 KiB attributes), which nothing here needs.
	MaxNameBytes       int     // default 256 (LiveKit's)
	MaxMetadataBytes   int     // default 4 KiB
	MaxAttributesBytes int     // keys and values of all her attributes together; default 4 KiB
	SelfUpdatesPerSec  float64 // sustained rate; bursts of 10; default 2
	// OwnAttributes are the attribute keys a participant may set on
	// herself; every other key (role, lobby…) is the control plane's.
	// Default: the room page's raised hand and "stepping away".
	OwnAttributes []string
}

func (l Limits) withDefaults() Limits {
	if l.MaxParticipants <= 0 {
		l.MaxParticipants = 100
	}
	if l.MaxTracks <= 0 {
		l.MaxTracks = 8
	}
	if l.JoinsPerSecondIP <= 0 {
		l.JoinsPerSecondIP = 5
	}
	if l.JoinsPerSecondRm <= 0 {
		l.JoinsPerSecondRm = 20
	}
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = 256 << 10
	}
	l.MaxNameBytes = orDefault(l.MaxNameBytes, 256)
	l.MaxMetadataBytes = orDefault(l.MaxMetadataBytes, 4<<10)
	l.MaxAttributesBytes = orDefault(l.MaxAttributesBytes, 4<<10)
	if l.SelfUpdatesPerSec <= 0 {
		l.SelfUpdatesPerSec = 2
	}
	if l.OwnAttributes == nil {
		l.OwnAttributes = []string{"hand", "away"}
	}
	l.limiterRetentions = time.Minute
	return l
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// rates keeps one token bucket per key, forgetting idle keys.
type rates struct {
	per   rate.Limit
	burst int
	ttl   time.Duration

	mu    sync.Mutex
	m     map[string]*bucket // guarded by mu
	swept time.Time          // guarded by mu
}

type bucket struct {
	l    *rate.Limiter
	seen time.Time
}

func newRates(perSecond float64, ttl time.Duration) *rates {
	return &rates{per: rate.Limit(perSecond), burst: int(perSecond*4) + 1, ttl: ttl, m: map[string]*bucket{}}
}

func (r *rates) allow(key string) bool {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.swept) > r.ttl {
		for k, b := range r.m {
			if now.Sub(b.seen) > r.ttl {
				delete(r.m, k)
			}
		}
		r.swept = now
	}
	b := r.m[key]
	if b == nil {
		b = &bucket{l: rate.NewLimiter(r.per, r.burst)}
		r.m[key] = b
	}
	b.seen = now
	return b.l.AllowN(now, 1)
}

// admit applies the join limits before a session starts; it answers the
// refusal itself (503 as LiveKit's validate does for limits). A resuming
// client is already in the room: only the address rate applies to it.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, room string, resuming bool) bool {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	switch {
	case !s.ipJoins.allow(ip):
		http.Error(w, "too many joins from this address; retry shortly", http.StatusTooManyRequests)
		return false
	case resuming:
		return true
	case !s.roomJoins.allow(room):
		http.Error(w, "too many joins into this room; retry shortly", http.StatusTooManyRequests)
		return false
	case s.roomSize(room) >= s.limits.MaxParticipants:
		http.Error(w, "the room is full", http.StatusServiceUnavailable)
		return false
	}
	return true
}

func (s *Server) roomSize(name string) int {
	s.mu.Lock()
	r := s.rooms[name]
	s.mu.Unlock()
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.participants)
}
