package api_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
)

// qaWorld is a small round in two hours that memberB moderates, with
// memberA and the author (a distinctive name, so that any leak of it is
// found) registered; outsider is a member who did not register.
type qaWorld struct {
	e                 *env
	w                 *world
	id                rooms.RoundtableID
	url               string
	author, outsider  *actor
	authorMarks       []string // what would name the author: id, email, name
	moderator, member *actor
}

func newQAWorld(t *testing.T) *qaWorld {
	t.Helper()
	e, w, id, url := roundtableIn2h(t)
	q := &qaWorld{e: e, w: w, id: id, url: url, moderator: w.memberB, member: w.memberA}
	q.author = e.namedMember(t, w.coA.ID, "asker@alpha.test", "匿名希望 質問子")
	q.outsider = e.namedMember(t, w.coB.ID, "outsider@beta.test", "Outside Person")
	for _, a := range []*actor{w.memberA, q.author} {
		if r := a.do(t, "POST", url+"/register", ""); r.status != 200 {
			t.Fatalf("register %s = %d %s", a.m.Email, r.status, r.body)
		}
	}
	q.authorMarks = []string{string(q.author.m.ID), q.author.m.Email, q.author.m.DisplayName, "質問子"}
	return q
}

// namedMember adds a logged-in member of co with a display name.
func (e *env) namedMember(t *testing.T, co rooms.CompanyID, email, name string) *actor {
	t.Helper()
	hash, _ := bcrypt.GenerateFromPassword([]byte("password-123"), bcrypt.MinCost)
	m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: co, Email: email, DisplayName: name, Role: rooms.RoleMember, PasswordHash: string(hash)}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateMember(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return e.login(t, m, "password-123")
}

type questionJSON struct {
	ID         string `json:"id"`
	Text       string `json:"text"`
	State      string `json:"state"`
	Votes      int    `json:"votes"`
	Voted      bool   `json:"voted"`
	Mine       bool   `json:"mine"`
	Anonymous  bool   `json:"anonymous"`
	AuthorName string `json:"author_name"`
}

// questions lists what a sees, in order.
func (q *qaWorld) questions(t *testing.T, a *actor) []questionJSON {
	t.Helper()
	r := a.do(t, "GET", q.url+"/questions", "")
	if r.status != 200 {
		t.Fatalf("%s lists questions = %d %s", a.m.Email, r.status, r.body)
	}
	q.noAuthor(t, "GET questions as "+a.m.Email, r.body)
	var out struct{ Questions []questionJSON }
	json.Unmarshal(r.body, &out)
	return out.Questions
}

// noAuthor fails if body names the author of the anonymous question.
func (q *qaWorld) noAuthor(t *testing.T, what string, body []byte) {
	t.Helper()
	for _, m := range q.authorMarks {
		if strings.Contains(string(body), m) {
			t.Errorf("%s names the anonymous author (%q): %s", what, m, body)
		}
	}
}

// ask posts a question as a and returns it.
func (q *qaWorld) ask(t *testing.T, a *actor, body string) questionJSON {
	t.Helper()
	r := a.do(t, "POST", q.url+"/questions", body)
	if r.status != 201 {
		t.Fatalf("%s asks = %d %s", a.m.Email, r.status, r.body)
	}
	var x questionJSON
	json.Unmarshal(r.body, &x)
	return x
}

func texts(list []questionJSON) []string {
	var out []string
	for _, x := range list {
		out = append(out, x.Text)
	}
	return out
}

