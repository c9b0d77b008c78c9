package signaling

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

const (
	sendQueue    = 256              // messages buffered per client before it counts as stuck
	writeTimeout = 10 * time.Second // per frame
	wsPingEvery  = 10 * time.Second // WebSocket ping frames, as LiveKit's server
)

var errSlowClient = errors.New("signal client too slow: send queue full")

// conn is one signal WebSocket: a reader goroutine (run by the caller) and
// a sole writer goroutine fed by a bounded queue, so a slow or dead client
// never blocks a room.
type conn struct {
	ws  *websocket.Conn
	log *slog.Logger
	out chan *livekit.SignalResponse

	mu     sync.Mutex
	json   bool // reply in JSON when the client spoke JSON; guarded by mu
	closed bool // guarded by mu
	done   chan struct{}
}

func newConn(ws *websocket.Conn, log *slog.Logger, maxMessage int) *conn {
	ws.SetReadLimit(int64(maxMessage))
	c := &conn{ws: ws, log: log, out: make(chan *livekit.SignalResponse, sendQueue), done: make(chan struct{})}
	go c.writeLoop()
	return c
}

// send queues msg; a full queue closes the connection instead of waiting.
func (c *conn) send(msg *livekit.SignalResponse) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	select {
	case c.out <- msg:
	default:
		c.log.Warn("closing signal connection", "err", errSlowClient)
		c.closeLocked()
	}
}

// sendLeave queues a LeaveRequest: the client reconnects only when the
// action says so.
func (c *conn) sendLeave(reason livekit.DisconnectReason, action livekit.LeaveRequest_Action) {
	c.send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Leave{Leave: &livekit.LeaveRequest{
		CanReconnect: action == livekit.LeaveRequest_RECONNECT, Reason: reason, Action: action}}})
}

// close ends the connection after the queued messages are written.
func (c *conn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
}

func (c *conn) closeLocked() {
	if !c.closed {
		c.closed = true
		close(c.out)
	}
}

func (c *conn) writeLoop() {
	defer close(c.done)
	defer c.ws.Close()
	ping := time.NewTicker(wsPingEvery)
	defer ping.Stop()
	for {
		select {
		case msg, ok := <-c.out:
			if !ok {
				_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
				return
			}
			if err := c.write(msg); err != nil {
				c.close()
				for range c.out { // drain so senders never block
				}
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
				c.close()
				for range c.out {
				}
				return
			}
		}
	}
}

func (c *conn) write(msg *livekit.SignalResponse) error {
	c.mu.Lock()
	asJSON := c.json
	c.mu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	if asJSON {
		b, err := protojson.Marshal(msg)
		if err != nil {
			return err
		}
		return c.ws.WriteMessage(websocket.TextMessage, b)
	}
	b, err := proto.Marshal(msg)
	if err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.BinaryMessage, b)
}

// read returns the next request; binary frames are protobuf, text frames
// protojson (and switch replies to JSON, as LiveKit does).
func (c *conn) read() (*livekit.SignalRequest, error) {
	typ, b, err := c.ws.ReadMessage()
	if err != nil {
		return nil, err
	}
	req := &livekit.SignalRequest{}
	switch typ {
	case websocket.BinaryMessage:
		err = proto.Unmarshal(b, req)
	case websocket.TextMessage:
		c.mu.Lock()
		c.json = true
		c.mu.Unlock()
		err = protojson.Unmarshal(b, req)
	default:
		err = errors.New("unexpected frame type")
	}
	if err != nil {
		return nil, &badFrameError{err}
	}
	return req, nil
}

// badFrameError is a frame that arrived whole but could not be decoded:
// the connection is fine, the frame is dropped.
type badFrameError struct{ err error }

func (e *badFrameError) Error() string { return "bad signal frame: " + e.err.Error() }
func (e *badFrameError) Unwrap() error { return e.err }
