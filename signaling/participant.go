package signaling

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/pion/webrtc/v4"
	"golang.org/x/time/rate"
	"google.golang.org/protobuf/proto"

	"github.com/zadankai/zadankai/sfu"
)

// participant is one signal session in a room.
type participant struct {
	// immutable
	room          *room
	log           *slog.Logger
	sid, identity string
	apiKey        string    // signed the token; refreshed tokens are signed with it
	expires       time.Time // the original token's expiry
	joinedAt      time.Time
	autoSubscribe bool
	// adaptiveStream: the client reports the size it shows each video at;
	// until it does, its videos start at the low layer (as LiveKit's).
	adaptiveStream bool
	// single: one peer connection carries both directions (join_request
	// clients); pub and sub are then the same PC and the client always
	// offers.
	single   bool
	pub, sub *webrtc.PeerConnection
	link     *sfu.Downlink // the bandwidth toward the client, shared among its subscriptions
	meter    levelMeter    // audio level of p's microphone, for active speakers

	sig     atomic.Pointer[conn] // the current signal connection; swapped on resume
	mediaUp atomic.Bool          // the connection carrying subscriptions has been up (DownTracks may send)
	// negMu serialises single-PC negotiation: an answer and the track
	// changes it must include never interleave.
	negMu sync.Mutex

	mu          sync.Mutex
	name        string
	metadata    string
	attributes  map[string]string
	perm        *livekit.ParticipantPermission
	version     uint32
	state       livekit.ParticipantInfo_State
	tracks      map[string]*pubTrack // published, by track sid
	pending     []*pubTrack          // announced with AddTrack, waiting for media
	subs        map[string]*subscription
	pubCands    []webrtc.ICECandidateInit // trickled before the remote description
	subCands    []webrtc.ICECandidateInit
	negotiating bool // a subscriber offer is out
	renegotiate bool // another change came while it was out
	iceRestart  bool // the next subscriber offer restarts ICE (after a resume)
	offerID     uint32
	reliable    *webrtc.DataChannel // server → client: the subscriber PC's, or the client's in single PC
	lossy       *webrtc.DataChannel
	pendingData [][]byte // reliable packets waiting for the channel to open
	closed      bool
	// single PC: offered is set once the client's first offer is applied
	// (subscriptions wait for its receive sections); dirty marks track
	// changes not yet in an answer; asked, that a re-offer was requested.
	offered, dirty, asked bool
	heldOffer             *livekit.SessionDescription // the Go SDK's join offer, answered once it is set
	// resume: detached is set while the signal connection is lost; grace
	// ends the session if the client does not come back in time.
	detached  bool
	mediaDown bool // the client closed its data channel (and so its PC)
	grace     *time.Timer
	refresher *time.Timer // next refresh_token

	// disconnectReason is why p left, once it has (state DISCONNECTED).
	disconnectReason livekit.DisconnectReason
	// selfUpdates paces p's changes to its own name, metadata and
	// attributes (made on the first one).
	selfUpdates *rate.Limiter
}

// conn returns the participant's current signal connection.
func (p *participant) conn() *conn { return p.sig.Load() }

// pubTrack is a track p publishes.
type pubTrack struct {
	info *livekit.TrackInfo
	cid  string
	up   *sfu.UpTrack
	tr   *webrtc.RTPTransceiver // carries the media; its m-section going inactive unpublishes
	// dynacast, guarded by the publisher's mu: the layers the publisher
	// was last told are needed (all, until told otherwise) and the timer
	// of a pending drop.
	sentLayers [3]bool
	dropTimer  *time.Timer
}

// subscription is one track p receives.
type subscription struct {
	publisher *participant
	track     *pubTrack
	down      *sfu.DownTrack
	sender    *webrtc.RTPSender
	hideTimer *time.Timer // a pending "hidden" (setHidden); guarded by the subscriber's mu
}

func (p *participant) hidden() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.perm.Hidden
}

// info is the participant's ParticipantInfo; every change bumps version
// (clients ignore updates whose version does not increase).
func (p *participant) info() *livekit.ParticipantInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.infoLocked()
}

func (p *participant) infoLocked() *livekit.ParticipantInfo {
	info := &livekit.ParticipantInfo{Sid: p.sid, Identity: p.identity, Name: p.name, Metadata: p.metadata, State: p.state,
		Version: p.version, Permission: p.perm, JoinedAt: p.joinedAt.Unix(), JoinedAtMs: p.joinedAt.UnixMilli(),
		Attributes: p.attributes, Kind: livekit.ParticipantInfo_STANDARD, DisconnectReason: p.disconnectReason}
	// Copies: the writer goroutine marshals these while p's state moves on.
	for _, t := range p.tracks {
		info.Tracks = append(info.Tracks, proto.Clone(t.info).(*livekit.TrackInfo))
	}
	if p.attributes != nil {
		info.Attributes = make(map[string]string, len(p.attributes))
		for k, v := range p.attributes {
			info.Attributes[k] = v
		}
	}
	return info
}

// changed bumps the version; callers then broadcast. Called with mu held.
func (p *participant) changedLocked() { p.version++ }

func (p *participant) sendLeave(reason livekit.DisconnectReason, action livekit.LeaveRequest_Action) {
	p.conn().sendLeave(reason, action)
}

// publishedTrack returns p's track with sid.
func (p *participant) publishedTrack(sid string) *pubTrack {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tracks[sid]
}

// publishedTracks returns p's tracks that already carry media.
func (p *participant) publishedTracks() []*pubTrack {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*pubTrack, 0, len(p.tracks))
	for _, t := range p.tracks {
		if t.up != nil {
			out = append(out, t)
		}
	}
	return out
}