// TestQuestionAuthorNeverShown: an anonymous question reaches the
// moderator and the other members without anything that names its author,
// in every response they can read about it (the list, votes, state
// changes, the moderation log); operators find her in the abuse view.
func TestQuestionAuthorNeverShown(t *testing.T) {
	q := newQAWorld(t)
	x := q.ask(t, q.author, `{"text":"  育休明けの評価はどう決まりましたか？  "}`)
	if !x.Anonymous || !x.Mine || x.AuthorName != "" || x.Text != "育休明けの評価はどう決まりましたか？" || x.State != "open" {
		t.Fatalf("asked = %+v; want anonymous by default, trimmed, hers, open", x)
	}
	for _, a := range []*actor{q.moderator, q.member} {
		list := q.questions(t, a)
		if len(list) != 1 || list[0].Mine || list[0].AuthorName != "" || !list[0].Anonymous {
			t.Errorf("%s sees %+v", a.m.Email, list)
		}
	}
	qurl := q.url + "/questions/" + x.ID
	for _, step := range []struct {
		a            *actor
		method, path string
		body         string
	}{
		{q.member, "POST", qurl + "/vote", ""},
		{q.moderator, "POST", qurl + "/vote", ""},
		{q.moderator, "POST", qurl + "/state", `{"state":"on_screen"}`},
		{q.moderator, "POST", qurl + "/state", `{"state":"answered"}`},
		{q.moderator, "POST", qurl + "/state", `{"state":"hidden"}`},
		{q.moderator, "GET", q.url + "/audit", ""},
		{q.moderator, "GET", q.url, ""},
		{q.member, "DELETE", qurl + "/vote", ""}, // hidden now: not found for her
		{q.moderator, "GET", q.url + "/polls", ""},
	} {
		r := step.a.do(t, step.method, step.path, step.body)
		if r.status >= 500 {
			t.Fatalf("%s %s = %d", step.method, step.path, r.status)
		}
		q.noAuthor(t, step.method+" "+step.path+" as "+step.a.m.Email, r.body)
	}
	if r := q.moderator.do(t, "GET", q.url+"/question-authors", ""); r.status != 403 {
		t.Errorf("a moderator reads the abuse view: %d %s", r.status, r.body)
	}
	r := q.w.operator.do(t, "GET", q.url+"/question-authors", "")
	if r.status != 200 || !strings.Contains(string(r.body), string(q.author.m.ID)) || !strings.Contains(string(r.body), "匿名希望 質問子") {
		t.Errorf("the operators' abuse view = %d %s; want the author named", r.status, r.body)
	}
	// Asking under her own name is her choice, and then she is named.
	named := q.ask(t, q.w.memberA, `{"text":"名前を出して聞きます","anonymous":false}`)
	if named.Anonymous || named.AuthorName != q.w.memberA.m.DisplayName {
		t.Errorf("a named question = %+v", named)
	}
}

