package rooms

import "context"

// MediaPlane is what the control plane asks of the video side: the
// moderation actions of LiveKit's RoomService. Two implementations: the
// SFU embedded in this binary (in-process) and a client of a remote
// LiveKit-compatible server (twirp), so a deployment can move media to a
// LiveKit cluster. Both pass the same tests.
type MediaPlane interface {
	// ListParticipants returns who is in room (ErrNotFound: no such room).
	ListParticipants(ctx context.Context, room string) ([]MediaParticipant, error)
	// MuteTrack mutes one published track. Unmuting someone else is not
	// offered: people unmute themselves (see AskToUnmute topics).
	MuteTrack(ctx context.Context, room, identity, trackSID string) error
	// SetPermissions replaces a participant's permissions: revoking
	// publishing unpublishes their tracks at once; the lobby grants
	// nothing and admitting restores the role's grants.
	SetPermissions(ctx context.Context, room, identity string, p MediaPermission) error
	// SetAttributes merges attributes into a participant's (e.g. a raised hand).
	SetAttributes(ctx context.Context, room, identity string, attrs map[string]string) error
	// SetRoomMetadata replaces the room's metadata, which every client follows.
	SetRoomMetadata(ctx context.Context, room, metadata string) error
	// RemoveParticipant disconnects a participant (reason: removed).
	RemoveParticipant(ctx context.Context, room, identity string) error
	// DeleteRoom ends the room for everyone.
	DeleteRoom(ctx context.Context, room string) error
	// SendData sends a reliable data message to some identities, or all.
	SendData(ctx context.Context, room, topic string, data []byte, to []string) error
}

// MediaParticipant is one person in a media room.
type MediaParticipant struct {
	Identity   string
	Name       string
	Attributes map[string]string
	Permission MediaPermission
	Tracks     []MediaTrack
}

// MediaPermission is what a participant may do in the room.
type MediaPermission struct {
	CanPublish     bool
	CanSubscribe   bool
	CanPublishData bool
}

// MediaTrack is one published track.
type MediaTrack struct {
	SID    string
	Kind   string // "audio" or "video"
	Source string // "camera", "microphone", "screen_share", "screen_share_audio"
	Muted  bool
}
