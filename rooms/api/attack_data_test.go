package api_test

// Attacks on what people put into the platform: photos, roundtable
// people, consultation requests, company figures and free text. One test
// per hole; each failed before its defence existed.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// TestAttackPhoto16BitBomb: a 2 MB PNG of 6324×6324 at 16 bits per
// channel passed the 40-megapixel check and decoded to 320 MB. It is now
// refused from its header, before anything is decoded.
func TestAttackPhoto16BitBomb(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	var small bytes.Buffer // an ordinary 16-bit file, as image/png writes it
	if err := png.Encode(&small, image.NewNRGBA64(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	slow := &http.Client{Jar: w.memberA.c.Jar, Timeout: 3 * time.Minute} // decoding it took a minute under the race detector
	for _, tc := range []struct {
		name string
		body []byte
	}{{"6324² 16-bit bomb", zeroPNG(6324, 6324, 16, 6, 8)}, {"small 16-bit", small.Bytes()}} {
		var r response
		grew := peakHeapGrowth(t, func() {
			r = do(t, slow, "PUT", e.srv.URL+"/api/v1/me/photo", "image/png", string(tc.body), "X-CSRF-Token", w.memberA.csrf)
		})
		if r.status != 422 {
			t.Errorf("%s: = %d, want 422 (heap grew by %d MB)", tc.name, r.status, grew>>20)
		} else if code, field := r.errorCode(t); code != "unsupported_color_depth" || field != "photo" {
			t.Errorf("%s: = %s/%s, want unsupported_color_depth/photo", tc.name, code, field)
		}
		if grew > 64<<20 {
			t.Errorf("%s: the heap grew by %d MB while refusing it", tc.name, grew>>20)
		}
	}
	if r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/members/"+string(w.memberA.m.ID)+"/photo", ""); r.status != 404 {
		t.Errorf("a refused upload stored a photo: %d", r.status)
	}
}

// TestAttackPhotoConcurrentDecodes: decodes ran without a bound, so a few
// large uploads at once took the server past a gigabyte. Eight 16-MP
// uploads at once now hold at most two decodes in memory; the others wait
// their turn or are told to come back (503 photo_busy).
func TestAttackPhotoConcurrentDecodes(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	body := string(zeroPNG(4000, 4000, 8, 6, 4))                         // 64 MB decoded, 97 MB with the scaling
	slow := &http.Client{Jar: w.memberA.c.Jar, Timeout: 3 * time.Minute} // decoding is slow under the race detector
	var mu sync.Mutex
	statuses := map[string]int{}
	grew := peakHeapGrowth(t, func() {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				req, _ := http.NewRequest("PUT", e.srv.URL+"/api/v1/me/photo", strings.NewReader(body))
				req.Header.Set("Content-Type", "image/png")
				req.Header.Set("X-CSRF-Token", w.memberA.csrf)
				res, err := slow.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				key := strconv.Itoa(res.StatusCode)
				if res.StatusCode != 204 && (res.StatusCode != 503 || !bytes.Contains(b, []byte(`"photo_busy"`)) || res.Header.Get("Retry-After") == "") {
					t.Errorf("upload = %d %s, want 204 or 503 photo_busy with Retry-After", res.StatusCode, b)
				}
				mu.Lock()
				statuses[key]++
				mu.Unlock()
			})
		}
		wg.Wait()
	})
	t.Logf("outcomes %v, peak heap growth %d MB", statuses, grew>>20)
	if statuses["204"] == 0 {
		t.Errorf("no upload went through: %v", statuses)
	}
	// Eight decodes at once need more than 500 MB; two need about 200.
	if grew > 350<<20 {
		t.Errorf("the heap grew by %d MB with eight uploads at once", grew>>20)
	}
}

// peakHeapGrowth runs f and returns how far the live heap rose above its
// level before f, sampled every millisecond with the collector kept eager
// (10%) so garbage does not pass for live memory.
func peakHeapGrowth(t *testing.T, f func()) uint64 {
	t.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	done, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	<-sampled
	return peak - base
}