// TestQuestionRules: who may ask and read, limits with stable codes and
// fields, one vote each, the order by votes, hidden questions gone for
// members, one on screen at a time, audited changes, rate limits, and
// after the end only the answered ones.
func TestQuestionRules(t *testing.T) {
	q := newQAWorld(t)
	checkQuestionRefusals(t, q)
	first := q.ask(t, q.member, `{"text":"一つ目"}`)
	second := q.ask(t, q.author, `{"text":"二つ目"}`)
	third := q.ask(t, q.author, `{"text":"三つ目"}`)
	vote := func(a *actor, x questionJSON, method string) response {
		return a.do(t, method, q.url+"/questions/"+x.ID+"/vote", "")
	}
	for _, a := range []*actor{q.member, q.moderator} {
		if r := vote(a, second, "POST"); r.status != 200 {
			t.Fatalf("vote = %d %s", r.status, r.body)
		}
	}
	if r := vote(q.member, second, "POST"); r.status != 409 || code(t, r) != "already_voted" {
		t.Errorf("second vote = %d %s", r.status, r.body)
	}
	vote(q.author, third, "POST")
	if got := texts(q.questions(t, q.member)); strings.Join(got, ",") != "二つ目,三つ目,一つ目" {
		t.Errorf("order by votes = %v", got)
	}
	if r := vote(q.member, second, "DELETE"); r.status != 200 || !strings.Contains(string(r.body), `"votes":1`) {
		t.Errorf("unvote = %d %s", r.status, r.body)
	}
	state := func(a *actor, x questionJSON, s string) response {
		return a.do(t, "POST", q.url+"/questions/"+x.ID+"/state", `{"state":"`+s+`"}`)
	}
	if r := state(q.member, first, "hidden"); r.status != 403 {
		t.Errorf("a member hides a question: %d", r.status)
	}
	if r := state(q.moderator, first, "pinned"); r.status != 422 || code(t, r) != "unknown_value" {
		t.Errorf("unknown state = %d %s", r.status, r.body)
	}
	state(q.moderator, first, "on_screen")
	state(q.moderator, third, "on_screen")
	list := q.questions(t, q.member)
	if list[0].Text != "三つ目" || list[0].State != "on_screen" || stateOf(list, "一つ目") != "open" {
		t.Errorf("after a second question went on screen: %+v", list)
	}
	state(q.moderator, second, "hidden")
	if got := texts(q.questions(t, q.member)); strings.Contains(strings.Join(got, ","), "二つ目") {
		t.Errorf("a hidden question is still listed for members: %v", got)
	}
	if r := vote(q.author, second, "POST"); r.status != 404 {
		t.Errorf("vote for a hidden question = %d", r.status)
	}
	if stateOf(q.questions(t, q.moderator), "二つ目") != "hidden" {
		t.Errorf("the moderator no longer sees the hidden question")
	}
	checkQuestionAudit(t, q, 4)
	state(q.moderator, first, "answered")
	q.e.skew.Store(int64(3*time.Hour + time.Minute)) // past the end
	if got := texts(q.questions(t, q.member)); strings.Join(got, ",") != "一つ目" {
		t.Errorf("after the end a member sees %v; want only the answered one", got)
	}
	if r := q.member.do(t, "POST", q.url+"/questions", `{"text":"late"}`); r.status != 409 || code(t, r) != "wrong_state" {
		t.Errorf("asking after the end = %d %s", r.status, r.body)
	}
}

func stateOf(list []questionJSON, text string) string {
	for _, x := range list {
		if x.Text == text {
			return x.State
		}
	}
	return ""
}

func code(t *testing.T, r response) string {
	t.Helper()
	c, _ := r.errorCode(t)
	return c
}

// checkQuestionRefusals: people not taking part, bad input and a flood
// are refused with a stable code and field, and nothing is stored.
func checkQuestionRefusals(t *testing.T, q *qaWorld) {
	t.Helper()
	cases := []struct {
		name        string
		a           *actor
		body        string
		status      int
		code, field string
	}{
		{"not registered", q.outsider, `{"text":"hi"}`, 403, "not_a_participant", ""},
		{"company admin", q.w.adminA, `{"text":"hi"}`, 403, "not_a_participant", ""},
		{"empty", q.member, `{"text":"   "}`, 422, "required", "text"},
		{"too long", q.member, `{"text":"` + strings.Repeat("あ", 281) + `"}`, 422, "too_long", "text"},
		{"direction override", q.member, `{"text":"a\u202eb"}`, 422, "invalid_characters", "text"},
		{"unknown field", q.member, `{"text":"hi","author":"x"}`, 400, "unknown_field", "author"},
	}
	for _, tc := range cases {
		r := tc.a.do(t, "POST", q.url+"/questions", tc.body)
		c, f := r.errorCode(t)
		if r.status != tc.status || c != tc.code || f != tc.field {
			t.Errorf("%s: = %d %s/%s, want %d %s/%s", tc.name, r.status, c, f, tc.status, tc.code, tc.field)
		}
	}
	if r := q.outsider.do(t, "GET", q.url+"/questions", ""); r.status != 403 {
		t.Errorf("a member not taking part reads the questions: %d", r.status)
	}
	if r := q.outsider.do(t, "GET", q.url+"/polls", ""); r.status != 403 {
		t.Errorf("a member not taking part reads the polls: %d", r.status)
	}
	if r := q.w.operator.do(t, "GET", q.url+"/questions", ""); r.status != 200 || len(q.questions(t, q.moderator)) != 0 {
		t.Errorf("refused questions were stored, or operators cannot read: %d %s", r.status, r.body)
	}
	// A flood: five in ten minutes, then 429.
	flooder := q.e.namedMember(t, q.w.coB.ID, "flood@beta.test", "Flood")
	flooder.do(t, "POST", q.url+"/register", "")
	for i := range 5 {
		q.ask(t, flooder, `{"text":"flood `+strconv.Itoa(i)+`"}`)
	}
	r := flooder.do(t, "POST", q.url+"/questions", `{"text":"one more"}`)
	if r.status != 429 || code(t, r) != "rate_limited" || r.header.Get("Retry-After") == "" {
		t.Errorf("sixth question in ten minutes = %d %s", r.status, r.body)
	}
	for _, x := range q.questions(t, q.moderator) {
		q.moderator.do(t, "POST", q.url+"/questions/"+x.ID+"/state", `{"state":"hidden"}`) // out of the way of the rest of the test
	}
}

