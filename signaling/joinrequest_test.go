package signaling

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/proto"
)

func TestDecodeJoinRequest(t *testing.T) {
	jr, _ := proto.Marshal(&livekit.JoinRequest{ParticipantSid: "PA_x", Reconnect: true})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(jr)
	_ = zw.Close()
	zipped, _ := proto.Marshal(&livekit.WrappedJoinRequest{Compression: livekit.WrappedJoinRequest_GZIP, JoinRequest: buf.Bytes()})
	plain, _ := proto.Marshal(&livekit.WrappedJoinRequest{JoinRequest: jr})
	var bomb bytes.Buffer
	zb := gzip.NewWriter(&bomb)
	_, _ = zb.Write(make([]byte, maxJoinRequest+10))
	_ = zb.Close()
	bombed, _ := proto.Marshal(&livekit.WrappedJoinRequest{Compression: livekit.WrappedJoinRequest_GZIP, JoinRequest: bomb.Bytes()})
	badType, _ := proto.Marshal(&livekit.JoinRequest{PublisherOffer: &livekit.SessionDescription{Type: "answer"}})
	badTypeW, _ := proto.Marshal(&livekit.WrappedJoinRequest{JoinRequest: badType})
	cases := []struct {
		name    string
		in      string
		wantErr error // nil: decodes to PA_x
		anyErr  bool
	}{
		{"gzipped, padded (both SDKs)", base64.URLEncoding.EncodeToString(zipped), nil, false},
		{"uncompressed, unpadded", base64.RawURLEncoding.EncodeToString(plain), nil, false},
		{"not base64", "%%%", nil, true},
		{"not a wrapper", base64.URLEncoding.EncodeToString([]byte{0xff, 0xff}), nil, true},
		{"gzip bomb", base64.URLEncoding.EncodeToString(bombed), errJoinRequestTooLarge, true},
		{"an answer as the offer", base64.URLEncoding.EncodeToString(badTypeW), nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeJoinRequest(c.in)
			switch {
			case c.anyErr && err == nil:
				t.Fatalf("decoded %v, want an error", got)
			case c.wantErr != nil && !errors.Is(err, c.wantErr):
				t.Fatalf("error %v, want %v", err, c.wantErr)
			case !c.anyErr && (err != nil || got.ParticipantSid != "PA_x" || !got.Reconnect):
				t.Fatalf("decoded %v, %v", got, err)
			}
		})
	}
}