// zeroPNG writes a valid PNG of w×h black pixels (depth bits, colour
// type ct, bpp bytes per pixel) whose pixel data is a hand-made deflate
// stream of zeros: what an attacker sends, megabytes that decode to
// hundreds, made without the test holding the image itself.
func zeroPNG(w, h int, depth, ct byte, bpp int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		out.Write(binary.BigEndian.AppendUint32(nil, uint32(len(data))))
		out.WriteString(typ)
		out.Write(data)
		out.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(append([]byte(typ), data...))))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(w)), uint32(h))
	chunk("IHDR", append(ihdr, depth, ct, 0, 0, 0))
	chunk("IDAT", zeroZlib(int64(h)*int64(1+w*bpp))) // a filter byte and the pixels, per row
	chunk("IEND", nil)
	return out.Bytes()
}

// zeroZlib is a zlib stream of n zero bytes: one literal, then copies of
// 258 bytes at distance 1 in a fixed-Huffman block (13 bits each).
func zeroZlib(n int64) []byte {
	w := &bitWriter{buf: []byte{0x78, 0x01}}
	w.bits(1, 1) // final block
	w.bits(1, 2) // fixed Huffman codes
	w.code(0x30, 8)
	left := n - 1
	for ; left >= 258; left -= 258 {
		w.code(0xc5, 8) // length 258 (symbol 285)
		w.code(0, 5)    // distance 1
	}
	for ; left > 0; left-- {
		w.code(0x30, 8) // literal 0
	}
	w.code(0, 7) // end of block
	w.bits(0, (8-w.nacc)%8)
	return binary.BigEndian.AppendUint32(w.buf, uint32(n%65521)<<16|1) // Adler-32 of zeros
}

// bitWriter packs deflate's bits, least significant first.
type bitWriter struct {
	buf  []byte
	acc  uint64
	nacc uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.nacc
	for w.nacc += n; w.nacc >= 8; w.nacc -= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
	}
}

// code writes a Huffman code, which deflate stores most significant bit first.
func (w *bitWriter) code(v uint64, n uint) {
	var r uint64
	for i := range n {
		r |= (v >> i & 1) << (n - 1 - i)
	}
	w.bits(r, n)
}

