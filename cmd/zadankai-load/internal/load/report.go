package load

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"
)

// Report is what a run measured. Packet and byte figures cover the
// measured window only (after joins and warm-up).
type Report struct {
	URL                 string  `json:"url"`
	Rooms               int     `json:"rooms"`
	PublishersPerRoom   int     `json:"publishers_per_room"`
	SubscribersPerRoom  int     `json:"subscribers_per_room"`
	PublishersSubscribe bool    `json:"publishers_subscribe"`
	Simulcast           bool    `json:"simulcast"`
	WindowSeconds       float64 `json:"window_seconds"`

	Joined      int      `json:"joined"`
	JoinFailed  []string `json:"join_failed,omitempty"`
	JoinMs      Dist     `json:"join_ms"`
	FirstAudio  Dist     `json:"first_audio_ms"`       // subscribers only: join start to first packet
	FirstVideo  Dist     `json:"first_video_ms"`       // any packet (LiveKit sends padding first)
	FirstFrame  Dist     `json:"first_video_frame_ms"` // the first packet of a keyframe
	Receivers   int      `json:"receivers"`
	TracksWant  int      `json:"tracks_expected"`
	TracksMedia int      `json:"tracks_with_media"` // received packets in the window

	Packets         uint64  `json:"packets"` // received by all receivers = forwarded by the server
	Expected        uint64  `json:"packets_expected"`
	LossPct         float64 `json:"loss_pct"`
	PacketsPerSec   float64 `json:"packets_per_second"`
	MbpsTotal       float64 `json:"mbps_total"`
	MbpsPerReceiver float64 `json:"mbps_per_receiver"`
	MinDeliveryPct  float64 `json:"min_delivery_pct"`      // worst receiver: received / expected; 0 if a join failed
	ReceiversBelow  int     `json:"receivers_below_95pct"` // failed joins included

	// PacePct is the frames the publishers wrote in the window against
	// their real-time schedule: below 100 the load tool itself (its
	// publishers) fell behind, and receivers saw less than the presets.
	PacePct float64 `json:"publisher_pace_pct"`

	ServerCPUMs      float64          `json:"server_cpu_ms,omitempty"`
	ServerCPUPer1000 float64          `json:"server_cpu_ms_per_1000_packets,omitempty"`
	ServerCPUPercent float64          `json:"server_cpu_percent,omitempty"` // of one core
	ToolCPUMs        float64          `json:"tool_cpu_ms"`
	PerReceiver      []ReceiverReport `json:"receivers_detail"`
}

// ReceiverReport is one receiving participant's window.
type ReceiverReport struct {
	Room        string  `json:"room"`
	Identity    string  `json:"identity"`
	Tracks      int     `json:"tracks_with_media"`
	TracksWant  int     `json:"tracks_expected"`
	Packets     uint64  `json:"packets"`
	Expected    uint64  `json:"packets_expected"`
	DeliveryPct float64 `json:"delivery_pct"`
	Bytes       uint64  `json:"bytes"`
	Mbps        float64 `json:"mbps"`
}

// Dist summarises durations in milliseconds.
type Dist struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	Max    float64 `json:"max"`
}

func dist(d []time.Duration) Dist {
	if len(d) == 0 {
		return Dist{}
	}
	slices.Sort(d)
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	return Dist{N: len(d), Median: ms(d[len(d)/2]), P90: ms(d[(len(d)*9)/10]), Max: ms(d[len(d)-1])}
}

// wantTracks is how many tracks m should receive.
func (r *run) wantTracks(m *member) int {
	if !m.publisher {
		return r.cfg.Publishers * r.cfg.tracksPerPublisher()
	}
	if r.cfg.PublishersSubscribe {
		return (r.cfg.Publishers - 1) * r.cfg.tracksPerPublisher()
	}
	return 0
}

