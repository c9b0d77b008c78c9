package signaling

import (
	"context"
	"net/http"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// Placement says which node hosts a room when several servers share a
// store (rooms.Placement): a room lives on one node, so that everyone in
// it meets in one SFU.
type Placement interface {
	// Place returns the media URL of the node hosting room, placing it on
	// this node when no live node hosts it; here says whether it is this
	// one. The placement keeps rooms placed while HasRoom says they live.
	Place(ctx context.Context, room string) (url string, here bool, err error)
}

var _ Placement = (*rooms.Placement)(nil)

// placementTimeout bounds the store work a join waits for.
const placementTimeout = 5 * time.Second

// placed reports whether room lives on this node (placing it here when
// no live node hosts it), and otherwise refuses the request with 421
// Misdirected Request and the address of the node that hosts it: the
// join answer of the control plane sends people there, so only a stale
// or hand-made address lands here.
func (s *Server) placed(w http.ResponseWriter, r *http.Request, room string) bool {
	if s.placement == nil {
		return true
	}
	ctx, cancel := context.WithTimeout(r.Context(), placementTimeout)
	defer cancel()
	url, here, err := s.placement.Place(ctx, room)
	switch {
	case err != nil:
		s.log.Warn("placing the room", "room", room, "err", err)
		http.Error(w, "cannot tell which server hosts this room; retry shortly", http.StatusServiceUnavailable)
		return false
	case !here:
		http.Error(w, "this room is hosted by another server: connect to "+url, http.StatusMisdirectedRequest)
		return false
	}
	return true
}

// HasRoom reports whether room is live on this node (someone is in it).
func (s *Server) HasRoom(room string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rooms[room] != nil
}