// checkQuestionAudit: each state change is in the moderation log, by the
// moderator, naming the question and nobody else.
func checkQuestionAudit(t *testing.T, q *qaWorld, want int) {
	t.Helper()
	r := q.moderator.do(t, "GET", q.url+"/audit", "")
	var out struct {
		Entries []struct {
			Action, Detail string
			ActorID        string `json:"actor_id"`
			TargetID       string `json:"target_id"`
		} `json:"entries"`
	}
	json.Unmarshal(r.body, &out)
	n := 0
	for _, e := range out.Entries {
		if strings.HasPrefix(e.Action, "question_") && e.Detail != "" {
			n++
			if e.ActorID != string(q.moderator.m.ID) || e.TargetID != "" {
				t.Errorf("audit entry %+v", e)
			}
		}
	}
	if n < want {
		t.Errorf("%d question entries in the moderation log, want at least %d: %s", n, want, r.body)
	}
}

type pollJSON struct {
	ID        string   `json:"id"`
	Question  string   `json:"question"`
	Choices   []string `json:"choices"`
	Multiple  bool     `json:"multiple"`
	Closed    bool     `json:"closed"`
	Counts    []int    `json:"counts"`
	Voters    int      `json:"voters"`
	MyChoices []int    `json:"my_choices"`
}

