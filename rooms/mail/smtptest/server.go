// Package smtptest is a small SMTP server on 127.0.0.1 for tests: it
// speaks enough of RFC 5321 for net/smtp (EHLO, AUTH PLAIN, MAIL, RCPT,
// DATA with dot-unstuffing, RSET, NOOP, QUIT) and keeps what it receives.
// Only _test.go files import it.
package smtptest

import (
	"bufio"
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one delivered message: the envelope and the raw data.
type Message struct {
	From string
	To   []string
	Auth string // "user:password" from AUTH PLAIN, if the client sent it
	Data []byte
}

// Server accepts SMTP sessions until the test ends.
type Server struct {
	Addr string // host:port

	// RejectRcpt, when set, answers 550 to RCPT TO for that address.
	RejectRcpt string

	mu   sync.Mutex
	msgs []Message // guarded by mu
	ch   chan struct{}
}

// Start listens on 127.0.0.1 on a free port; the server and its sessions
// stop in t.Cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ch: make(chan struct{}, 100)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); s.session(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return s
}

// Messages returns what was delivered, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait waits until n messages have arrived or d passes, and returns them.
func (s *Server) Wait(n int, d time.Duration) []Message {
	deadline := time.After(d)
	for len(s.Messages()) < n {
		select {
		case <-s.ch:
		case <-deadline:
			return s.Messages()
		}
	}
	return s.Messages()
}

func (s *Server) session(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second)) // a stuck client cannot hold the test
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(lines ...string) {
		for _, l := range lines {
			w.WriteString(l + "\r\n")
		}
		w.Flush()
	}
	reply("220 smtptest ESMTP")
	var cur Message
	for {
		line, err := r.ReadString('\n')
		if err != nil || !s.command(strings.TrimRight(line, "\r\n"), &cur, r, reply) {
			return
		}
	}
}

// command answers one client line; false ends the session.
func (s *Server) command(line string, cur *Message, r *bufio.Reader, reply func(...string)) bool {
	upper := strings.ToUpper(line)
	switch verb := strings.SplitN(upper, " ", 2)[0]; {
	case verb == "EHLO" || verb == "HELO":
		reply("250-smtptest", "250-8BITMIME", "250 AUTH PLAIN")
	case verb == "AUTH":
		cur.Auth = plainAuth(line)
		reply("235 2.7.0 authenticated")
	case strings.HasPrefix(upper, "MAIL FROM:"):
		cur.From = strings.Trim(strings.SplitN(line[len("MAIL FROM:"):], " ", 2)[0], "<>")
		reply("250 2.1.0 ok")
	case strings.HasPrefix(upper, "RCPT TO:"):
		to := strings.Trim(line[len("RCPT TO:"):], "<> ")
		if to == s.RejectRcpt {
			reply("550 5.1.1 no such user")
			break
		}
		cur.To = append(cur.To, to)
		reply("250 2.1.5 ok")
	case verb == "DATA":
		reply("354 end with <CRLF>.<CRLF>")
		data, err := readData(r)
		if err != nil {
			return false
		}
		cur.Data = data
		s.mu.Lock()
		s.msgs = append(s.msgs, *cur)
		s.mu.Unlock()
		s.ch <- struct{}{}
		*cur = Message{Auth: cur.Auth}
		reply("250 2.0.0 queued")
	case verb == "RSET":
		*cur = Message{Auth: cur.Auth}
		reply("250 ok")
	case verb == "NOOP":
		reply("250 ok")
	case verb == "QUIT":
		reply("221 bye")
		return false
	default:
		reply("502 5.5.2 not implemented")
	}
	return true
}

// readData reads the DATA section up to the lone dot, undoing dot-stuffing.
func readData(r *bufio.Reader) ([]byte, error) {
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if line == ".\r\n" {
			return []byte(b.String()), nil
		}
		b.WriteString(strings.TrimPrefix(line, "."))
	}
}

func plainAuth(line string) string {
	f := strings.Fields(line)
	if len(f) < 3 {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(f[2])
	if err != nil {
		return ""
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 {
		return ""
	}
	return parts[1] + ":" + parts[2]
}
