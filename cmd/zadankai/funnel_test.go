package main

import (
	"bufio"
	"bytes"
	wire "encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// funnel puts FerretDB behind one connection: it accepts any number of
// MongoDB-wire clients and passes their requests, one at a time, over a
// single connection to FerretDB. FerretDB loses concurrent updates of
// one document made over several connections (storage.md), which a real
// MongoDB never does; the single-process tests avoid that with a pool of
// one connection, and several processes need this instead. Every request
// of the wire protocol (OP_MSG, and OP_QUERY of a handshake) gets exactly
// one reply, except an OP_MSG sent with moreToCome. FerretDB takes a
// client's handshake (hello with client metadata) once per connection, so
// the funnel passes on the first hello of each kind and answers later
// ones with its reply.
type funnel struct {
	ln     net.Listener
	mu     sync.Mutex // one request at a time on up; guards hellos
	up     net.Conn
	hellos map[uint32][]byte // by op code: the reply to the first hello
}

// newFunnel listens on a loopback port in front of the server at addr
// (host:port) until the test ends; its URI is mongodb://ADDR/.
func newFunnel(t *testing.T, addr string) *funnel {
	t.Helper()
	up, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &funnel{ln: ln, up: up, hellos: map[uint32][]byte{}}
	var conns sync.WaitGroup
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open[c] = true
			mu.Unlock()
			conns.Go(func() { f.serve(c); c.Close() })
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range open {
			c.Close()
		}
		mu.Unlock()
		conns.Wait()
		up.Close()
	})
	return f
}

// ferretProcess runs FerretDB as a process of its own (built from
// testdata/ferretdb, outside the race detector that slows this one
// fourfold) until the test ends, and returns its host:port.
func ferretProcess(t *testing.T) string {
	t.Helper()
	ferretOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ferretdb-bin-")
		if err != nil {
			ferretErr = err
			return
		}
		ferretBin = filepath.Join(dir, "ferretdb")
		if out, err := exec.Command("go", "build", "-o", ferretBin, "./testdata/ferretdb").CombinedOutput(); err != nil {
			ferretErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if ferretErr != nil {
		t.Fatal(ferretErr)
	}
	cmd := exec.Command(ferretBin)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() }) // closing stdin stops it
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("FerretDB did not start: %v", err)
	}
	u, err := url.Parse(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

var (
	ferretOnce sync.Once
	ferretBin  string
	ferretErr  error
)

func (f *funnel) uri() string { return "mongodb://" + f.ln.Addr().String() + "/" }

// serve passes c's requests on until c or the server closes.
func (f *funnel) serve(c net.Conn) {
	for {
		req, err := readWireMessage(c)
		if err != nil {
			return // the client went (a killed replica): nothing half-sent upstream
		}
		reply, err := f.roundTrip(req)
		if err != nil {
			return
		}
		if reply != nil {
			if _, err := c.Write(reply); err != nil {
				return
			}
		}
	}
}

func (f *funnel) roundTrip(req []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op := wire.LittleEndian.Uint32(req[12:])
	hello := isHello(req, op)
	if reply, ok := f.hellos[op]; ok && hello {
		reply = append([]byte(nil), reply...)
		copy(reply[8:12], req[4:8]) // responseTo: this request's id
		return reply, nil
	}
	if _, err := f.up.Write(req); err != nil {
		return nil, err
	}
	const opMsg, moreToCome = 2013, 1 << 1
	if op == opMsg && wire.LittleEndian.Uint32(req[16:])&moreToCome != 0 {
		return nil, nil
	}
	reply, err := readWireMessage(f.up)
	if err == nil && hello {
		f.hellos[op] = reply
	}
	return reply, err
}

// isHello reports whether req is a handshake or heartbeat: a command
// whose first key is hello or isMaster, sent as OP_MSG (a body section
// right after the flags) or as an OP_QUERY on admin.$cmd.
func isHello(req []byte, op uint32) bool {
	var doc []byte
	switch op {
	case 2013:
		if len(req) < 26 || req[20] != 0 {
			return false
		}
		doc = req[21:]
	case 2004:
		end := bytes.IndexByte(req[20:], 0)
		if end < 0 || len(req) < 20+end+1+8+5 {
			return false
		}
		doc = req[20+end+1+8:]
	default:
		return false
	}
	end := bytes.IndexByte(doc[5:], 0) // the first key, after the length and a type byte
	if end < 0 {
		return false
	}
	key := strings.ToLower(string(doc[5 : 5+end]))
	return key == "hello" || key == "ismaster"
}

// readWireMessage reads one message: a little-endian int32 length that
// counts itself, then the rest.
func readWireMessage(r io.Reader) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := wire.LittleEndian.Uint32(head[:])
	if n < 20 || n > 48<<20 {
		return nil, errors.New("wire message length out of range")
	}
	msg := make([]byte, n)
	copy(msg, head[:])
	_, err := io.ReadFull(r, msg[4:])
	return msg, err
}
