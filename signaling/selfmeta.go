package signaling

import (
	"fmt"
	"slices"

	"github.com/livekit/protocol/livekit"
	"golang.org/x/time/rate"
)

// selfUpdateBurst is how many changes to herself a participant may make
// at once before the sustained rate applies (a hand raised and lowered a
// few times, "stepping away" and back).
const selfUpdateBurst = 10

// refusal is why a participant's change to herself was not made.
type refusal struct {
	reason livekit.RequestResponse_Reason
	msg    string
}

// onUpdateMetadata lets a participant change her own name, metadata or
// attributes within the limits; a refused change changes nothing and is
// answered with request_response and its reason.
func (p *participant) onUpdateMetadata(m *livekit.UpdateParticipantMetadata) {
	p.mu.Lock()
	ref := p.selfUpdateLocked(m.Name, m.Metadata, m.Attributes)
	p.mu.Unlock()
	if ref != nil {
		p.log.Debug("own metadata change refused", "reason", ref.msg)
		p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_RequestResponse{RequestResponse: &livekit.RequestResponse{
			RequestId: m.RequestId, Reason: ref.reason, Message: ref.msg}}})
		return
	}
	p.room.broadcastInfo(p, true)
}

// applyJoinMetadata takes the join_request's metadata and attributes under
// the same rules (there is nobody to answer: a refused one is dropped).
func (p *participant) applyJoinMetadata(jr *livekit.JoinRequest) {
	if jr.Metadata == "" && len(jr.ParticipantAttributes) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if ref := p.selfUpdateLocked("", jr.Metadata, jr.ParticipantAttributes); ref != nil {
		p.log.Info("join_request metadata ignored", "reason", ref.msg)
	}
}

// selfUpdateLocked checks and makes p's change to its own name, metadata
// and attributes: an empty name or metadata leaves it as it is, an empty
// attribute value deletes the key. Only the keys the limits call her own
// may change (role and lobby are the control plane's), within LiveKit's
// kinds of limits and a rate; on refusal nothing changes. Called with mu
// held.
func (p *participant) selfUpdateLocked(name, metadata string, attrs map[string]string) *refusal {
	l := &p.room.s.limits
	if !p.perm.CanUpdateMetadata {
		return &refusal{livekit.RequestResponse_NOT_ALLOWED, "the token does not allow updating metadata"}
	}
	for k := range attrs {
		if !slices.Contains(l.OwnAttributes, k) {
			return &refusal{livekit.RequestResponse_NOT_ALLOWED, fmt.Sprintf("attribute %q is set by the server, not by participants", k)}
		}
	}
	next := p.attributes
	if len(attrs) > 0 {
		next = mergeAttributes(p.attributes, attrs)
	}
	switch {
	case len(name) > l.MaxNameBytes:
		return &refusal{livekit.RequestResponse_LIMIT_EXCEEDED, "exceeds name length limit"}
	case len(metadata) > l.MaxMetadataBytes:
		return &refusal{livekit.RequestResponse_LIMIT_EXCEEDED, "exceeds metadata size limit"}
	case attributesSize(next) > l.MaxAttributesBytes:
		return &refusal{livekit.RequestResponse_LIMIT_EXCEEDED, "exceeds attributes size limit"}
	}
	if p.selfUpdates == nil {
		p.selfUpdates = rate.NewLimiter(rate.Limit(l.SelfUpdatesPerSec), selfUpdateBurst)
	}
	if !p.selfUpdates.Allow() {
		return &refusal{livekit.RequestResponse_LIMIT_EXCEEDED, "too many updates; retry in a moment"}
	}
	if name != "" {
		p.name = name
	}
	if metadata != "" {
		p.metadata = metadata
	}
	p.attributes = next
	p.changedLocked()
	return nil
}

// mergeAttributes returns attrs applied to old in a new map (infos already
// sent may still hold the old one): an empty value deletes its key.
func mergeAttributes(old, attrs map[string]string) map[string]string {
	next := make(map[string]string, len(old)+len(attrs))
	for k, v := range old {
		next[k] = v
	}
	for k, v := range attrs {
		if v == "" {
			delete(next, k)
		} else {
			next[k] = v
		}
	}
	return next
}

// attributesSize counts attributes as LiveKit does: keys and values.
func attributesSize(attrs map[string]string) int {
	n := 0
	for k, v := range attrs {
		n += len(k) + len(v)
	}
	return n
}
