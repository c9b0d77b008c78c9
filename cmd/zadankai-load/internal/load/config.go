// Package load drives a LiveKit-protocol server with synthetic publishers
// and subscribers through the LiveKit Go SDK, and measures what the
// subscribers receive and what it costs the server in CPU time.
package load

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Config is one load run.
type Config struct {
	URL       string // ws:// or http(s):// base of the server
	APIKey    string
	APISecret string

	Rooms       int // R
	Publishers  int // P per room
	Subscribers int // S per room (receive only)
	// PublishersSubscribe makes publishers subscribe to each other too (a
	// roundtable where everyone talks and listens).
	PublishersSubscribe bool
	Simulcast           bool // q/h/f video layers; false = one layer (f)
	AnswerPLI           bool // a keyframe at the next frame when the server asks, as browsers do
	ClientRcvBuf        int  // receive buffer of the clients' UDP sockets, bytes; 0 = the kernel's default
	Video, Audio        bool

	JoinRate    float64       // participants joined per second, over all rooms
	JoinTimeout time.Duration // per participant
	MediaWait   time.Duration // after the last join, at most this for media on every track
	Warmup      time.Duration // then this, before measuring
	Duration    time.Duration // the measured window
	RoomPrefix  string
	ServerPID   int // 0 = do not measure the server's CPU
}

// DefaultConfig is 1 room, 1 publisher, 10 subscribers, 10 s measured.
func DefaultConfig() Config {
	return Config{Rooms: 1, Publishers: 1, Subscribers: 10, PublishersSubscribe: true, Simulcast: true, AnswerPLI: true, ClientRcvBuf: 4 << 20, Video: true, Audio: true,
		JoinRate: 10, JoinTimeout: 15 * time.Second, MediaWait: 30 * time.Second, Warmup: 2 * time.Second, Duration: 10 * time.Second, RoomPrefix: "load"}
}

// Validate reports the first bad field, by its flag name.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		return errors.New("--url is required")
	case err != nil || u.Host == "" || (u.Scheme != "ws" && u.Scheme != "wss" && u.Scheme != "http" && u.Scheme != "https"):
		return fmt.Errorf("--url %q: want ws://, wss://, http:// or https:// with a host", c.URL)
	case c.APIKey == "" || c.APISecret == "":
		return errors.New("--api-key and --api-secret are required")
	case c.Rooms < 1 || c.Rooms > 1000:
		return fmt.Errorf("--rooms %d: want 1..1000", c.Rooms)
	case c.Publishers < 0 || c.Subscribers < 0 || c.Publishers+c.Subscribers > 1000:
		return fmt.Errorf("--publishers %d, --subscribers %d: want >= 0 and at most 1000 per room", c.Publishers, c.Subscribers)
	case c.Publishers < 1:
		return errors.New("--publishers: at least one publisher per room")
	case c.Subscribers == 0 && (!c.PublishersSubscribe || c.Publishers < 2):
		return errors.New("--subscribers 0: nobody would receive (use --publishers >= 2 with --publishers-subscribe)")
	case !c.Audio && !c.Video:
		return errors.New("--audio and --video are both off: nothing to send")
	case c.JoinRate <= 0 || c.JoinRate > 1000:
		return fmt.Errorf("--join-rate %g: want (0, 1000] per second", c.JoinRate)
	case c.JoinTimeout <= 0:
		return errors.New("--join-timeout must be positive")
	case c.Warmup < 0 || c.MediaWait < 0:
		return errors.New("--warmup and --media-wait must not be negative")
	case c.Duration <= 0 || c.Duration > time.Hour:
		return fmt.Errorf("--duration %v: want (0, 1h]", c.Duration)
	case c.ClientRcvBuf < 0:
		return fmt.Errorf("--client-rcvbuf %d: want >= 0 bytes", c.ClientRcvBuf)
	case c.ServerPID < 0:
		return fmt.Errorf("--server-pid %d is not a process id", c.ServerPID)
	}
	return nil
}

// tracksPerPublisher is how many tracks each publisher sends.
func (c Config) tracksPerPublisher() int {
	n := 0
	if c.Audio {
		n++
	}
	if c.Video {
		n++
	}
	return n
}
