package api

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// HTTPLimits bound what one HTTP connection, and one address, may hold.
// WebSockets (the signal connection) are not cut by the timeouts: the
// upgrade clears the server's deadlines and the signaling layer keeps its
// own (ping and idle timeouts).
type HTTPLimits struct {
	ReadHeaderTimeout time.Duration // to read a request's headers
	ReadTimeout       time.Duration // to read a whole request, body included
	WriteTimeout      time.Duration // from the end of the headers to the end of the response
	IdleTimeout       time.Duration // between two requests on a kept-alive connection
	MaxHeaderBytes    int
	// MaxConnectionsPerIP caps the connections one address holds open;
	// those of TrustedProxies are not counted (each carries many people).
	MaxConnectionsPerIP int
	TrustedProxies      []string
}

// NewServer returns an HTTP server for h with lim's timeouts, and ln
// wrapped so that one address holds at most lim.MaxConnectionsPerIP
// connections: slow or idle connections from one place cannot use up the
// server's file descriptors.
func NewServer(h http.Handler, ln net.Listener, lim HTTPLimits, log *slog.Logger, reg prometheus.Registerer) (*http.Server, net.Listener, error) {
	refused := prometheus.NewCounter(prometheus.CounterOpts{Name: "zadankai_http_connections_refused_total",
		Help: "Connections closed at once because their address already held server.max_connections_per_ip."})
	if err := reg.Register(refused); err != nil {
		return nil, nil, err
	}
	l := &connLimiter{Listener: ln, perIP: lim.MaxConnectionsPerIP, refused: refused, open: map[string]int{}}
	for _, s := range lim.TrustedProxies {
		n, err := proxyNet(s)
		if err != nil {
			return nil, nil, err
		}
		l.trusted = append(l.trusted, n)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: lim.ReadHeaderTimeout, ReadTimeout: lim.ReadTimeout,
		WriteTimeout: lim.WriteTimeout, IdleTimeout: lim.IdleTimeout, MaxHeaderBytes: lim.MaxHeaderBytes,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	return srv, l, nil
}

// proxyNet parses a trusted proxy as gin does: an address or a network.
func proxyNet(s string) (*net.IPNet, error) {
	if !validProxy(s) {
		return nil, fmt.Errorf("api: trusted proxy %q is not an IP address or CIDR network", s)
	}
	if ip := net.ParseIP(s); ip != nil {
		bits := 128
		if ip.To4() != nil {
			ip, bits = ip.To4(), 32
		}
		return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
	}
	_, n, err := net.ParseCIDR(s)
	return n, err
}

// connLimiter is a listener that counts open connections per address.
type connLimiter struct {
	net.Listener
	// immutable
	perIP   int
	trusted []*net.IPNet
	refused prometheus.Counter

	mu   sync.Mutex
	open map[string]int // by address; guarded by mu
}

// Accept returns the next connection its address may open; the others
// get a short 429 and are closed without reaching the server.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := ""
		if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
			ip = a.IP.String()
			if l.isTrusted(a.IP) {
				return c, nil
			}
		}
		if l.take(ip) {
			return &countedConn{Conn: c, l: l, ip: ip}, nil
		}
		l.refused.Inc()
		refuseConn(c)
	}
}

func (l *connLimiter) isTrusted(ip net.IP) bool {
	for _, n := range l.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func (l *connLimiter) take(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip] >= l.perIP {
		return false
	}
	l.open[ip]++
	return true
}

func (l *connLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
}

const tooManyConnections = `{"error":{"code":"too_many_connections","message":"too many open connections from this address"}}`

// refuseConn answers a connection over the cap and closes it. The answer
// fits in the socket's buffer, and the deadline keeps a peer that reads
// nothing from holding Accept up.
func refuseConn(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	fmt.Fprintf(c, "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
		len(tooManyConnections), tooManyConnections)
	_ = c.Close()
}

// countedConn gives its address's slot back when closed (once, however
// often Close is called, hijacked WebSockets included).
type countedConn struct {
	net.Conn
	l    *connLimiter
	ip   string
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.l.release(c.ip) })
	return c.Conn.Close()
}
