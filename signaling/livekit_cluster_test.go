package signaling_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/zadankai/zadankai/rooms"
)

// redisServer is Debian's Redis, which LiveKit nodes share to form a
// cluster.
const redisServer = "/usr/bin/redis-server"

// startRedis runs a Redis of the test's own, keeping nothing on disk, and
// returns its address. Without the binary the test is skipped, saying how
// to install it.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if bin, err = exec.LookPath(redisServer); err != nil {
			t.Skip("redis-server absent: apt-get install redis-server")
		}
	}
	// On loopback, where Redis accepts clients without a password
	// (protected mode); the test's namespace keeps it to this test.
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(probe.Addr().(*net.TCPAddr).Port)
	probe.Close()
	addr := net.JoinHostPort("127.0.0.1", port)
	run(t, "redis-server", exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no"), func() error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(time.Second))
		if _, err := c.Write([]byte("PING\r\n")); err != nil {
			return err
		}
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "+PONG") {
			return fmt.Errorf("PING answered %q, %v", line, err)
		}
		return nil
	})
	return addr
}

// cluster is two LiveKit nodes on one Redis: a (region a) is media.url,
// the address the control plane gives clients and calls RoomService on;
// b (region b) is the other node a load balancer in front of the cluster
// may send a client to.
type cluster struct{ a, b string }

func startCluster(t *testing.T, hookURL string) cluster {
	t.Helper()
	redis := startRedis(t)
	return cluster{a: startLiveKitNode(t, lkNode{hook: hookURL, redis: redis, region: "a"}),
		b: startLiveKitNode(t, lkNode{hook: hookURL, redis: redis, region: "b"})}
}

// joinVia asks the control plane for u's join token (path: the room's
// join endpoint) and connects with it through node, as a load balancer in
// front of the cluster would send her there; it returns the room and the
// token.
func (u *user) joinVia(t *testing.T, path, node string, cb *lksdk.RoomCallback) (*lksdk.Room, string) {
	t.Helper()
	status, body := u.do(t, "POST", path, "")
	if status != 200 {
		t.Fatalf("%s: join token: %d %s", u.m.Email, status, body)
	}
	var jt struct{ URL, Token string }
	json.Unmarshal([]byte(body), &jt)
	if cb == nil {
		cb = &lksdk.RoomCallback{}
	}
	room, err := lksdk.ConnectToRoomWithToken(node, jt.Token, cb)
	if err != nil {
		t.Fatalf("%s: connecting through %s: %v", u.m.Email, node, err)
	}
	t.Cleanup(room.Disconnect)
	return room, jt.Token
}

// hostedIn reports "" when room runs on the node of region (the join
// response names the node that hosts the room, whichever node the client
// connected to).
func hostedIn(room *lksdk.Room, region string) string {
	if got := room.ServerInfo().GetRegion(); got != region {
		return fmt.Sprintf("%s is hosted in region %q, want %q", room.Name(), got, region)
	}
	return ""
}