// addRole stores an account of role (no company for guests and operators).
func (e *env) addRole(t *testing.T, role rooms.Role, email string) *rooms.Member {
	t.Helper()
	m := &rooms.Member{ID: rooms.NewMemberID(), Email: email, DisplayName: "Test " + email, Role: role}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateMember(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// idList is a JSON array of the ids.
func idList(ids ...rooms.MemberID) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// TestAttackRoundtableSpeakersAreGuestSpeakers: a trained moderator named
// a member of another company and an HR admin as "speakers", putting
// their profiles before everyone and giving the admin a stage. Only
// guest speakers are speakers now.
func TestAttackRoundtableSpeakersAreGuestSpeakers(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.makeModerator(t, w.memberA)
	mod := w.memberA.m.ID
	for name, who := range map[string]rooms.MemberID{"member of another company": w.memberB.m.ID, "HR admin": w.adminA.m.ID, "operator": w.operator.m.ID} {
		r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/roundtables", roundtableBody(48, 10, "stage", mod, `,"speakers":`+idList(who)))
		if code, field := r.errorCode(t); r.status != 422 || code != "not_a_guest_speaker" || field != "speakers[0]" {
			t.Errorf("%s as speaker: = %d %s/%s, want 422 not_a_guest_speaker/speakers[0]", name, r.status, code, field)
		}
	}
	rt := e.createRoundtable(t, w.memberA, roundtableBody(48, 10, "stage", mod, `,"speakers":`+idList(w.guest.m.ID)))
	url := e.srv.URL + "/api/v1/roundtables/" + rt.ID
	body := strings.Replace(roundtableBody(48, 10, "stage", mod, `,"speakers":`+idList(w.guest.m.ID, w.adminB.m.ID)), "{", fmt.Sprintf(`{"version":%d,`, rt.Version), 1)
	if r := w.memberA.do(t, "PUT", url, body); r.status != 422 || !strings.Contains(string(r.body), `"speakers[1]"`) {
		t.Errorf("adding an HR admin by an edit = %d %s, want 422 on speakers[1]", r.status, r.body)
	}
	var list struct{ Roundtables []json.RawMessage }
	json.Unmarshal(w.operator.do(t, "GET", e.srv.URL+"/api/v1/roundtables", "").body, &list)
	if len(list.Roundtables) != 1 || strings.Contains(string(list.Roundtables[0]), string(w.adminB.m.ID)) {
		t.Errorf("refused requests left roundtables or speakers behind: %s", list.Roundtables)
	}
}

// TestAttackRoundtablePeopleListsRepeatAndSize: 20,000 copies of one id
// made every roundtable list take seconds. Moderators and speakers are
// now at most five each, each named once.
func TestAttackRoundtablePeopleListsRepeatAndSize(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	op, guest := w.operator.m.ID, w.guest.m.ID
	var guests, operators []rooms.MemberID
	for i := range 6 {
		guests = append(guests, e.addRole(t, rooms.RoleGuestSpeaker, fmt.Sprintf("guest%d@outside.test", i)).ID)
		operators = append(operators, e.addRole(t, rooms.RoleOperator, fmt.Sprintf("op%d@zadankai.test", i)).ID)
	}
	body := func(mods, speakers []rooms.MemberID) string {
		return strings.Replace(roundtableBody(48, 10, "stage", op, `,"speakers":`+idList(speakers...)), idList(op), idList(mods...), 1)
	}
	cases := []struct {
		name, body, code, field string
	}{
		{"a speaker twice", body([]rooms.MemberID{op}, []rooms.MemberID{guest, guest}), "duplicate", "speakers[1]"},
		{"six speakers", body([]rooms.MemberID{op}, guests), "too_many", "speakers"},
		{"a moderator twice", body([]rooms.MemberID{op, operators[0], op}, nil), "duplicate", "moderators[2]"},
		{"six moderators", body(operators, nil), "too_many", "moderators"},
	}
	for _, tc := range cases {
		r := w.operator.do(t, "POST", e.srv.URL+"/api/v1/roundtables", tc.body)
		if code, field := r.errorCode(t); r.status != 422 || code != tc.code || field != tc.field {
			t.Errorf("%s: = %d %s/%s, want 422 %s/%s", tc.name, r.status, code, field, tc.code, tc.field)
		}
	}
	e.createRoundtable(t, w.operator, body(operators[:5], guests[:5])) // five of each is fine
}

// TestAttackRoundtableStageOnlyForGuestSpeakers: an HR admin named as a
// speaker before roles were checked got a publishing token. Such a stale
// entry opens no stage.
func TestAttackRoundtableStageOnlyForGuestSpeakers(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	r := &rooms.Roundtable{ID: rooms.NewRoundtableID(), Title: "古い登録", Axis: rooms.AxisCareer, Themes: []string{},
		Start: time.Now().Add(5 * time.Minute), Minutes: 60, TimeZone: "Asia/Tokyo", Format: rooms.FormatOnline, Capacity: 10,
		Talk: rooms.TalkStage, Moderators: []rooms.MemberID{w.operator.m.ID}, Speakers: []rooms.MemberID{w.adminA.m.ID, w.guest.m.ID},
		ExcludedCompanies: []rooms.CompanyID{}, CreatedBy: w.operator.m.ID}
	if err := e.store.CreateRoundtable(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	url := e.srv.URL + "/api/v1/roundtables/" + string(r.ID) + "/join"
	if res := w.adminA.do(t, "POST", url, ""); res.status != 403 || strings.Contains(string(res.body), "token") {
		t.Errorf("HR admin listed as speaker: join = %d %s, want 403 and no token", res.status, res.body)
	}
	if res := w.guest.do(t, "POST", url, ""); res.status != 200 || !strings.Contains(string(res.body), `"role":"speaker"`) {
		t.Errorf("the guest speaker's join = %d %s, want a speaker token", res.status, res.body)
	}
}

// openRequest makes member A ask member B for a consultation and returns
// its URL.
func (e *env) openRequest(t *testing.T, w *world) string {
	t.Helper()
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberA.m)
	e.alwaysAvailable(t, w.memberB.m)
	return e.srv.URL + "/api/v1/consultations/" + e.request(t, w.memberA, w.memberB.m, slotAt(30)).ID
}

// mailsTo counts the messages sent to m whose subject has words in it.
func (e *env) mailsTo(m *rooms.Member, words string) int {
	n := 0
	for _, s := range e.outbox.Messages() {
		if s.Email.To == m.Email && strings.Contains(s.Email.Subject, words) {
			n++
		}
	}
	return n
}

// TestAttackRescheduleNoteIsCapped: a reschedule stored a note of any
// length (900 KB), where a request's is capped at 500 characters.
func TestAttackRescheduleNoteIsCapped(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	url := e.openRequest(t, w)
	r := w.memberA.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(40)+`],"note":"`+strings.Repeat("あ", 501)+`"}`)
	if code, field := r.errorCode(t); r.status != 422 || code != "too_long" || field != "note" {
		t.Errorf("a 501-character note = %d %s/%s, want 422 too_long/note", r.status, code, field)
	}
	if cs := w.memberB.do(t, "GET", url, ""); !strings.Contains(string(cs.body), "育休復帰について") {
		t.Errorf("the refused reschedule changed the note: %s", cs.body)
	}
}

// TestAttackRescheduleCountsAgainstTheRequestLimit: 30 reschedules sent
// 30 emails, past the limit of 20 requests a day. A reschedule is a
// proposal like a request and counts against the same limit.
func TestAttackRescheduleCountsAgainstTheRequestLimit(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	url := e.openRequest(t, w) // the first of the day's 20
	for i := range 19 {
		if r := w.memberA.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(31+i)+`]}`); r.status != 200 {
			t.Fatalf("reschedule %d = %d %s", i+1, r.status, r.body)
		}
	}
	r := w.memberA.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(60)+`]}`)
	if code, _ := r.errorCode(t); r.status != 429 || code != "rate_limited" {
		t.Errorf("the 21st proposal of the day = %d %s, want 429 rate_limited", r.status, r.body)
	}
	if n := e.mailsTo(w.memberB.m, "日程変更"); n != 19 {
		t.Errorf("%d reschedule emails reached the peer, want 19", n)
	}
}