// TestPollRules: moderators open and close polls, everyone taking part
// answers once, and every view of the results (the room's, the
// operators') is counts only, naming nobody.
func TestPollRules(t *testing.T) {
	q := newQAWorld(t)
	polls := q.url + "/polls"
	checkPollRefusals(t, q)
	single := q.openPoll(t, `{"question":"復職は何か月後でしたか？","choices":["6か月","1年","それ以上"]}`)
	multi := q.openPoll(t, `{"question":"助かったものは？","choices":["保育園","家族","在宅勤務"],"multiple":true}`)
	ballot := func(a *actor, p pollJSON, body string) response { return a.do(t, "POST", polls+"/"+p.ID+"/vote", body) }
	badBallots := []struct{ body, code, field string }{
		{`{"choices":[]}`, "required", "choices"},
		{`{"choices":[0,1]}`, "too_many", "choices"},
		{`{"choices":[3]}`, "out_of_range", "choices[0]"},
	}
	for _, tc := range badBallots {
		r := ballot(q.member, single, tc.body)
		if c, f := r.errorCode(t); r.status != 422 || c != tc.code || f != tc.field {
			t.Errorf("ballot %s = %d %s/%s", tc.body, r.status, c, f)
		}
	}
	for _, a := range []*actor{q.member, q.author, q.moderator} {
		if r := ballot(a, single, `{"choices":[1]}`); r.status != 200 {
			t.Fatalf("%s votes = %d %s", a.m.Email, r.status, r.body)
		}
	}
	if r := ballot(q.member, single, `{"choices":[0]}`); r.status != 409 || code(t, r) != "already_voted" {
		t.Errorf("second ballot = %d %s", r.status, r.body)
	}
	if r := ballot(q.outsider, single, `{"choices":[0]}`); r.status != 403 {
		t.Errorf("an outsider votes: %d", r.status)
	}
	ballot(q.member, multi, `{"choices":[0,2]}`)
	ballot(q.author, multi, `{"choices":[2]}`)
	got := byID(q.pollsOf(t, q.member)) // both opened in the same millisecond, maybe: no order between them
	if m, s := got[multi.ID], got[single.ID]; len(got) != 2 || !slices.Equal(m.Counts, []int{1, 0, 2}) || m.Voters != 2 ||
		!slices.Equal(m.MyChoices, []int{0, 2}) || !slices.Equal(s.Counts, []int{0, 3, 0}) {
		t.Errorf("polls as the member sees them = %+v", got)
	}
	if r := q.member.do(t, "POST", polls+"/"+single.ID+"/close", ""); r.status != 403 {
		t.Errorf("a member closes a poll: %d", r.status)
	}
	if r := q.moderator.do(t, "POST", polls+"/"+single.ID+"/close", ""); r.status != 200 || !strings.Contains(string(r.body), `"closed":true`) {
		t.Errorf("close = %d %s", r.status, r.body)
	}
	late := q.e.namedMember(t, q.w.coB.ID, "late@beta.test", "Late")
	late.do(t, "POST", q.url+"/register", "")
	if r := ballot(late, single, `{"choices":[0]}`); r.status != 409 || code(t, r) != "wrong_state" {
		t.Errorf("a ballot on a closed poll = %d %s", r.status, r.body)
	}
	q.e.skew.Store(int64(3*time.Hour + time.Minute))
	if got := byID(q.pollsOf(t, q.author)); len(got) != 2 || !got[single.ID].Closed || got[single.ID].Voters != 3 {
		t.Errorf("after the end the polls stay with their counts: %+v", got)
	}
	checkOperatorPolls(t, q)
}

func byID(list []pollJSON) map[string]pollJSON {
	out := map[string]pollJSON{}
	for _, p := range list {
		out[p.ID] = p
	}
	return out
}

func (q *qaWorld) openPoll(t *testing.T, body string) pollJSON {
	t.Helper()
	r := q.moderator.do(t, "POST", q.url+"/polls", body)
	if r.status != 201 {
		t.Fatalf("open poll = %d %s", r.status, r.body)
	}
	var p pollJSON
	json.Unmarshal(r.body, &p)
	return p
}

// pollsOf lists the polls a sees, checking that the answer names nobody
// who voted.
func (q *qaWorld) pollsOf(t *testing.T, a *actor) []pollJSON {
	t.Helper()
	r := a.do(t, "GET", q.url+"/polls", "")
	if r.status != 200 {
		t.Fatalf("polls = %d %s", r.status, r.body)
	}
	q.noVoters(t, "polls as "+a.m.Email, r.body)
	var out struct{ Polls []pollJSON }
	json.Unmarshal(r.body, &out)
	return out.Polls
}

// noVoters fails if body names anyone who took part.
func (q *qaWorld) noVoters(t *testing.T, what string, body []byte) {
	t.Helper()
	for _, a := range []*actor{q.member, q.author, q.moderator} {
		for _, m := range []string{string(a.m.ID), a.m.Email} {
			if strings.Contains(string(body), m) {
				t.Errorf("%s names a voter (%s): %s", what, m, body)
			}
		}
	}
	if strings.Contains(string(body), "質問子") {
		t.Errorf("%s names a voter: %s", what, body)
	}
}

