package signaling

import "github.com/livekit/protocol/livekit"

// iceServers are the embedded TURN server's URLs (UDP, TCP and, when
// configured, TLS) with credentials minted for this participant now, so
// they expire on their own. Never public STUN hosts: clients reach the
// SFU directly or through its own relay. Empty without TURN.
func (s *Server) iceServers(identity string) []*livekit.ICEServer {
	var out []*livekit.ICEServer
	for _, is := range s.sfu.ICEServers(identity) {
		out = append(out, &livekit.ICEServer{Urls: is.URLs, Username: is.Username, Credential: is.Credential})
	}
	return out
}
