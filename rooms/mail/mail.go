// Package mail delivers rooms.Email: over SMTP in production, or into a
// development outbox that logs each message and keeps the latest ones for
// the dev-mode page.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// SMTPConfig says where and as whom mail goes out.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string // from the environment only
	From     string // e.g. "Zadankai <no-reply@example.com>"
}

// SMTP sends through an SMTP relay with STARTTLS when offered.
type SMTP struct {
	cfg SMTPConfig
}

var _ rooms.Mailer = (*SMTP)(nil)

// NewSMTP returns an SMTP mailer.
func NewSMTP(cfg SMTPConfig) *SMTP { return &SMTP{cfg: cfg} }

// Send implements rooms.Mailer.
func (s *SMTP) Send(ctx context.Context, e rooms.Email) error {
	msg, err := Compose(s.cfg.From, e, time.Now())
	if err != nil {
		return err
	}
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	var auth smtp.Auth
	if s.cfg.Username != "" {
		auth = smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)
	}
	done := make(chan error, 1)
	// net/smtp takes no context; the goroutine ends with the connection.
	go func() { done <- smtp.SendMail(addr, auth, envelope(s.cfg.From), []string{e.To}, msg) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("mail: send to %s: %w", e.To, err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// envelope extracts the bare address from a From header value.
func envelope(from string) string {
	if i := strings.LastIndex(from, "<"); i >= 0 {
		return strings.TrimSuffix(from[i+1:], ">")
	}
	return from
}

// Compose renders e as an RFC 5322 message: UTF-8 text in
// quoted-printable, attachments in a multipart/mixed body.
func Compose(from string, e rooms.Email, date time.Time) ([]byte, error) {
	if strings.ContainsAny(e.To+e.Subject+from, "\r\n") {
		return nil, errors.New("mail: header values must not contain line breaks")
	}
	// A display name such as "座談会 Zadankai" must travel as an encoded
	// word: raw UTF-8 in a header is not RFC 5322 and relays may refuse it.
	if a, err := netmail.ParseAddress(from); err == nil {
		from = a.String()
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@zadankai>\r\nMIME-Version: 1.0\r\n",
		from, e.To, mime.QEncoding.Encode("utf-8", e.Subject), date.Format(time.RFC1123Z), randomHex(12))
	if len(e.Attachments) == 0 {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		writeQP(&b, e.Text)
		return b.Bytes(), nil
	}
	boundary := "zdk-" + randomHex(12)
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=%q\r\n\r\n", boundary)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary)
	writeQP(&b, e.Text)
	for _, a := range e.Attachments {
		fmt.Fprintf(&b, "\r\n--%s\r\nContent-Type: %s\r\nContent-Disposition: attachment; filename=%q\r\nContent-Transfer-Encoding: base64\r\n\r\n",
			boundary, a.ContentType, a.Name)
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), nil
}

func writeQP(b *bytes.Buffer, text string) {
	w := quotedprintable.NewWriter(b)
	_, _ = w.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
	_ = w.Close()
}

func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}

// Outbox is the development mailer: it logs every message and keeps the
// latest ones in memory for the dev-mode page. Nothing leaves the machine.
type Outbox struct {
	log  *slog.Logger
	keep int

	mu   sync.Mutex
	sent []Sent // guarded by mu; newest last
}

// Sent is a message the Outbox received.
type Sent struct {
	At    time.Time
	Email rooms.Email
}

var _ rooms.Mailer = (*Outbox)(nil)

// NewOutbox returns an Outbox keeping the latest keep messages.
func NewOutbox(log *slog.Logger, keep int) *Outbox { return &Outbox{log: log, keep: keep} }

// Send implements rooms.Mailer.
func (o *Outbox) Send(ctx context.Context, e rooms.Email) error {
	o.log.InfoContext(ctx, "dev mail (not sent)", "to", e.To, "subject", e.Subject, "text", e.Text)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, Sent{At: time.Now(), Email: e})
	if len(o.sent) > o.keep {
		o.sent = append([]Sent(nil), o.sent[len(o.sent)-o.keep:]...)
	}
	return nil
}

// Messages returns the kept messages, newest first.
func (o *Outbox) Messages() []Sent {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Sent, len(o.sent))
	for i, s := range o.sent {
		out[len(out)-1-i] = s
	}
	return out
}
