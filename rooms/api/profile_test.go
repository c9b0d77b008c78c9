package api_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

func TestProfileRoundTripAndValidation(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	url := e.srv.URL + "/api/v1/me/profile"
	r := w.memberA.do(t, "GET", url, "")
	if r.status != 200 || !strings.Contains(string(r.body), `"version":0`) {
		t.Fatalf("default profile = %d %s", r.status, r.body)
	}
	good := `{"intro":"二児の母、エンジニア","industry":"it","job_function":"engineering","job_level":3,"years_experience":12,
		"work_style":{"hours":"full_time","remote":"hybrid"},"children":{"count":2,"age_bands":["0-2","6-12"]},
		"themes":["promotion","work_life_balance"],"languages":["ja","en"],"in_person":true,"area":"東京都","capacity":3,"paused":false,"version":0}`
	r = w.memberA.do(t, "PUT", url, good)
	if r.status != 200 || !strings.Contains(string(r.body), `"version":1`) {
		t.Fatalf("save = %d %s", r.status, r.body)
	}
	if again := w.memberA.do(t, "PUT", url, good); again.status != 409 {
		t.Errorf("save with a stale version = %d, want 409", again.status)
	}
	var p struct {
		Themes []string `json:"themes"`
		Area   string   `json:"area"`
	}
	json.Unmarshal(w.memberA.do(t, "GET", url, "").body, &p)
	if len(p.Themes) != 2 || p.Area != "東京都" {
		t.Errorf("read back %+v", p)
	}
	bad := []struct{ name, edit, code, field string }{
		{"unknown theme", `"themes":["promotion","astrology"]`, "unknown_value", "themes[1]"},
		{"unknown age band", `"children":{"count":1,"age_bands":["baby"]}`, "unknown_value", "children.age_bands[0]"},
		{"in person without area", `"in_person":true,"area":""`, "required", "area"},
		{"level out of range", `"job_level":9`, "out_of_range", "job_level"},
		{"no language", `"languages":[]`, "out_of_range", "languages"},
		{"negative capacity", `"capacity":-1`, "out_of_range", "capacity"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			body := `{"job_level":2,"work_style":{"hours":"part_time","remote":"remote"},"languages":["ja"],"capacity":1,"version":1,` + b.edit + `}`
			r := w.memberA.do(t, "PUT", url, body)
			if code, field := r.errorCode(t); r.status != 422 || code != b.code || field != b.field {
				t.Errorf("= %d %s/%s, want 422 %s/%s (%s)", r.status, code, field, b.code, b.field, r.body)
			}
		})
	}
	if r := w.memberA.do(t, "GET", url, ""); !strings.Contains(string(r.body), `"version":1`) || !strings.Contains(string(r.body), "東京都") {
		t.Errorf("a refused save changed the profile: %s", r.body)
	}
	if r := w.memberB.do(t, "GET", url, ""); strings.Contains(string(r.body), "東京都") {
		t.Errorf("member B sees member A's profile: %s", r.body)
	}
}