func (r *run) report(before, after sample) *Report {
	c := r.cfg
	window := after.at.Sub(before.at).Seconds()
	rep := &Report{URL: c.URL, Rooms: c.Rooms, PublishersPerRoom: c.Publishers, SubscribersPerRoom: c.Subscribers,
		PublishersSubscribe: c.PublishersSubscribe, Simulcast: c.Simulcast, WindowSeconds: window, ToolCPUMs: ms(after.toolCPU - before.toolCPU)}
	r.mu.Lock()
	rep.JoinFailed = append([]string(nil), r.failed...)
	r.mu.Unlock()
	var joins, audio, video, frames []time.Duration
	var bytes uint64
	for _, m := range r.joined() {
		rep.Joined++
		joins = append(joins, m.joinTook)
		want := r.wantTracks(m)
		if want == 0 {
			continue
		}
		rr := r.receiver(m, want, before.counts[m], after.counts[m], window)
		if !m.publisher {
			a, v, f := firstMedia(m, after.counts[m])
			audio, video, frames = append(audio, a...), append(video, v...), append(frames, f...)
		}
		rep.add(rr)
		bytes += rr.Bytes
	}
	if len(rep.JoinFailed) > 0 { // a participant that never joined received 0 %
		rep.MinDeliveryPct = 0
		rep.ReceiversBelow += len(rep.JoinFailed)
	}
	rep.JoinMs, rep.FirstAudio, rep.FirstVideo, rep.FirstFrame = dist(joins), dist(audio), dist(video), dist(frames)
	rep.finish(window, bytes)
	if pubs := r.publishing.Load(); pubs > 0 {
		rep.PacePct = 100 * float64(after.sent-before.sent) / (window * float64(pubs) * float64(c.framesPerSecond()))
	}
	if c.ServerPID > 0 {
		cpu := after.serverCPU - before.serverCPU
		rep.ServerCPUMs = ms(cpu)
		rep.ServerCPUPercent = 100 * cpu.Seconds() / window
		if rep.Packets > 0 {
			rep.ServerCPUPer1000 = rep.ServerCPUMs / (float64(rep.Packets) / 1000)
		}
	}
	sort.Slice(rep.PerReceiver, func(i, j int) bool { return rep.PerReceiver[i].DeliveryPct < rep.PerReceiver[j].DeliveryPct })
	return rep
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// receiver computes m's window from its two snapshots.
func (r *run) receiver(m *member, want int, before, after []trackCount, window float64) ReceiverReport {
	rr := ReceiverReport{Room: m.room, Identity: m.identity, TracksWant: want}
	prev := map[*trackStat]trackCount{}
	for _, t := range before {
		prev[t.stat] = t
	}
	for _, t := range after {
		p := prev[t.stat] // zero if the track began inside the window
		if t.packets > p.packets {
			rr.Tracks++
		}
		rr.Packets += t.packets - p.packets
		rr.Expected += t.expected - p.expected
		rr.Bytes += t.bytes - p.bytes
	}
	if rr.Expected > 0 {
		rr.DeliveryPct = min(100, 100*float64(rr.Packets)/float64(rr.Expected))
	}
	if rr.Tracks < want {
		rr.DeliveryPct = 0 // a track with nothing in the window counts as lost
	}
	rr.Mbps = float64(rr.Bytes) * 8 / window / 1e6
	return rr
}

// firstMedia is, per received track kind, join start to first packet,
// and for video to the first keyframe.
func firstMedia(m *member, counts []trackCount) (audio, video, frames []time.Duration) {
	for _, t := range counts {
		at := t.stat.firstAt.Load()
		if at == 0 {
			continue
		}
		d := time.Unix(0, at).Sub(m.joinStart)
		if t.stat.kind == "audio" {
			audio = append(audio, d)
			continue
		}
		video = append(video, d)
		if key := t.stat.keyAt.Load(); key != 0 {
			frames = append(frames, time.Unix(0, key).Sub(m.joinStart))
		}
	}
	return audio, video, frames
}

func (rep *Report) add(rr ReceiverReport) {
	rep.Receivers++
	rep.TracksWant += rr.TracksWant
	rep.TracksMedia += rr.Tracks
	rep.Packets += rr.Packets
	rep.Expected += rr.Expected
	if rep.Receivers == 1 || rr.DeliveryPct < rep.MinDeliveryPct {
		rep.MinDeliveryPct = rr.DeliveryPct
	}
	if rr.DeliveryPct < 95 {
		rep.ReceiversBelow++
	}
	rep.PerReceiver = append(rep.PerReceiver, rr)
}

func (rep *Report) finish(window float64, bytes uint64) {
	if rep.Expected > 0 {
		rep.LossPct = max(0, 100*(1-float64(rep.Packets)/float64(rep.Expected)))
	}
	rep.PacketsPerSec = float64(rep.Packets) / window
	rep.MbpsTotal = float64(bytes) * 8 / window / 1e6
	if rep.Receivers > 0 {
		rep.MbpsPerReceiver = rep.MbpsTotal / float64(rep.Receivers)
	}
}

// WriteJSON writes the report as indented JSON.
func (rep *Report) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(rep)
}

