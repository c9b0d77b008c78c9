package signaling

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
)

// grant is what a verified token allows.
type grant struct {
	identity, name, metadata string
	attributes               map[string]string
	room                     string
	perm                     *livekit.ParticipantPermission
	apiKey                   string    // the key that signed it; refreshed tokens use it too
	issued, expires          time.Time // issued is zero when the token does not say
}

var (
	errNoToken      = errors.New("missing access token")
	errBadToken     = errors.New("invalid access token")
	errUnknownKey   = errors.New("unknown API key")
	errNoJoinGrant  = errors.New("the token does not grant joining a room")
	errNoIdentity   = errors.New("the token has no identity")
	errTokenExpired = errors.New("the token has expired or is not yet valid")
	errRemoved      = errors.New("removed from this room: the token was issued before the removal")
	errRoomEnded    = errors.New("this room has ended: the token was issued before the end")
	// A token without exp would work forever, whatever happens to its
	// holder; every SDK's builder sets one.
	errNoExpiry = errors.New("the token has no expiry (exp)")
)

// tokenFrom reads the token as both SDKs send it: a Bearer header (Go) or
// the access_token query parameter (JavaScript).
func tokenFrom(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimPrefix(h, "Bearer ")
	}
	return r.URL.Query().Get("access_token")
}

// verify checks the token's signature, issuer and validity against the
// configured keys and returns its room grant.
func (s *Server) verify(token string) (*grant, error) {
	if token == "" {
		return nil, errNoToken
	}
	t, err := auth.ParseAPIToken(token)
	if err != nil {
		return nil, errBadToken
	}
	secret, ok := s.keys[t.APIKey()]
	if !ok {
		return nil, errUnknownKey
	}
	reg, claims, err := t.Verify(secret)
	if err != nil {
		if strings.Contains(err.Error(), "expired") || strings.Contains(err.Error(), "not valid yet") {
			return nil, errTokenExpired
		}
		return nil, errBadToken
	}
	if reg.ExpiresAt == nil {
		return nil, errNoExpiry
	}
	v := claims.Video
	if v == nil || !v.RoomJoin || v.Room == "" {
		return nil, errNoJoinGrant
	}
	if claims.Identity == "" {
		return nil, errNoIdentity
	}
	g := &grant{identity: claims.Identity, name: claims.Name, metadata: claims.Metadata, attributes: claims.Attributes,
		room: v.Room, apiKey: t.APIKey()}
	if reg.IssuedAt != nil {
		g.issued = reg.IssuedAt.Time
	}
	g.expires = reg.ExpiresAt.Time
	g.perm = &livekit.ParticipantPermission{
		CanSubscribe: v.GetCanSubscribe(), CanPublish: v.GetCanPublish(), CanPublishData: v.GetCanPublishData(),
		Hidden: v.Hidden, CanUpdateMetadata: v.GetCanUpdateOwnMetadata(),
	}
	for _, src := range v.CanPublishSources {
		if ts, ok := livekit.TrackSource_value[strings.ToUpper(src)]; ok {
			g.perm.CanPublishSources = append(g.perm.CanPublishSources, livekit.TrackSource(ts))
		}
	}
	return g, nil
}

// verifyJoin is verify plus the room's removals and its end.
func (s *Server) verifyJoin(token string) (*grant, error) {
	g, err := s.verify(token)
	if err != nil {
		return nil, err
	}
	if err := s.revoked(g); err != nil {
		return nil, err
	}
	return g, nil
}

// canPublishSource reports whether perm allows publishing from src.
func canPublishSource(perm *livekit.ParticipantPermission, src livekit.TrackSource) bool {
	if !perm.CanPublish {
		return false
	}
	if len(perm.CanPublishSources) == 0 {
		return true
	}
	for _, s := range perm.CanPublishSources {
		if s == src {
			return true
		}
	}
	return false
}