// TestLiveKitClusterRoundtable runs a stage roundtable and a consultation
// on two LiveKit nodes sharing a Redis, with the control plane talking to
// one node only: the roundtable's room is hosted on the other node and
// the consultation's on the first, participants connect through both.
// Tokens carry each role's grants, the audience cannot publish until
// promoted, the control plane's mute and removal reach people on the far
// node, a removed person's old token opens the room through neither node,
// and the nodes' webhooks tell the control plane who is in which room
// (how many only to those who take part), who came, and that the
// roundtable's room finished.
func TestLiveKitClusterRoundtable(t *testing.T) {
	var lk cluster
	cp := liveKitControlPlane(t, func(hook string) string { lk = startCluster(t, hook); return lk.a })
	mod := cp.user(t, "mod@z.test", rooms.RoleOperator, true)
	aki, ben := cp.user(t, "aki@a.test", rooms.RoleMember, false), cp.user(t, "ben@b.test", rooms.RoleMember, false)
	rt := cp.roundtable(t, mod, "stage", false, aki, ben)
	started(t, cp.store, rooms.RoundtableID(rt))
	join := "/api/v1/roundtables/" + rt + "/join"

	modRec := newRecorder()
	modRoom, _ := mod.joinVia(t, join, lk.b, modRec.callback()) // the room starts on node b
	akiRoom, _ := aki.joinVia(t, join, lk.a, nil)
	var benGone atomic.Value
	benRoom, benHeld := ben.joinVia(t, join, lk.b, &lksdk.RoomCallback{OnDisconnectedWithReason: func(r lksdk.DisconnectionReason) { benGone.Store(r) }})
	for _, r := range []*lksdk.Room{modRoom, akiRoom, benRoom} {
		if msg := hostedIn(r, "b"); msg != "" {
			t.Fatal(msg)
		}
	}
	if !modRoom.LocalParticipant.Permissions().GetCanPublish() || akiRoom.LocalParticipant.Permissions().GetCanPublish() {
		t.Fatalf("grants by role: moderator %+v, audience %+v", modRoom.LocalParticipant.Permissions(), akiRoom.LocalParticipant.Permissions())
	}
	if _, err := akiRoom.LocalParticipant.PublishTrack(opusTrack(t), &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err == nil {
		t.Fatal("an audience member published")
	}
	waitFor(t, 15*time.Second, func() string { return inRoom(t, aki, rt, 3, true) })
	// Someone who takes no part (an HR admin, a member who did not
	// register) sees that it is live, not how many come and go.
	if msg := inRoom(t, cp.user(t, "dai@d.test", rooms.RoleMember, false), rt, 0, true); msg != "" {
		t.Error("a member who did not register: " + msg)
	}
	waitFor(t, 10*time.Second, func() string { return attended(t, cp.store, rt, aki, ben) })

	clusterModeration(t, mod, aki, rt, akiRoom, modRoom, modRec)
	clusterRemoval(t, mod, ben, rt, &benGone, benHeld, lk)
	clusterConsultation(t, cp, lk, aki)
	modRoom.Disconnect()
	akiRoom.Disconnect()
	// Everyone left: the node closes the room and its room_finished ends
	// the roundtable that had started.
	waitFor(t, 30*time.Second, func() string {
		var v struct {
			Ended   bool `json:"ended"`
			LiveNow bool `json:"live_now"`
		}
		if msg := getJSON(t, aki, "/api/v1/roundtables/"+rt, &v); msg != "" {
			return msg
		}
		if !v.Ended || v.LiveNow {
			return fmt.Sprintf("after everyone left: ended %v, live now %v", v.Ended, v.LiveNow)
		}
		return ""
	})
}

// clusterModeration promotes aki (connected to node a, her room on node
// b), who then publishes to the moderator, and mutes her.
func clusterModeration(t *testing.T, mod, aki *user, rt string, akiRoom, modRoom *lksdk.Room, modRec *recorder) {
	t.Helper()
	id := string(aki.m.ID)
	if s := mod.moderate(t, rt, `{"action":"promote","identity":"`+id+`"}`); s != 200 {
		t.Fatalf("promote: %d", s)
	}
	waitFor(t, 10*time.Second, func() string {
		if !akiRoom.LocalParticipant.Permissions().GetCanPublish() {
			return "the promoted member may not publish yet"
		}
		return ""
	})
	pub := publishMic(t, akiRoom)
	waitFor(t, 15*time.Second, receives(modRec, pub.SID()))
	if s := mod.moderate(t, rt, `{"action":"mute","identity":"`+id+`","source":"microphone"}`); s != 200 {
		t.Fatalf("mute: %d", s)
	}
	waitFor(t, 10*time.Second, func() string {
		if rp := modRoom.GetParticipantByIdentity(id); rp == nil || len(rp.TrackPublications()) == 0 || !rp.TrackPublications()[0].IsMuted() {
			return "the moderator does not see the member's microphone muted"
		}
		return ""
	})
}

// clusterRemoval removes ben (connected to node b) through the control
// plane, which talks to node a; the token he held opens the room through
// neither node.
func clusterRemoval(t *testing.T, mod, ben *user, rt string, gone *atomic.Value, held string, lk cluster) {
	t.Helper()
	if s := mod.moderate(t, rt, `{"action":"remove","identity":"`+string(ben.m.ID)+`"}`); s != 200 {
		t.Fatalf("remove: %d", s)
	}
	waitFor(t, 10*time.Second, func() string {
		if r, _ := gone.Load().(lksdk.DisconnectionReason); r != lksdk.ParticipantRemoved {
			return fmt.Sprintf("the removed member is still connected (reason %q)", r)
		}
		return ""
	})
	for _, node := range []string{lk.a, lk.b} {
		if msg := keptOut(t, node, held); msg != "" {
			t.Errorf("removed member through %s: %s", node, msg)
		}
	}
}

// clusterConsultation books aki a consultation with chie under way now;
// aki's room starts on node a, chie comes through node b, and the
// webhooks record that both came and that chie is in the room.
func clusterConsultation(t *testing.T, cp *controlPlane, lk cluster, aki *user) {
	t.Helper()
	chie := cp.user(t, "chie@c.test", rooms.RoleMember, false)
	now := time.Now().UTC()
	cs := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: aki.m.ID, RecipientID: chie.m.ID,
		RequesterCompany: aki.m.CompanyID, RecipientCompany: chie.m.CompanyID, Mode: rooms.ModeOnline, Status: rooms.StatusBooked,
		Booked: &rooms.Slot{Start: now.Truncate(time.Minute).Add(-time.Minute), Minutes: 30}, CreatedAt: now, UpdatedAt: now}
	if err := cp.store.CreateConsultation(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
	join := "/api/v1/consultations/" + string(cs.ID) + "/join"
	akiRoom, _ := aki.joinVia(t, join, lk.a, nil)
	chieRoom, _ := chie.joinVia(t, join, lk.b, nil)
	for _, r := range []*lksdk.Room{akiRoom, chieRoom} {
		if msg := hostedIn(r, "a"); msg != "" {
			t.Fatal(msg)
		}
	}
	waitFor(t, 15*time.Second, func() string {
		var v struct {
			PeerJoined bool `json:"peer_joined"`
			PeerInRoom bool `json:"peer_in_room"`
			LiveNow    bool `json:"live_now"`
		}
		if msg := getJSON(t, aki, "/api/v1/consultations/"+string(cs.ID), &v); msg != "" {
			return msg
		}
		if !v.PeerJoined || !v.PeerInRoom || !v.LiveNow {
			return fmt.Sprintf("aki's view of the consultation: %+v", v)
		}
		got, err := cp.store.GetConsultation(context.Background(), cs.ID)
		if err != nil || !slices.Contains(got.Joined, aki.m.ID) {
			return fmt.Sprintf("aki's coming is not recorded: %v", err)
		}
		return ""
	})
}

// started moves a roundtable's start a minute into the past, as if it
// had begun, so that its room finishing ends it.
func started(t *testing.T, s rooms.Store, id rooms.RoundtableID) {
	t.Helper()
	r, err := s.GetRoundtable(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	r.Start = time.Now().UTC().Truncate(time.Minute).Add(-time.Minute)
	if _, err := s.UpdateRoundtable(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// getJSON reads path as u into v; it reports a failure as a message.
func getJSON(t *testing.T, u *user, path string, v any) string {
	t.Helper()
	status, body := u.do(t, "GET", path, "")
	if status != 200 {
		return fmt.Sprintf("GET %s: %d %s", path, status, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return fmt.Sprintf("GET %s: %v", path, err)
	}
	return ""
}

// inRoom reports "" once u sees n people in roundtable rt's video room,
// live now or not.
func inRoom(t *testing.T, u *user, rt string, n int, live bool) string {
	var v struct {
		InRoom  int  `json:"in_room"`
		LiveNow bool `json:"live_now"`
	}
	if msg := getJSON(t, u, "/api/v1/roundtables/"+rt, &v); msg != "" {
		return msg
	}
	if v.InRoom != n || v.LiveNow != live {
		return fmt.Sprintf("the roundtable shows %d in its room (live now %v), want %d (%v)", v.InRoom, v.LiveNow, n, live)
	}
	return ""
}

// attended reports "" once exactly who is recorded as having come to
// roundtable rt (its moderators are not its attendance).
func attended(t *testing.T, s rooms.Store, rt string, who ...*user) string {
	claims, err := s.ListClaims(context.Background(), rooms.AttendancePrefix(rooms.RoundtableID(rt)), time.Now().Add(time.Hour))
	if err != nil {
		return err.Error()
	}
	var got, want []string
	for _, c := range claims {
		if m, ok := rooms.AttendeeOf(rooms.RoundtableID(rt), c.Key); ok {
			got = append(got, string(m))
		}
	}
	for _, u := range who {
		want = append(want, string(u.m.ID))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Sprintf("attendance recorded %v, want %v", got, want)
	}
	return ""
}
