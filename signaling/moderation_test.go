package signaling_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/mail"
	"github.com/zadankai/zadankai/rooms/remotemedia"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/signaling"
)

// controlPlane is the real API on SQLite, moderating through a media
// plane.
type controlPlane struct {
	url      string
	store    rooms.Store
	mediaURL string
}

// newStore opens a SQLite store for the test.
func newStore(t *testing.T) rooms.Store {
	t.Helper()
	store, err := sqlitestore.OpenFile(context.Background(), filepath.Join(t.TempDir(), "cp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(context.Background()) })
	return store
}

// newControlPlane runs the API on a store of its own, moderating through
// the embedded media plane of ts.
func newControlPlane(t *testing.T, ts *testServer) *controlPlane {
	return newControlPlaneWith(t, cpOptions{store: newStore(t), media: ts.sig, mediaURL: ts.url})
}

// cpOptions say what a control plane runs on.
type cpOptions struct {
	store    rooms.Store
	media    rooms.MediaPlane
	mediaURL string // where clients connect
	// webhook mounts the receiver of the media plane's webhooks at
	// /livekit/webhook, acting through media on store's rules.
	webhook bool
	ln      net.Listener // where to serve; nil: a new loopback port
}

func newControlPlaneWith(t *testing.T, o cpOptions) *controlPlane {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := api.New(api.Params{Store: o.store, Logger: log, Registry: prometheus.NewRegistry(), Mailer: mail.NewOutbox(log, 10),
		PublicURL: "http://cp.test", PasswordCost: bcrypt.MinCost, MediaPlane: o.media,
		Media: api.MediaConfig{URL: o.mediaURL, APIKey: apiKey, APISecret: apiSecret, EventsRecordAttendance: o.webhook}})
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	a.Register(e)
	if o.webhook {
		rc, err := remotemedia.NewReceiver(remotemedia.ReceiverParams{Keys: map[string]string{apiKey: apiSecret},
			Rules: rooms.RoomRules{Store: o.store}, Media: o.media, Events: rooms.RoomEvents{Store: o.store}, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		e.POST(webhookPath, gin.WrapH(rc))
	}
	srv := httptest.NewUnstartedServer(e)
	if o.ln != nil {
		srv.Listener.Close()
		srv.Listener = o.ln
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return &controlPlane{url: srv.URL, store: o.store, mediaURL: o.mediaURL}
}

// webhookPath is where test control planes receive media webhooks.
const webhookPath = "/livekit/webhook"

// newRuledServer runs the embedded media plane with the room rules of a
// control plane's store (as serve wires them) and that control plane.
func newRuledServer(t *testing.T) (*testServer, *controlPlane) {
	store := newStore(t)
	ts := newServerWith(t, func(p *signaling.Params) { p.Rules = rooms.RoomRules{Store: store} })
	return ts, newControlPlaneWith(t, cpOptions{store: store, media: ts.sig, mediaURL: ts.url})
}

// user is a logged-in account of the control plane.
type user struct {
	m    *rooms.Member
	c    *http.Client
	csrf string
	cp   *controlPlane
}

func (cp *controlPlane) user(t *testing.T, email string, role rooms.Role, moderator bool) *user {
	t.Helper()
	co := &rooms.Company{ID: rooms.NewCompanyID(), Name: "Co " + email, Status: rooms.CompanyActive}
	cp.store.CreateCompany(context.Background(), co)
	return cp.userIn(t, email, role, moderator, co.ID)
}

// userIn is user with a member of company co.
func (cp *controlPlane) userIn(t *testing.T, email string, role rooms.Role, moderator bool, co rooms.CompanyID) *user {
	t.Helper()
	ctx := context.Background()
	hash, _ := bcrypt.GenerateFromPassword([]byte("password-123"), bcrypt.MinCost)
	m := &rooms.Member{ID: rooms.NewMemberID(), Email: email, DisplayName: email, Role: role, Moderator: moderator, PasswordHash: string(hash)}
	if role == rooms.RoleMember {
		m.CompanyID = co
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := cp.store.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u := &user{m: m, c: &http.Client{Jar: jar, Timeout: 15 * time.Second}, cp: cp}
	var s struct {
		CSRFToken string `json:"csrf_token"`
	}
	status, body := u.do(t, "POST", "/api/v1/auth/login", `{"email":"`+email+`","password":"password-123"}`)
	if status != 200 {
		t.Fatalf("login %s: %d %s", email, status, body)
	}
	json.Unmarshal([]byte(body), &s)
	u.csrf = s.CSRFToken
	return u
}

func (u *user) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u.cp.url+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-CSRF-Token", u.csrf)
	res, err := u.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// token asks the control plane for a join token: the media URL and the
// token.
func (u *user) token(t *testing.T, rt string) (string, string, error) {
	t.Helper()
	status, body := u.do(t, "POST", "/api/v1/roundtables/"+rt+"/join", "")
	if status != 200 {
		return "", "", fmt.Errorf("join token: %d %s", status, body)
	}
	var jt struct{ URL, Token string }
	json.Unmarshal([]byte(body), &jt)
	return jt.URL, jt.Token, nil
}

// join asks the control plane for a token and connects with it.
func (u *user) join(t *testing.T, rt string, cb *lksdk.RoomCallback) (*lksdk.Room, error) {
	t.Helper()
	url, tok, err := u.token(t, rt)
	if err != nil {
		return nil, err
	}
	if cb == nil {
		cb = &lksdk.RoomCallback{}
	}
	return lksdk.ConnectToRoomWithToken(url, tok, cb)
}

// roundtable creates a roundtable starting in ten minutes (its room is
// open) that mod moderates, with the lobby on or off, and registers
// members; it returns its id.
func (cp *controlPlane) roundtable(t *testing.T, mod *user, talk string, lobby bool, members ...*user) string {
	t.Helper()
	start := time.Now().Add(10 * time.Minute).UTC().Truncate(time.Minute).Format(time.RFC3339)
	status, body := mod.do(t, "POST", "/api/v1/roundtables", fmt.Sprintf(`{"title":"Round","axis":"life","start":%q,"minutes":60,
		"time_zone":"Asia/Tokyo","format":"online","capacity":10,"talk":%q,"moderators":[%q],"lobby":%v}`, start, talk, mod.m.ID, lobby))
	if status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	var rt struct{ ID string }
	json.Unmarshal([]byte(body), &rt)
	for _, m := range members {
		if s, b := m.do(t, "POST", "/api/v1/roundtables/"+rt.ID+"/register", ""); s != 200 {
			t.Fatalf("register: %d %s", s, b)
		}
	}
	return rt.ID
}

// scene is a roundtable whose moderator is in its room, with members
// registered (not yet in).
type scene struct {
	mod     *user
	members []*user
	rt      string // the roundtable's id
	room    string // its media room
	modRoom *lksdk.Room
}

// scene creates a roundtable (talk, lobby on or off) moderated by a new
// operator, who joins its room, and registers a member for each email.
func (cp *controlPlane) scene(t *testing.T, talk string, lobby bool, emails ...string) *scene {
	t.Helper()
	s := &scene{mod: cp.user(t, "mod@z.test", rooms.RoleOperator, true)}
	for _, e := range emails {
		s.members = append(s.members, cp.user(t, e, rooms.RoleMember, false))
	}
	s.rt = cp.roundtable(t, s.mod, talk, lobby, s.members...)
	s.room = "roundtable-" + s.rt
	var err error
	if s.modRoom, err = s.mod.join(t, s.rt, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.modRoom.Disconnect)
	return s
}

// publishMic publishes a microphone from room, fed until the test ends.
func publishMic(t *testing.T, room *lksdk.Room) *lksdk.LocalTrackPublication {
	t.Helper()
	mic := opusTrack(t)
	pub, err := room.LocalParticipant.PublishTrack(mic, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go pump(stop, mic)
	return pub
}

// inLobby reports "" once room's own participant waits in the lobby: no
// grants, marked as waiting.
func inLobby(room *lksdk.Room) string {
	p := room.LocalParticipant
	if perm := p.Permissions(); perm.GetCanSubscribe() || perm.GetCanPublish() || perm.GetCanPublishData() || p.Attributes()["lobby"] != "1" {
		return fmt.Sprintf("not in the lobby: grants %+v, attributes %v", perm, p.Attributes())
	}
	return ""
}

// receives reports "" once rec has received at least 10 packets of sid.
func receives(rec *recorder, sid string) func() string {
	return func() string {
		if n := rec.count(sid); n < 10 {
			return fmt.Sprintf("received %d packets of %s", n, sid)
		}
		return ""
	}
}

func (u *user) moderate(t *testing.T, rt, body string) int {
	t.Helper()
	status, resp := u.do(t, "POST", "/api/v1/roundtables/"+rt+"/moderation", body)
	if status != 200 {
		t.Logf("moderation %s = %d %s", body, status, resp)
	}
	return status
}

func opusTrack(t *testing.T) *lksdk.LocalTrack {
	tr, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestStageRoundtableModeration runs a stage roundtable through the
// control plane's API with Go SDK participants: the audience cannot
// publish until promoted, demotion unpublishes, a moderator's mute reaches
// everyone, the spotlight reaches every client, removal disconnects and
// keeps the person out, only moderators moderate, and it is all audited.
func TestStageRoundtableModeration(t *testing.T) {
	ts := newServer(t)
	cp := newControlPlane(t, ts)
	mod := cp.user(t, "mod@z.test", rooms.RoleOperator, true)
	speaker := cp.user(t, "speaker@z.test", rooms.RoleGuestSpeaker, false)
	member := cp.user(t, "member@a.test", rooms.RoleMember, false)
	start := time.Now().Add(10 * time.Minute).UTC().Truncate(time.Minute).Format(time.RFC3339)
	status, body := mod.do(t, "POST", "/api/v1/roundtables", fmt.Sprintf(`{"title":"Stage","axis":"career","start":%q,"minutes":60,
		"time_zone":"Asia/Tokyo","format":"online","capacity":10,"talk":"stage","moderators":[%q],"speakers":[%q]}`, start, mod.m.ID, speaker.m.ID))
	if status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	var rt struct{ ID string }
	json.Unmarshal([]byte(body), &rt)
	if s, b := member.do(t, "POST", "/api/v1/roundtables/"+rt.ID+"/register", ""); s != 200 {
		t.Fatalf("register: %d %s", s, b)
	}
	modRoom, err := mod.join(t, rt.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer modRoom.Disconnect()
	spRoom, err := speaker.join(t, rt.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer spRoom.Disconnect()
	var kicked atomic.Value
	memRec := newRecorder()
	cb := memRec.callback()
	cb.OnDisconnectedWithReason = func(r lksdk.DisconnectionReason) { kicked.Store(string(r)) }
	memRoom, err := member.join(t, rt.ID, cb)
	if err != nil {
		t.Fatal(err)
	}
	defer memRoom.Disconnect()

	if _, err := memRoom.LocalParticipant.PublishTrack(opusTrack(t), &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err == nil {
		t.Fatalf("an audience member published")
	}
	if s := member.moderate(t, rt.ID, `{"action":"spotlight","identity":"`+string(speaker.m.ID)+`"}`); s != 403 {
		t.Errorf("a member moderates: %d", s)
	}
	mid := string(member.m.ID)
	if s := mod.moderate(t, rt.ID, `{"action":"promote","identity":"`+mid+`"}`); s != 200 {
		t.Fatalf("promote: %d", s)
	}
	time.Sleep(200 * time.Millisecond)
	mic := opusTrack(t)
	if _, err := memRoom.LocalParticipant.PublishTrack(mic, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err != nil {
		t.Fatalf("publishing after promotion: %v", err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go pump(stop, mic)
	waitFor(t, 10*time.Second, func() string {
		if rp := modRoom.GetParticipantByIdentity(mid); rp == nil || len(rp.TrackPublications()) != 1 {
			return "the moderator does not see the promoted member's microphone"
		}
		return ""
	})
	if s := mod.moderate(t, rt.ID, `{"action":"mute","identity":"`+mid+`","source":"microphone"}`); s != 200 {
		t.Fatalf("mute: %d", s)
	}
	waitFor(t, 5*time.Second, func() string {
		rp := modRoom.GetParticipantByIdentity(mid)
		if rp == nil || len(rp.TrackPublications()) == 0 || !rp.TrackPublications()[0].IsMuted() {
			return "the moderator's mute is not seen as a muted track"
		}
		return ""
	})
	if s := mod.moderate(t, rt.ID, `{"action":"demote","identity":"`+mid+`"}`); s != 200 {
		t.Fatalf("demote: %d", s)
	}
	waitFor(t, 5*time.Second, func() string {
		if rp := modRoom.GetParticipantByIdentity(mid); rp == nil || len(rp.TrackPublications()) != 0 {
			return "demotion did not unpublish the member's track"
		}
		return ""
	})
	if s := mod.moderate(t, rt.ID, `{"action":"spotlight","identity":"`+string(speaker.m.ID)+`"}`); s != 200 {
		t.Fatalf("spotlight: %d", s)
	}
	waitFor(t, 5*time.Second, func() string {
		if !strings.Contains(memRoom.Metadata(), string(speaker.m.ID)) || !strings.Contains(spRoom.Metadata(), string(speaker.m.ID)) {
			return fmt.Sprintf("clients' room metadata %q / %q lacks the spotlight", memRoom.Metadata(), spRoom.Metadata())
		}
		return ""
	})
	if s := mod.moderate(t, rt.ID, `{"action":"mute","identity":"mb_nobody","source":"microphone"}`); s != 422 {
		t.Errorf("mute someone not in the room: %d, want 422", s)
	}
	if s := mod.moderate(t, rt.ID, `{"action":"remove","identity":"`+mid+`"}`); s != 200 {
		t.Fatalf("remove: %d", s)
	}
	waitFor(t, 5*time.Second, func() string {
		if kicked.Load() == nil {
			return "the removed member was not disconnected"
		}
		return ""
	})
	if _, err := member.join(t, rt.ID, nil); err == nil || !strings.Contains(err.Error(), "removed") {
		t.Errorf("a removed member got back in: %v", err)
	}
	_, audit := mod.do(t, "GET", "/api/v1/roundtables/"+rt.ID+"/audit", "")
	for _, action := range []string{"promote", "mute", "demote", "spotlight", "remove"} {
		if !strings.Contains(audit, `"action":"`+action+`"`) {
			t.Errorf("audit log lacks %s: %s", action, audit)
		}
	}
	if strings.Contains(audit, "mb_nobody") {
		t.Errorf("a refused action was audited")
	}
}

// TestLobbyHoldsEarlyArrivals: with the lobby on, a member who arrives
// receives no media until a moderator admits them.
func TestLobbyHoldsEarlyArrivals(t *testing.T) {
	ts := newServer(t)
	sc := newControlPlane(t, ts).scene(t, "small_round", true, "member@a.test")
	pub := publishMic(t, sc.modRoom)
	member := sc.members[0]
	rec := newRecorder()
	memRoom, err := member.join(t, sc.rt, rec.callback())
	if err != nil {
		t.Fatal(err)
	}
	defer memRoom.Disconnect()
	testWaitsUntilAdmitted(t, sc, memRoom, rec, pub.SID())
}

// testWaitsUntilAdmitted: memRoom waits in the lobby (the moderator sees
// her there) receiving nothing of sid, until the moderator admits her.
func testWaitsUntilAdmitted(t *testing.T, sc *scene, memRoom *lksdk.Room, rec *recorder, sid string) {
	t.Helper()
	id := memRoom.LocalParticipant.Identity()
	if msg := inLobby(memRoom); msg != "" {
		t.Error(msg)
	}
	waitFor(t, 5*time.Second, func() string {
		if rp := sc.modRoom.GetParticipantByIdentity(id); rp == nil || rp.Attributes()["lobby"] != "1" {
			return "the moderator does not see the member waiting in the lobby"
		}
		return ""
	})
	if n := rec.count(sid); n > 0 {
		t.Errorf("a member in the lobby received %d packets", n)
	}
	if s := sc.mod.moderate(t, sc.rt, `{"action":"admit","identity":"`+id+`"}`); s != 200 {
		t.Fatalf("admit: %d", s)
	}
	waitFor(t, 10*time.Second, receives(rec, sid))
}
