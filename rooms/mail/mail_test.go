package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

func TestComposeReadsBackWithStdlib(t *testing.T) {
	e := rooms.Email{To: "hanako@example.com", Subject: "座談会のご案内", Text: "こんにちは\n二行目 = equals"}
	raw, err := Compose("Zadankai <no-reply@example.com>", e, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subj != e.Subject || msg.Header.Get("To") != e.To {
		t.Errorf("headers: subject %q to %q", subj, msg.Header.Get("To"))
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != e.Text {
		t.Errorf("body %q, want %q", got, e.Text)
	}
}

func TestComposeAttachment(t *testing.T) {
	ics := []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
	e := rooms.Email{To: "a@example.com", Subject: "Invite", Text: "see attached",
		Attachments: []rooms.Attachment{{Name: "invite.ics", ContentType: "text/calendar; method=REQUEST; charset=utf-8", Data: ics}}}
	raw, err := Compose("z@example.com", e, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := netmail.ReadMessage(bytes.NewReader(raw))
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	if _, err := mr.NextPart(); err != nil {
		t.Fatal(err)
	}
	p, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	if p.FileName() != "invite.ics" || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/calendar") {
		t.Errorf("attachment part: %v", p.Header)
	}
	// multipart decodes quoted-printable itself but leaves base64 to us.
	data, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
	if !bytes.Equal(data, ics) {
		t.Errorf("attachment data %q", data)
	}
}

func TestComposeRefusesHeaderInjection(t *testing.T) {
	for _, e := range []rooms.Email{
		{To: "a@example.com\r\nBcc: all@example.com", Subject: "x"},
		{To: "a@example.com", Subject: "hi\nBcc: all@example.com"},
	} {
		if _, err := Compose("z@example.com", e, time.Now()); err == nil {
			t.Errorf("Compose accepted a line break in %q/%q", e.To, e.Subject)
		}
	}
}

func TestOutboxKeepsNewestFirst(t *testing.T) {
	o := NewOutbox(slog.New(slog.NewTextHandler(io.Discard, nil)), 2)
	for _, s := range []string{"one", "two", "three"} {
		if err := o.Send(context.Background(), rooms.Email{To: "a@example.com", Subject: s}); err != nil {
			t.Fatal(err)
		}
	}
	got := o.Messages()
	if len(got) != 2 || got[0].Email.Subject != "three" || got[1].Email.Subject != "two" {
		t.Errorf("outbox = %+v, want three, two", got)
	}
}
