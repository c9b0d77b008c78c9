package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mail"
	"github.com/zadankai/zadankai/rooms/mail/smtptest"
)

func smtpMailer(t *testing.T, srv *smtptest.Server) *mail.SMTP {
	t.Helper()
	host, port, _ := net.SplitHostPort(srv.Addr)
	p, _ := strconv.Atoi(port)
	return mail.NewSMTP(mail.SMTPConfig{Host: host, Port: p, Username: "relay", Password: "relay-secret",
		From: "座談会 Zadankai <no-reply@zadankai.test>"})
}

// TestSMTPDeliversCalendarInvitation sends a booking email with its ICS
// through a real SMTP session and reads it back as a mail client would.
func TestSMTPDeliversCalendarInvitation(t *testing.T) {
	srv := smtptest.Start(t)
	m := &rooms.Member{Email: "hanako@sakura.example", DisplayName: "山田 花子", Locale: "ja", TimeZone: "Asia/Tokyo"}
	start := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)
	ev := rooms.CalendarEvent{UID: "cs_test@zadankai", Sequence: 2, Start: start, End: start.Add(45 * time.Minute),
		Summary: "座談会 1:1 / Zadankai: 高橋 洋子", Description: "管理職になるか迷っています。", URL: "https://zadankai.test/consultations",
		Organizer: "no-reply@zadankai.test", Attendee: m.Email, AttendeeCN: m.DisplayName, Location: "https://zadankai.test/consultations"}
	ics := rooms.ICS(ev, rooms.MethodRequest, start.Add(-time.Hour))
	e := rooms.BookingEmail(m, "高橋 洋子", rooms.LocalTime(m, start), false, ics, rooms.MethodRequest)
	if err := smtpMailer(t, srv).Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d messages arrived", len(got))
	}
	d := got[0]
	if d.From != "no-reply@zadankai.test" || len(d.To) != 1 || d.To[0] != m.Email || d.Auth != "relay:relay-secret" {
		t.Errorf("envelope: from %q to %v auth %q", d.From, d.To, d.Auth)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(d.Data))
	if err != nil {
		t.Fatal(err)
	}
	checkHeaders(t, msg, e, m.Email)
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q (%v)", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	text := readPart(t, mr, "text/plain", "quoted-printable")
	if !strings.Contains(text, "山田 花子さん\r\n") || !strings.Contains(text, "高橋 洋子さんとの相談") {
		t.Errorf("text part: %q", text)
	}
	cal := readPart(t, mr, "text/calendar", "base64")
	for _, want := range []string{"BEGIN:VCALENDAR", "METHOD:REQUEST", "UID:cs_test@zadankai", "SEQUENCE:2", "DTSTART:20261210T120000Z", "END:VCALENDAR"} {
		if !strings.Contains(cal, want) {
			t.Errorf("calendar lacks %q:\n%s", want, cal)
		}
	}
	if cal != string(ics) {
		t.Errorf("the calendar arrived changed")
	}
	if _, err := mr.NextRawPart(); err != io.EOF {
		t.Errorf("more parts than text and calendar: %v", err)
	}
}

// readPart reads the next part, checks its type and encoding, and decodes it.
func readPart(t *testing.T, mr *multipart.Reader, wantType, wantEncoding string) string {
	t.Helper()
	p, err := mr.NextRawPart() // raw: NextPart would undo quoted-printable and hide the header
	if err != nil {
		t.Fatalf("reading a %s part: %v", wantType, err)
	}
	mt, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
	if mt != wantType || params["charset"] != "utf-8" || p.Header.Get("Content-Transfer-Encoding") != wantEncoding {
		t.Errorf("part headers %v", p.Header)
	}
	if mt == "text/calendar" && (params["method"] != "REQUEST" || p.FileName() != "zadankai.ics") {
		t.Errorf("calendar part: method %q, file %q", params["method"], p.FileName())
	}
	var r io.Reader = p
	switch wantEncoding {
	case "quoted-printable":
		r = quotedprintable.NewReader(p)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, p)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding the %s part: %v", wantType, err)
	}
	return string(b)
}

// TestSMTPRefusedRecipient: the relay's 550 comes back as an error.
func TestSMTPRefusedRecipient(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RejectRcpt = "ghost@example.com"
	err := smtpMailer(t, srv).Send(context.Background(), rooms.Email{To: "ghost@example.com", Subject: "x", Text: "y"})
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("send to a refused recipient = %v, want the 550", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered", n)
	}
}

// checkHeaders checks what a mail client shows: the decoded subject and
// sender, the recipient, and well-formed ASCII headers.
func checkHeaders(t *testing.T, msg *netmail.Message, e rooms.Email, to string) {
	t.Helper()
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != e.Subject || !strings.Contains(subject, "相談が決まりました") {
		t.Errorf("subject %q (%v), want %q", subject, err, e.Subject)
	}
	for h, vs := range msg.Header { // RFC 5322: headers are ASCII; names go in encoded words
		if strings.ContainsFunc(strings.Join(vs, ""), func(r rune) bool { return r > 127 }) {
			t.Errorf("%s header carries raw non-ASCII: %q", h, vs)
		}
	}
	if from, err := msg.Header.AddressList("From"); err != nil || from[0].Name != "座談会 Zadankai" || from[0].Address != "no-reply@zadankai.test" {
		t.Errorf("From: %v %v", from, err)
	}
	if _, err := msg.Header.Date(); err != nil || msg.Header.Get("MIME-Version") != "1.0" || !strings.HasSuffix(msg.Header.Get("Message-ID"), "@zadankai>") {
		t.Errorf("headers: date %v, MIME-Version %q, Message-ID %q", err, msg.Header.Get("MIME-Version"), msg.Header.Get("Message-ID"))
	}
	if got, err := msg.Header.AddressList("To"); err != nil || got[0].Address != to {
		t.Errorf("To: %v %v", got, err)
	}
}
