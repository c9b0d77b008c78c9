// Package pushtest is a Web Push service for tests, on loopback: it takes
// the HTTP request a push library sends (RFC 8030), checks its VAPID JWT
// (RFC 8292) against the server's public key, and decrypts the payload
// (RFC 8291, aes128gcm) with the private key of the device it made.
// Only _test.go files import it.
package pushtest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/hkdf"

	"github.com/zadankai/zadankai/rooms"
)

// Received is one notification a device got, decrypted.
type Received struct {
	Endpoint string
	Message  rooms.PushMessage
	Urgency  string
	TTL      int
}

// Device is a browser's subscription: its keys and what the service
// answers when a notification comes for it.
type Device struct {
	Endpoint string
	P256dh   string // base64url, as a browser hands it out
	Auth     string

	priv *ecdh.PrivateKey
	auth []byte

	mu      sync.Mutex
	answers []int // status codes to answer next, then 201
}

// Answer makes the next requests for d get these status codes, in order.
func (d *Device) Answer(codes ...int) {
	d.mu.Lock()
	d.answers = append(d.answers, codes...)
	d.mu.Unlock()
}

func (d *Device) nextAnswer() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.answers) == 0 {
		return http.StatusCreated
	}
	code := d.answers[0]
	d.answers = d.answers[1:]
	return code
}

// Service is the push service. Every request it cannot verify or decrypt
// fails the test.
type Service struct {
	t     testing.TB
	srv   *httptest.Server
	vapid string // the application server's public key, base64url

	mu       sync.Mutex
	devices  map[string]*Device // by path
	received []Received
}

// New starts a service on loopback that expects requests signed with the
// VAPID key pair whose public half is vapidPublic.
func New(t testing.TB, vapidPublic string) *Service {
	s := &Service{t: t, vapid: vapidPublic, devices: map[string]*Device{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// NewDevice makes a subscription with fresh keys, as a browser does.
func (s *Service) NewDevice() *Device {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		s.t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	path := "/push/" + rand.Text()
	d := &Device{Endpoint: s.srv.URL + path, priv: priv, auth: auth,
		P256dh: base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()), Auth: base64.RawURLEncoding.EncodeToString(auth)}
	s.mu.Lock()
	s.devices[path] = d
	s.mu.Unlock()
	return d
}

// Received returns what the devices got so far, in order of arrival.
func (s *Service) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d := s.devices[r.URL.Path]
	s.mu.Unlock()
	if d == nil || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8192))
	got, err := s.open(r, d, body)
	if err != nil {
		s.t.Errorf("push service: %s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	code := d.nextAnswer()
	if code >= 200 && code < 300 {
		s.mu.Lock()
		s.received = append(s.received, got)
		s.mu.Unlock()
	}
	w.WriteHeader(code)
}

// open checks a request's headers and VAPID signature and decrypts it.
func (s *Service) open(r *http.Request, d *Device, body []byte) (Received, error) {
	if ce := r.Header.Get("Content-Encoding"); ce != "aes128gcm" {
		return Received{}, fmt.Errorf("Content-Encoding %q, want aes128gcm", ce)
	}
	ttl, err := strconv.Atoi(r.Header.Get("TTL"))
	if err != nil || ttl <= 0 {
		return Received{}, fmt.Errorf("TTL %q, want a positive number", r.Header.Get("TTL"))
	}
	if err := checkVAPID(r.Header.Get("Authorization"), s.vapid, s.srv.URL); err != nil {
		return Received{}, err
	}
	plain, err := decrypt(d, body)
	if err != nil {
		return Received{}, err
	}
	var msg rooms.PushMessage
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&msg); err != nil {
		return Received{}, fmt.Errorf("payload %q: %w", plain, err)
	}
	return Received{Endpoint: d.Endpoint, Message: msg, Urgency: r.Header.Get("Urgency"), TTL: ttl}, nil
}

// decrypt undoes RFC 8291: the header (salt, record size, the sender's
// one-time public key), ECDH with the device's key, HKDF with the auth
// secret, then one AES-128-GCM record ending in the 0x02 delimiter.
func decrypt(d *Device, body []byte) ([]byte, error) {
	if len(body) < 21 || len(body) < 21+int(body[20]) {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt, idLen := body[:16], int(body[20])
	senderKey, ciphertext := body[21:21+idLen], body[21+idLen:]
	sender, err := ecdh.P256().NewPublicKey(senderKey)
	if err != nil {
		return nil, fmt.Errorf("sender key: %w", err)
	}
	secret, err := d.priv.ECDH(sender)
	if err != nil {
		return nil, err
	}
	info := append(append([]byte("WebPush: info\x00"), d.priv.PublicKey().Bytes()...), senderKey...)
	ikm := expand(hkdf.New(sha256.New, secret, d.auth, info), 32)
	cek := expand(hkdf.New(sha256.New, ikm, salt, []byte("Content-Encoding: aes128gcm\x00")), 16)
	nonce := expand(hkdf.New(sha256.New, ikm, salt, []byte("Content-Encoding: nonce\x00")), 12)
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypting: %w", err)
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("last record lacks the 0x02 padding delimiter")
	}
	return plain[:len(plain)-1], nil
}

func expand(r io.Reader, n int) []byte {
	b := make([]byte, n)
	_, _ = io.ReadFull(r, b)
	return b
}

// trimKey accepts a key in base64url with or without padding.
func trimKey(s string) string { return strings.TrimRight(s, "=") }