func TestAvailabilityValidation(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	url := e.srv.URL + "/api/v1/me/availability"
	ok := `{"time_zone":"Asia/Tokyo","weekly":[{"weekday":3,"start":"21:00","end":"23:00"},{"weekday":1,"start":"12:00","end":"13:00"}],
		"exceptions":[{"date":"2026-12-02","unavailable":true}],"version":0}`
	r := w.memberA.do(t, "PUT", url, ok)
	if r.status != 200 || !strings.Contains(string(r.body), `"weekday":1,"start":"12:00"`) {
		t.Fatalf("save = %d %s", r.status, r.body)
	}
	cases := []struct{ name, body, code, field string }{
		{"overlap", `{"time_zone":"Asia/Tokyo","weekly":[{"weekday":1,"start":"12:00","end":"13:00"},{"weekday":1,"start":"12:30","end":"14:00"}],"version":1}`, "overlap", "weekly[1]"},
		{"too short", `{"time_zone":"Asia/Tokyo","weekly":[{"weekday":1,"start":"12:00","end":"12:15"}],"version":1}`, "too_short", "weekly[0].end"},
		{"bad time", `{"time_zone":"Asia/Tokyo","weekly":[{"weekday":1,"start":"25:00","end":"26:00"}],"version":1}`, "malformed", "weekly[0].start"},
		{"bad weekday", `{"time_zone":"Asia/Tokyo","weekly":[{"weekday":7,"start":"10:00","end":"11:00"}],"version":1}`, "out_of_range", "weekly[0].weekday"},
		{"bad zone", `{"time_zone":"Tokyo","version":1}`, "unknown_value", "time_zone"},
		{"bad date", `{"time_zone":"Asia/Tokyo","exceptions":[{"date":"2026-13-01","unavailable":true}],"version":1}`, "malformed", "exceptions[0].date"},
	}
	for _, tc := range cases {
		r := w.memberA.do(t, "PUT", url, tc.body)
		if code, field := r.errorCode(t); r.status != 422 || code != tc.code || field != tc.field {
			t.Errorf("%s: = %d %s/%s, want 422 %s/%s", tc.name, r.status, code, field, tc.code, tc.field)
		}
	}
}

func testImage(t *testing.T, w, h int, enc string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if enc == "png" {
		png.Encode(&buf, img)
	} else {
		jpeg.Encode(&buf, img, nil)
	}
	return buf.Bytes()
}

func TestPhotoUpload(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	upload := func(a *actor, ct string, body []byte) response {
		return do(t, a.c, "PUT", e.srv.URL+"/api/v1/me/photo", ct, string(body), "X-CSRF-Token", a.csrf)
	}
	if r := upload(w.memberA, "image/png", testImage(t, 640, 480, "png")); r.status != 204 {
		t.Fatalf("upload = %d %s", r.status, r.body)
	}
	photoURL := e.srv.URL + "/api/v1/members/" + string(w.memberA.m.ID) + "/photo"
	r := w.memberA.do(t, "GET", photoURL, "")
	img, err := jpeg.Decode(bytes.NewReader(r.body))
	if r.status != 200 || err != nil || img.Bounds().Dx() != 256 || img.Bounds().Dy() != 256 {
		t.Fatalf("photo = %d, %v, %v; want a 256x256 JPEG", r.status, err, img)
	}
	if p := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/me/profile", ""); !strings.Contains(string(p.body), `"has_photo":true`) {
		t.Errorf("profile does not say it has a photo: %s", p.body)
	}
	if r := w.memberB.do(t, "GET", photoURL, ""); r.status != 404 {
		t.Errorf("a stranger from another company sees the photo: %d", r.status)
	}
	e.recommend(t, w.memberB.m, w.memberA.m)
	if r := w.memberB.do(t, "GET", photoURL, ""); r.status != 200 {
		t.Errorf("a peer recommended A cannot see A's photo: %d", r.status)
	}
	cases := []struct {
		name, ct string
		body     []byte
		status   int
		code     string
	}{
		{"not an image", "image/jpeg", []byte("hello"), 422, "bad_image"},
		{"tiny", "image/png", testImage(t, 8, 8, "png"), 422, "bad_image"},
		{"wrong type", "image/gif", []byte("GIF89a"), 415, "unsupported_media_type"},
		{"too big", "image/jpeg", bytes.Repeat([]byte{0xff}, 6<<20), 413, "body_too_large"},
	}
	for _, tc := range cases {
		r := upload(w.memberB, tc.ct, tc.body)
		if code, _ := r.errorCode(t); r.status != tc.status || code != tc.code {
			t.Errorf("%s: = %d %s, want %d %s", tc.name, r.status, code, tc.status, tc.code)
		}
	}
	if r := w.memberB.do(t, "GET", e.srv.URL+"/api/v1/members/"+string(w.memberB.m.ID)+"/photo", ""); r.status != http.StatusNotFound {
		t.Errorf("refused uploads stored a photo: %d", r.status)
	}
}