// WriteTable writes the report for people; worst receivers first.
func (rep *Report) WriteTable(w io.Writer, detail int) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("server               %s\n", rep.URL)
	p("load                 %d room(s) x (%d publishers + %d subscribers), publishers subscribe: %v, simulcast: %v\n",
		rep.Rooms, rep.PublishersPerRoom, rep.SubscribersPerRoom, rep.PublishersSubscribe, rep.Simulcast)
	p("joined               %d (failed %d)\n", rep.Joined, len(rep.JoinFailed))
	for i, f := range rep.JoinFailed {
		if i == 5 {
			p("                     ... %d more\n", len(rep.JoinFailed)-5)
			break
		}
		p("                     %s\n", f)
	}
	d := func(name string, x Dist) {
		p("%-20s n=%d median %.1f ms, p90 %.1f ms, max %.1f ms\n", name, x.N, x.Median, x.P90, x.Max)
	}
	d("join", rep.JoinMs)
	d("join->first audio", rep.FirstAudio)
	d("join->first video", rep.FirstVideo)
	d("join->first keyframe", rep.FirstFrame)
	p("window               %.1f s\n", rep.WindowSeconds)
	p("tracks with media    %d of %d on %d receivers\n", rep.TracksMedia, rep.TracksWant, rep.Receivers)
	p("packets received     %d (%.0f/s), expected %d, loss %.2f %%\n", rep.Packets, rep.PacketsPerSec, rep.Expected, rep.LossPct)
	p("bitrate received     %.2f Mb/s total, %.3f Mb/s per receiver\n", rep.MbpsTotal, rep.MbpsPerReceiver)
	p("publisher pace       %.1f %% of the frames due in the window\n", rep.PacePct)
	p("worst receiver       %.2f %% of packets; %d receiver(s) below 95 %% (failed joins count)\n", rep.MinDeliveryPct, rep.ReceiversBelow)
	if rep.ServerCPUMs > 0 {
		p("server CPU           %.0f ms (%.0f %% of a core): %.2f ms per 1000 forwarded packets\n", rep.ServerCPUMs, rep.ServerCPUPercent, rep.ServerCPUPer1000)
	}
	p("load tool CPU        %.0f ms\n", rep.ToolCPUMs)
	if detail > 0 && len(rep.PerReceiver) > 0 {
		p("\n%-12s %-12s %7s %9s %9s %9s %8s\n", "room", "receiver", "tracks", "packets", "expected", "delivery", "Mb/s")
		for i, rr := range rep.PerReceiver {
			if i == detail {
				break
			}
			p("%-12s %-12s %3d/%-3d %9d %9d %8.2f%% %8.3f\n", rr.Room, rr.Identity, rr.Tracks, rr.TracksWant, rr.Packets, rr.Expected, rr.DeliveryPct, rr.Mbps)
		}
	}
}