// checkOperatorPolls: operators see the polls across roundtables in the
// feedback view, as counts; nobody else does.
func checkOperatorPolls(t *testing.T, q *qaWorld) {
	t.Helper()
	r := q.w.operator.do(t, "GET", q.e.srv.URL+"/api/v1/feedback/polls?days=7", "")
	var out struct{ Polls []pollJSON }
	json.Unmarshal(r.body, &out)
	if r.status != 200 || len(out.Polls) != 2 || !strings.Contains(string(r.body), "管理職という選択") {
		t.Fatalf("operators' polls = %d %s", r.status, r.body)
	}
	q.noVoters(t, "operators' polls", r.body)
	if r := q.moderator.do(t, "GET", q.e.srv.URL+"/api/v1/feedback/polls", ""); r.status != 403 {
		t.Errorf("a moderator reads every roundtable's polls: %d", r.status)
	}
	if r := q.w.operator.do(t, "GET", q.e.srv.URL+"/api/v1/feedback/polls?days=0", ""); r.status != 400 || code(t, r) != "out_of_range" {
		t.Errorf("days=0 = %d %s", r.status, r.body)
	}
}

// TestQAResponsesMatchTheDocument checks the answers of the questions and
// polls endpoints against the schemas the OpenAPI document promises.
func TestQAResponsesMatchTheDocument(t *testing.T) {
	q := newQAWorld(t)
	var doc map[string]any
	json.Unmarshal(do(t, client(t), "GET", q.e.srv.URL+"/api/v1/openapi.json", "", "").body, &doc)
	check := func(a *actor, method, path, body, route string, status int) response {
		t.Helper()
		r := a.do(t, method, path, body)
		if r.status != status {
			t.Fatalf("%s %s = %d %s", method, path, r.status, r.body)
		}
		op := doc["paths"].(map[string]any)[route].(map[string]any)[strings.ToLower(method)].(map[string]any)
		content := op["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)["content"].(map[string]any)
		var v any
		json.Unmarshal(r.body, &v)
		if err := validate(doc, content["application/json"].(map[string]any)["schema"].(map[string]any), v, "$"); err != nil {
			t.Errorf("%s %s does not match the document: %v\n%s", method, route, err, r.body)
		}
		return r
	}
	base := "/api/v1/roundtables/{id}"
	var x questionJSON
	json.Unmarshal(check(q.author, "POST", q.url+"/questions", `{"text":"Q?"}`, base+"/questions", 201).body, &x)
	check(q.member, "POST", q.url+"/questions/"+x.ID+"/vote", "", base+"/questions/{qid}/vote", 200)
	check(q.member, "DELETE", q.url+"/questions/"+x.ID+"/vote", "", base+"/questions/{qid}/vote", 200)
	check(q.moderator, "POST", q.url+"/questions/"+x.ID+"/state", `{"state":"on_screen"}`, base+"/questions/{qid}/state", 200)
	check(q.member, "GET", q.url+"/questions", "", base+"/questions", 200)
	check(q.w.operator, "GET", q.url+"/question-authors", "", base+"/question-authors", 200)
	var p pollJSON
	json.Unmarshal(check(q.moderator, "POST", q.url+"/polls", `{"question":"P?","choices":["a","b"]}`, base+"/polls", 201).body, &p)
	check(q.member, "POST", q.url+"/polls/"+p.ID+"/vote", `{"choices":[1]}`, base+"/polls/{pid}/vote", 200)
	check(q.moderator, "POST", q.url+"/polls/"+p.ID+"/close", "", base+"/polls/{pid}/close", 200)
	check(q.member, "GET", q.url+"/polls", "", base+"/polls", 200)
	check(q.w.operator, "GET", q.e.srv.URL+"/api/v1/feedback/polls", "", "/api/v1/feedback/polls", 200)
}

// TestQuestionsClosedToRemovedAndCalledOff: someone a moderator removed
// can no longer ask or read, and a roundtable called off takes no more
// questions or votes.
func TestQuestionsClosedToRemovedAndCalledOff(t *testing.T) {
	q := newQAWorld(t)
	x := q.ask(t, q.member, `{"text":"before"}`)
	ctx := context.Background()
	r, err := q.e.store.GetRoundtable(ctx, q.id)
	if err != nil {
		t.Fatal(err)
	}
	r.Live.Removed = append(r.Live.Removed, q.author.m.ID)
	if _, err := q.e.store.UpdateRoundtable(ctx, r); err != nil {
		t.Fatal(err)
	}
	if r := q.author.do(t, "POST", q.url+"/questions", `{"text":"after removal"}`); r.status != 403 || code(t, r) != "not_a_participant" {
		t.Errorf("a removed member asks = %d %s", r.status, r.body)
	}
	if r := q.author.do(t, "GET", q.url+"/questions", ""); r.status != 403 {
		t.Errorf("a removed member reads the questions = %d", r.status)
	}
	if r := q.w.operator.do(t, "POST", q.url+"/cancel", ""); r.status != 204 {
		t.Fatalf("call off = %d %s", r.status, r.body)
	}
	if r := q.member.do(t, "POST", q.url+"/questions/"+x.ID+"/vote", ""); r.status != 409 || code(t, r) != "wrong_state" {
		t.Errorf("a vote after the roundtable was called off = %d %s", r.status, r.body)
	}
	if r := q.moderator.do(t, "POST", q.url+"/polls", `{"question":"Q","choices":["a","b"]}`); r.status != 409 || code(t, r) != "wrong_state" {
		t.Errorf("a poll after the roundtable was called off = %d %s", r.status, r.body)
	}
}

// checkPollRefusals: bad polls are refused with the code and the field,
// and members cannot open one.
func checkPollRefusals(t *testing.T, q *qaWorld) {
	t.Helper()
	polls := q.url + "/polls"
	bad := []struct {
		name, body, code, field string
	}{
		{"one choice", `{"question":"Q","choices":["a"]}`, "too_few", "choices"},
		{"seven choices", `{"question":"Q","choices":["1","2","3","4","5","6","7"]}`, "too_many", "choices"},
		{"same twice", `{"question":"Q","choices":["a","a"]}`, "duplicate", "choices[1]"},
		{"empty choice", `{"question":"Q","choices":["a"," "]}`, "required", "choices[1]"},
		{"no question", `{"question":"","choices":["a","b"]}`, "required", "question"},
		{"long choice", `{"question":"Q","choices":["a","` + strings.Repeat("x", 81) + `"]}`, "too_long", "choices[1]"},
	}
	for _, tc := range bad {
		r := q.moderator.do(t, "POST", polls, tc.body)
		if c, f := r.errorCode(t); r.status != 422 || c != tc.code || f != tc.field {
			t.Errorf("%s: = %d %s/%s, want 422 %s/%s", tc.name, r.status, c, f, tc.code, tc.field)
		}
	}
	if r := q.member.do(t, "POST", polls, `{"question":"Q","choices":["a","b"]}`); r.status != 403 {
		t.Errorf("a member opens a poll: %d", r.status)
	}
}

// Her data export holds the questions she asked, anonymous ones too, and
// nobody else's: another member's export does not list hers.
func TestExportHoldsHerQuestions(t *testing.T) {
	q := newQAWorld(t)
	q.ask(t, q.author, `{"text":"MY-ANONYMOUS-QUESTION"}`)
	q.ask(t, q.member, `{"text":"SOMEONE-ELSES-QUESTION","anonymous":false}`)
	r := q.author.do(t, "GET", q.e.srv.URL+"/api/v1/me/export", "")
	if r.status != 200 {
		t.Fatalf("export = %d %s", r.status, r.body)
	}
	var out struct {
		Questions []struct {
			RoundtableID string `json:"roundtable_id"`
			Text         string `json:"text"`
			Anonymous    bool   `json:"anonymous"`
		} `json:"questions_asked"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Questions) != 1 || out.Questions[0].Text != "MY-ANONYMOUS-QUESTION" || !out.Questions[0].Anonymous ||
		out.Questions[0].RoundtableID != string(q.id) {
		t.Errorf("her export's questions = %+v; want her one anonymous question in this roundtable", out.Questions)
	}
	other := q.member.do(t, "GET", q.e.srv.URL+"/api/v1/me/export", "")
	if strings.Contains(string(other.body), "MY-ANONYMOUS-QUESTION") {
		t.Errorf("another member's export holds her anonymous question: %s", other.body)
	}
}
