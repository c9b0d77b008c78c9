package signaling

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/proto"
)

// maxJoinRequest bounds a decoded (and unzipped) join_request: it carries
// an SDP offer and a few track requests, never megabytes.
const maxJoinRequest = 256 << 10

var (
	errJoinRequestRequired = errors.New("join_request is required on /rtc/v1")
	errJoinRequestTooLarge = errors.New("join_request is too large")
)

// JoinRequestError says why a join_request parameter could not be read.
type JoinRequestError struct{ Err error }

func (e *JoinRequestError) Error() string { return "bad join_request: " + e.Err.Error() }
func (e *JoinRequestError) Unwrap() error { return e.Err }

// decodeJoinRequest reads the join_request query parameter: base64url (the
// SDKs pad it; unpadded is accepted too) of a WrappedJoinRequest whose
// JoinRequest may be gzipped.
func decodeJoinRequest(s string) (*livekit.JoinRequest, error) {
	if len(s) > 2*maxJoinRequest {
		return nil, &JoinRequestError{errJoinRequestTooLarge}
	}
	raw, err := base64.URLEncoding.DecodeString(s)
	if err != nil {
		if raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return nil, &JoinRequestError{fmt.Errorf("not base64url: %w", err)}
		}
	}
	var wrapped livekit.WrappedJoinRequest
	if err := proto.Unmarshal(raw, &wrapped); err != nil {
		return nil, &JoinRequestError{fmt.Errorf("not a WrappedJoinRequest: %w", err)}
	}
	body := wrapped.JoinRequest
	switch wrapped.Compression {
	case livekit.WrappedJoinRequest_NONE:
	case livekit.WrappedJoinRequest_GZIP:
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, &JoinRequestError{fmt.Errorf("gzip: %w", err)}
		}
		// One byte past the limit tells a too-large body from one that fits.
		body, err = io.ReadAll(io.LimitReader(zr, maxJoinRequest+1))
		if err != nil {
			return nil, &JoinRequestError{fmt.Errorf("gzip: %w", err)}
		}
		if len(body) > maxJoinRequest {
			return nil, &JoinRequestError{errJoinRequestTooLarge}
		}
	default:
		return nil, &JoinRequestError{fmt.Errorf("unknown compression %d", wrapped.Compression)}
	}
	var jr livekit.JoinRequest
	if err := proto.Unmarshal(body, &jr); err != nil {
		return nil, &JoinRequestError{fmt.Errorf("not a JoinRequest: %w", err)}
	}
	if o := jr.PublisherOffer; o != nil && o.Type != "" && o.Type != "offer" {
		return nil, &JoinRequestError{fmt.Errorf("publisher_offer has type %q", o.Type)}
	}
	return &jr, nil
}

// joinOptions are the session settings a client asks for when it opens
// the signal connection.
type joinOptions struct {
	autoSubscribe bool
	// adaptiveStream: the client reports each video's size on screen
	// (livekit-client's adaptive stream) once it shows it.
	adaptiveStream bool
	reconnect      bool
	sid            string
	// single is set by a join_request: one peer connection, which the
	// client always offers.
	single bool
	join   *livekit.JoinRequest
}

// joinOptionsFrom reads the options from the query: a join_request (on
// /rtc/v1, required, and on /rtc for the Go SDK's single-PC mode) or the
// classic parameters.
func joinOptionsFrom(r *http.Request, v1 bool) (joinOptions, error) {
	q := r.URL.Query()
	enc := q.Get("join_request")
	if enc == "" {
		if v1 {
			return joinOptions{}, &JoinRequestError{errJoinRequestRequired}
		}
		return joinOptions{autoSubscribe: !isFalse(q.Get("auto_subscribe")), adaptiveStream: isTrue(q.Get("adaptive_stream")),
			reconnect: isTrue(q.Get("reconnect")), sid: q.Get("sid")}, nil
	}
	jr, err := decodeJoinRequest(enc)
	if err != nil {
		return joinOptions{}, err
	}
	auto, adaptive := true, false
	if cs := jr.ConnectionSettings; cs != nil {
		auto, adaptive = cs.AutoSubscribe, cs.AdaptiveStream
	}
	return joinOptions{autoSubscribe: auto, adaptiveStream: adaptive, reconnect: jr.Reconnect, sid: jr.ParticipantSid, single: true, join: jr}, nil
}

func isTrue(v string) bool  { return v == "1" || v == "true" }
func isFalse(v string) bool { return v == "0" || v == "false" }
