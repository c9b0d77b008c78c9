package signaling_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
)

// BenchmarkJoinToFirstMedia: one Go SDK publisher sends audio and VP8
// video (a keyframe every second); 30 Go SDK subscribers join one after
// another; for each, the time from starting to connect to its first audio
// and first video packet. Reports medians and p90s in ms.
//
//	go test -run '^$' -bench JoinToFirstMedia -benchtime 1x ./signaling
func BenchmarkJoinToFirstMedia(b *testing.B) {
	const subscribers = 30
	for b.Loop() {
		ts := newServerTB(b)
		alice, err := lksdk.ConnectToRoomWithToken(ts.url, tokenTB(b, "alice"), &lksdk.RoomCallback{})
		if err != nil {
			b.Fatal(err)
		}
		audio, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
		video, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000})
		if _, err := alice.LocalParticipant.PublishTrack(audio, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err != nil {
			b.Fatal(err)
		}
		if _, err := alice.LocalParticipant.PublishTrack(video, &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA}); err != nil {
			b.Fatal(err)
		}
		stop := make(chan struct{})
		go pump(stop, audio, video)
		time.Sleep(500 * time.Millisecond)
		var firstAudio, firstVideo []time.Duration
		var mu sync.Mutex
		var rooms []*lksdk.Room
		for i := range subscribers {
			start := time.Now()
			done := make(chan struct{}, 2)
			r, err := lksdk.ConnectToRoomWithToken(ts.url, tokenTB(b, "sub"+string(rune('a'+i%26))+string(rune('a'+i/26))), &lksdk.RoomCallback{
				ParticipantCallback: lksdk.ParticipantCallback{OnTrackSubscribed: func(track *webrtc.TrackRemote, _ *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
					go func() {
						if _, _, err := track.ReadRTP(); err != nil {
							return
						}
						mu.Lock()
						if track.Kind() == webrtc.RTPCodecTypeAudio {
							firstAudio = append(firstAudio, time.Since(start))
						} else {
							firstVideo = append(firstVideo, time.Since(start))
						}
						mu.Unlock()
						done <- struct{}{}
						for {
							if _, _, err := track.ReadRTP(); err != nil {
								return
							}
						}
					}()
				}},
			})
			if err != nil {
				b.Fatal(err)
			}
			rooms = append(rooms, r)
			for range 2 {
				select {
				case <-done:
				case <-time.After(15 * time.Second):
					b.Fatalf("subscriber %d got no media in 15 s", i)
				}
			}
		}
		close(stop)
		for _, r := range rooms {
			r.Disconnect()
		}
		alice.Disconnect()
		report(b, "audio", firstAudio)
		report(b, "video", firstVideo)
	}
}

func report(b *testing.B, kind string, d []time.Duration) {
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, kind+"-median-ms")
	b.ReportMetric(float64(d[len(d)*9/10].Microseconds())/1000, kind+"-p90-ms")
}
