package signaling

// DropSignal cuts the signal connection of identity in room under both
// ends, as a network failure would (no leave is sent). It reports whether
// the participant was there.
func (s *Server) DropSignal(room, identity string) bool {
	s.mu.Lock()
	r := s.rooms[room]
	s.mu.Unlock()
	if r == nil {
		return false
	}
	p := r.byIdentity(identity)
	if p == nil {
		return false
	}
	_ = p.conn().ws.UnderlyingConn().Close()
	return true
}
