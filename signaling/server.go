// Package signaling speaks LiveKit's signal protocol over WebSocket (/rtc)
// so that LiveKit's own client SDKs join, publish and subscribe against
// the embedded SFU. Protobuf stops here: the sfu package sees none of it.
package signaling

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/zadankai/zadankai/sfu"
)

// ServerVersion is what JoinResponse advertises; both SDKs need ≥ 1.8 for
// their newer features.
const ServerVersion = "1.9.0"

// Params are the dependencies of a Server.
type Params struct {
	Keys   map[string]string // API key → secret
	SFU    *sfu.SFU
	Logger *slog.Logger
	// PingInterval and PingTimeout are announced to clients (seconds);
	// defaults 5 and 15 as LiveKit's.
	PingInterval, PingTimeout int32
	// Webhooks, when URLs are set, receive room and participant events.
	Webhooks WebhookConfig
	// Limits on rooms, tracks and join rates.
	Limits Limits
	// ResumeGrace is how long a session whose signal connection dropped
	// waits for its client to resume (default 20 s).
	ResumeGrace time.Duration
	// Rules, when set, are asked at every new join (see RoomRules); nil
	// lets tokens alone decide (development rooms, tests).
	Rules RoomRules
	// Placement, when set, keeps each room on one of several nodes: a
	// node refuses joins of rooms that another node hosts. Nil: one node.
	Placement Placement
}

// Server serves the signal WebSocket and keeps the rooms.
type Server struct {
	keys      map[string]string
	sfu       *sfu.SFU
	log       *slog.Logger
	ping      int32
	pingWait  int32
	upgrader  websocket.Upgrader
	hooks     *notifier // nil without webhook URLs
	limits    Limits
	ipJoins   *rates
	roomJoins *rates
	grace     time.Duration
	rules     RoomRules // nil: tokens alone decide
	placement Placement // nil: every room lives here

	mu      sync.Mutex
	rooms   map[string]*room     // guarded by mu
	removed map[string]time.Time // room+NUL+identity → removal time; guarded by mu
	closed  bool                 // guarded by mu
	wg      sync.WaitGroup       // connection goroutines
}

// New returns a Server.
func New(p Params) (*Server, error) {
	if p.SFU == nil || p.Logger == nil || len(p.Keys) == 0 {
		return nil, errors.New("signaling: SFU, Logger and Keys are required")
	}
	s := &Server{keys: p.Keys, sfu: p.SFU, log: p.Logger, ping: p.PingInterval, pingWait: p.PingTimeout, rooms: map[string]*room{}, removed: map[string]time.Time{},
		limits: p.Limits.withDefaults(), grace: p.ResumeGrace, rules: p.Rules, placement: p.Placement}
	if s.grace <= 0 {
		s.grace = defaultResumeGrace
	}
	s.ipJoins = newRates(s.limits.JoinsPerSecondIP, s.limits.limiterRetentions)
	s.roomJoins = newRates(s.limits.JoinsPerSecondRm, s.limits.limiterRetentions)
	if s.ping == 0 {
		s.ping, s.pingWait = 5, 15
	}
	if len(p.Webhooks.URLs) > 0 {
		secret, ok := p.Keys[p.Webhooks.APIKey]
		if !ok {
			return nil, errors.New("signaling: the webhook API key is not one of the keys")
		}
		s.hooks = newNotifier(p.Webhooks, secret, p.Logger.With("component", "webhook"))
	}
	// Browsers from any origin may connect: the token is the gate.
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true },
		ReadBufferSize: 16 << 10, WriteBufferSize: 16 << 10}
	return s, nil
}

// ServeHTTP routes /rtc, /rtc/validate, /rtc/v1 and /rtc/v1/validate.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case strings.HasSuffix(path, "/rtc/v1/validate"):
		s.validate(w, r, true)
	case strings.HasSuffix(path, "/rtc/validate"):
		s.validate(w, r, false)
	case strings.HasSuffix(path, "/rtc/v1"):
		s.serveRTC(w, r, true)
	case strings.HasSuffix(path, "/rtc"):
		s.serveRTC(w, r, false)
	default:
		http.NotFound(w, r)
	}
}

// validate runs the join checks without upgrading, so SDKs can word a
// failed join.
func (s *Server) validate(w http.ResponseWriter, r *http.Request, v1 bool) {
	g, err := s.verifyJoin(tokenFrom(r))
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	opts, err := joinOptionsFrom(r, v1)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !s.placed(w, r, g.room) {
		return
	}
	if !opts.reconnect {
		if _, status, err := s.applyRules(r.Context(), g); err != nil {
			http.Error(w, err.Error(), status)
			return
		}
	}
	if s.roomSize(g.room) >= s.limits.MaxParticipants {
		http.Error(w, "the room is full", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("success"))
}

// serveRTC authenticates, upgrades and runs one signal connection.
func (s *Server) serveRTC(w http.ResponseWriter, r *http.Request, v1 bool) {
	g, err := s.verifyJoin(tokenFrom(r))
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		http.NotFound(w, r)
		return
	}
	opts, err := joinOptionsFrom(r, v1)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !s.admit(w, r, g.room, opts.reconnect) || !s.placed(w, r, g.room) {
		return
	}
	if !opts.reconnect {
		var status int
		if g, status, err = s.applyRules(r.Context(), g); err != nil {
			http.Error(w, err.Error(), status)
			return
		}
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	c := newConn(ws, s.log.With("identity", g.identity, "room", g.room), s.limits.MaxMessageBytes)
	s.run(c, g, opts)
}

// roomFor returns the room named name, creating it.
func (s *Server) roomFor(name string) *room { return s.findRoom(name, 0) }

// enterRoom is roomFor for a join: the room stays until entered says
// the join is done.
func (s *Server) enterRoom(name string) *room { return s.findRoom(name, 1) }

// findRoom returns the room, created if need be, counting a join into it.
func (s *Server) findRoom(name string, entering int) *room {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rooms[name]
	if r == nil {
		r = newRoom(s, name)
		s.rooms[name] = r
		s.hooks.notify(EventRoomStarted, r.info(), nil, nil)
	}
	r.entering += entering
	return r
}

// entered ends a join begun with enterRoom (in the room or failed).
func (s *Server) entered(r *room) {
	s.mu.Lock()
	r.entering--
	s.mu.Unlock()
}

// dropRoomIfEmpty forgets a room when its last participant has left.
func (s *Server) dropRoomIfEmpty(r *room) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rooms[r.name] == r && r.entering == 0 && r.empty() {
		delete(s.rooms, r.name)
		close(r.stop)
		s.hooks.notify(EventRoomFinished, r.info(), nil, nil)
	}
}

// Close sends everyone a leave and waits for the connections to end.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	for _, r := range rooms {
		r.closeAll()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	defer s.hooks.close() // after the participants' leave events are queued
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Second):
		return errors.New("signaling: connections did not close in 10 s")
	}
}
