package api_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms/mail"
	"github.com/zadankai/zadankai/rooms/mail/smtptest"
)

// TestEmailsGoOutOverSMTP runs the API with the SMTP mailer against a
// server on 127.0.0.1: an invitation arrives with its one-time link, and
// a booking brings each party a calendar invitation (ICS) of their own.
func TestEmailsGoOutOverSMTP(t *testing.T) {
	srv := smtptest.Start(t)
	host, port, _ := net.SplitHostPort(srv.Addr)
	p, _ := strconv.Atoi(port)
	e := newEnvMailer(t, mail.NewSMTP(mail.SMTPConfig{Host: host, Port: p, From: "座談会 Zadankai <no-reply@zadankai.test>"}))
	w := e.world(t)
	if r := w.adminA.do(t, "POST", e.srv.URL+"/api/v1/invitations", `{"email":"new@alpha.test","role":"member"}`); r.status != 201 {
		t.Fatalf("invite = %d %s", r.status, r.body)
	}
	got := srv.Wait(1, 10*time.Second)
	if len(got) != 1 || got[0].To[0] != "new@alpha.test" {
		t.Fatalf("after inviting: %d messages", len(got))
	}
	inv, err := netmail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if subj, _ := new(mime.WordDecoder).DecodeHeader(inv.Header.Get("Subject")); !strings.Contains(subj, "ご招待") {
		t.Errorf("invitation subject %q", subj)
	}
	body, _ := io.ReadAll(inv.Body)
	if !bytes.Contains(body, []byte("http://zadankai.test/invite?token=3D")) { // "=" is =3D in quoted-printable
		t.Errorf("invitation body lacks its link:\n%s", body)
	}
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30)) // a "request received" email to B
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`); r.status != 200 {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	got = srv.Wait(4, 10*time.Second)
	calendars := calendarsByRecipient(t, got[2:])
	for _, who := range []string{w.memberA.m.Email, w.memberB.m.Email} {
		cal := calendars[who]
		if cal == "" {
			t.Errorf("%s got no calendar invitation (%d messages)", who, len(got))
			continue
		}
		if !strings.Contains(cal, "METHOD:REQUEST") || !strings.Contains(cal, "UID:"+cs.ID+"@zadankai") {
			t.Errorf("%s's calendar:\n%s", who, cal)
		}
		for _, other := range []string{w.memberA.m.Email, w.memberB.m.Email} {
			if other != who && strings.Contains(cal, other) {
				t.Errorf("%s's calendar names the other party's address %s", who, other)
			}
		}
	}
}

// calendarsByRecipient returns each message's text/calendar part, decoded
// and unfolded, by recipient.
func calendarsByRecipient(t *testing.T, msgs []smtptest.Message) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range msgs {
		msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		mt, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if mt != "multipart/mixed" {
			t.Fatalf("booking email to %v is %s", m.To, mt)
		}
		mr := multipart.NewReader(msg.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			if strings.HasPrefix(part.Header.Get("Content-Type"), "text/calendar") {
				b, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
				out[m.To[0]] = strings.ReplaceAll(string(b), "\r\n ", "") // unfolded
			}
		}
	}
	return out
}