// TestAttackRescheduleAfterABlock: a blocked person could still propose
// new times and email the person who blocked her. A block either way now
// stops reschedules as it stops requests, without naming the block.
func TestAttackRescheduleAfterABlock(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	url := e.openRequest(t, w)
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/blocks", `{"member_id":"`+string(w.memberA.m.ID)+`"}`); r.status != 204 {
		t.Fatalf("block = %d %s", r.status, r.body)
	}
	before := len(e.outbox.Messages())
	for _, who := range []*actor{w.memberA, w.memberB} { // the blocked one and the one who blocked
		r := who.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(40)+`]}`)
		if code, _ := r.errorCode(t); r.status != 403 || code != "peer_unavailable" || strings.Contains(string(r.body), "block") {
			t.Errorf("%s rescheduling across a block = %d %s, want 403 peer_unavailable", who.m.Email, r.status, r.body)
		}
	}
	if n := len(e.outbox.Messages()) - before; n != 0 {
		t.Errorf("%d emails went out across the block", n)
	}
	if cs := parseConsultation(t, w.memberB.do(t, "GET", url, "")); !cs.AwaitingMe || cs.Status != "requested" {
		t.Errorf("the refused reschedules changed the request: %+v", cs)
	}
}

// heldWith stores a consultation of a with b that ended an hour ago.
func (e *env) heldWith(t *testing.T, a *rooms.Member, b *rooms.Member) *rooms.Consultation {
	t.Helper()
	slot := rooms.Slot{Start: time.Now().Add(-90 * time.Minute), Minutes: 30}
	cs := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: a.ID, RecipientID: b.ID, RequesterCompany: a.CompanyID,
		RecipientCompany: b.CompanyID, Mode: rooms.ModeOnline, Status: rooms.StatusBooked, Proposed: []rooms.Slot{slot}, Booked: &slot,
		NoShows: []rooms.MemberID{}}
	if err := e.store.CreateConsultation(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

// rate stores a's rating of cs.
func (e *env) rate(t *testing.T, a *rooms.Member, cs *rooms.Consultation, rating int) {
	t.Helper()
	f := &rooms.Feedback{ConsultationID: cs.ID, AuthorID: a.ID, AuthorCompany: a.CompanyID, Rating: rating, Tags: []string{}}
	if err := e.store.CreateFeedback(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

// TestAttackHRStatsHideTheMonthUnderWay: company figures were live, so an
// admin who read them before and after one person's feedback could work
// out her rating from the difference. The month under way is not shown.
func TestAttackHRStatsHideTheMonthUnderWay(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	for i, rating := range []int{5, 4, 4, 3, 3} {
		m := e.addMemberIn(t, w.coA.ID, fmt.Sprintf("rater%d@alpha.test", i))
		e.rate(t, m, e.heldWith(t, m, w.memberB.m), rating)
	}
	url := e.srv.URL + "/api/v1/companies/" + string(w.coA.ID) + "/stats?months=24"
	before := w.adminA.do(t, "GET", url, "")
	sixth := e.extraMember(t, w.coA.ID, "sixth@alpha.test")
	cs := e.heldWith(t, sixth.m, w.memberB.m)
	if r := sixth.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+string(cs.ID)+"/feedback", `{"rating":3}`); r.status != 201 {
		t.Fatalf("feedback = %d %s", r.status, r.body)
	}
	after := w.adminA.do(t, "GET", url, "")
	if before.status != 200 || !bytes.Equal(before.body, after.body) {
		t.Errorf("one person's rating changed what her company's admin reads:\nbefore %s\nafter  %s", before.body, after.body)
	}
	if month := time.Now().In(mustZone(t, "Asia/Tokyo")).Format("2006-01"); bytes.Contains(after.body, []byte(month)) {
		t.Errorf("the month under way (%s) is shown: %s", month, after.body)
	}
}

// TestAttackHRStatsClosedMonthIsFinal: a cancellation or a rating made
// after a month changed that month's figures (a consultation counted in
// the month it was requested, with its status of today). A closed month
// is published once, rounded (3.7, not 3.6666666666666665), and stays.
func TestAttackHRStatsClosedMonthIsFinal(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	var raters []*rooms.Member
	for i, rating := range []int{5, 4, 4, 3, 3, 3} {
		m := e.addMemberIn(t, w.coA.ID, fmt.Sprintf("rater%d@alpha.test", i))
		e.rate(t, m, e.heldWith(t, m, w.memberB.m), rating)
		raters = append(raters, m)
	}
	// Four cancellations this month (recorded when they were stored), and
	// a fifth booking still open.
	for _, m := range raters[:4] {
		cs := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: m.ID, RecipientID: w.memberB.m.ID, RequesterCompany: w.coA.ID,
			RecipientCompany: w.coB.ID, Mode: rooms.ModeOnline, Status: rooms.StatusCancelled, CancelledBy: m.ID,
			NoShows: []rooms.MemberID{}}
		if err := e.store.CreateConsultation(context.Background(), cs); err != nil {
			t.Fatal(err)
		}
	}
	fifth := e.extraMember(t, w.coA.ID, "fifth@alpha.test")
	slot := rooms.Slot{Start: time.Now().AddDate(0, 0, 45).Truncate(time.Hour), Minutes: 30}
	open := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: fifth.m.ID, RecipientID: w.memberB.m.ID, RequesterCompany: w.coA.ID,
		RecipientCompany: w.coB.ID, Mode: rooms.ModeOnline, Status: rooms.StatusBooked, Proposed: []rooms.Slot{slot}, Booked: &slot, NoShows: []rooms.MemberID{}}
	if err := e.store.CreateConsultation(context.Background(), open); err != nil {
		t.Fatal(err)
	}
	// The API's clock moves to the next month: this one is closed (and
	// the sessions of this month have expired).
	now := time.Now().In(mustZone(t, "Asia/Tokyo"))
	next := time.Date(now.Year(), now.Month()+1, 2, 0, 0, 0, 0, now.Location())
	e.skew.Store(int64(next.Sub(time.Now())))
	admin, fifth := e.login(t, w.adminA.m, "password-123"), e.login(t, fifth.m, "password-123")
	url := e.srv.URL + "/api/v1/companies/" + string(w.coA.ID) + "/stats?months=1"
	before := admin.do(t, "GET", url, "")
	if !bytes.Contains(before.body, []byte(`"month":"`+now.Format("2006-01")+`"`)) || !bytes.Contains(before.body, []byte(`"average_rating":{"value":3.7,`)) {
		t.Errorf("the closed month's figures, average to one decimal: %s", before.body)
	}
	if r := fifth.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+string(open.ID)+"/cancel", `{}`); r.status != 200 {
		t.Fatalf("cancel = %d %s", r.status, r.body)
	}
	if after := admin.do(t, "GET", url, ""); !bytes.Equal(before.body, after.body) {
		t.Errorf("a cancellation after the month changed its figures:\nbefore %s\nafter  %s", before.body, after.body)
	}
	// Even a record of that month changed afterwards (a repair, a deleted
	// account) leaves the published figures alone.
	late := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: raters[5].ID, RecipientID: w.memberB.m.ID, RequesterCompany: w.coA.ID,
		RecipientCompany: w.coB.ID, Mode: rooms.ModeOnline, Status: rooms.StatusCancelled, CancelledBy: raters[5].ID,
		NoShows: []rooms.MemberID{}}
	if err := e.store.CreateConsultation(context.Background(), late); err != nil {
		t.Fatal(err)
	}
	if after := admin.do(t, "GET", url, ""); !bytes.Equal(before.body, after.body) {
		t.Errorf("a late record changed a published month:\nbefore %s\nafter  %s", before.body, after.body)
	}
}

// TestAttackFreeTextAndListsAreCapped: every free-text field and list a
// member or organiser sends about consultations, roundtables, feedback
// and profiles has a cap, refused with 422, the code and the field, and
// nothing stored. These were accepted before (the rest of the inventory
// was capped already; see README "Security and privacy").
func TestAttackFreeTextAndListsAreCapped(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	op := w.operator.m.ID
	var companies []string
	for range 51 {
		companies = append(companies, string(rooms.NewCompanyID()))
	}
	many, _ := json.Marshal(companies)
	held := e.heldWith(t, w.memberA.m, w.memberB.m)
	url := e.openRequest(t, w)
	cases := []struct {
		name        string
		who         *actor
		method, url string
		body        string
		code, field string
	}{
		{"roundtable venue over 200 characters", w.operator, "POST", "/api/v1/roundtables",
			strings.Replace(roundtableBody(48, 10, "stage", op, `,"venue":"`+strings.Repeat("会", 201)+`"`), `"online"`, `"hybrid"`, 1), "too_long", "venue"},
		{"51 excluded companies", w.operator, "POST", "/api/v1/roundtables",
			roundtableBody(48, 10, "stage", op, `,"excluded_companies":`+string(many)), "too_many", "excluded_companies"},
		{"an excluded company twice", w.operator, "POST", "/api/v1/roundtables",
			roundtableBody(48, 10, "stage", op, `,"excluded_companies":["`+companies[0]+`","`+companies[0]+`"]`), "duplicate", "excluded_companies[1]"},
		{"a roundtable theme twice", w.operator, "POST", "/api/v1/roundtables",
			strings.Replace(roundtableBody(48, 10, "stage", op, ""), `["promotion"]`, `["promotion","promotion"]`, 1), "duplicate", "themes[1]"},
		{"a cancel reason over 500 characters", w.memberA, "POST", strings.TrimPrefix(url, e.srv.URL) + "/cancel",
			`{"reason":"` + strings.Repeat("x", 501) + `"}`, "too_long", "reason"},
		{"a feedback tag twice", w.memberA, "POST", "/api/v1/consultations/" + string(held.ID) + "/feedback",
			`{"rating":4,"tags":["helpful","helpful"]}`, "duplicate", "tags[1]"},
		{"six age bands", w.memberA, "PUT", "/api/v1/me/profile",
			`{"job_level":2,"work_style":{"hours":"part_time","remote":"remote"},"languages":["ja"],"capacity":1,"version":0,` +
				`"children":{"count":1,"age_bands":["0-2","0-2","0-2","0-2","0-2","0-2"]}}`, "too_many", "children.age_bands"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.who.do(t, tc.method, e.srv.URL+tc.url, tc.body)
			if code, field := r.errorCode(t); r.status != 422 || code != tc.code || field != tc.field {
				t.Errorf("= %d %s/%s, want 422 %s/%s", r.status, code, field, tc.code, tc.field)
			}
		})
	}
	var list struct{ Roundtables []json.RawMessage }
	json.Unmarshal(w.operator.do(t, "GET", e.srv.URL+"/api/v1/roundtables", "").body, &list)
	if len(list.Roundtables) != 0 {
		t.Errorf("refused roundtables were stored: %d", len(list.Roundtables))
	}
	if cs := parseConsultation(t, w.memberA.do(t, "GET", url, "")); cs.Status != "requested" {
		t.Errorf("the refused cancel cancelled: %+v", cs)
	}
	if r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/me/profile", ""); !strings.Contains(string(r.body), `"version":0`) {
		t.Errorf("the refused profile was saved: %s", r.body)
	}
}
