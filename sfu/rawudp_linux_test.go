//go:build linux && (amd64 || arm64)

package sfu

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"
)

// rawPair opens two loopback sockets with the media socket's raw calls.
func rawPair(t *testing.T) (a, b *rawUDP) {
	t.Helper()
	open := func() *rawUDP {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		// a datagram lost to a wrong address must fail the test, not hang it
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		r, ok := wrapMediaConn(c, nil).(*rawUDP)
		if !ok {
			t.Fatal("the media socket was not wrapped")
		}
		return r
	}
	return open(), open()
}

func addrPort(c *rawUDP) netip.AddrPort { return c.LocalAddr().(*net.UDPAddr).AddrPort() }

// Datagrams written and read with raw calls arrive whole, in order, and
// name their sender's address and port (byte order included), through
// both the AddrPort calls Pion's mux uses and net.PacketConn's.
func TestRawMediaSocketCarriesDatagrams(t *testing.T) {
	a, b := rawPair(t)
	buf := make([]byte, 1500)
	for i := range 200 {
		msg := bytes.Repeat([]byte{byte(i)}, 1+i*7%1200)
		var err error
		if i%2 == 0 {
			_, err = a.WriteToAddrPort(msg, addrPort(b))
		} else {
			_, err = a.WriteTo(msg, b.LocalAddr())
		}
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		n, from, err := b.ReadFromAddrPort(buf)
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if from != addrPort(a) {
			t.Fatalf("datagram %d came from %v, sent from %v", i, from, addrPort(a))
		}
		if !bytes.Equal(buf[:n], msg) {
			t.Fatalf("datagram %d: got %d bytes, sent %d", i, n, len(msg))
		}
	}
	if _, err := b.WriteToAddrPort([]byte("back"), addrPort(a)); err != nil {
		t.Fatal(err)
	}
	n, from, err := a.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "back" || from.(*net.UDPAddr).AddrPort() != addrPort(b) {
		t.Fatalf("ReadFrom: %q from %v, %v", buf[:n], from, err)
	}
}

// A read waits in the poller for a datagram that comes later, honours a
// deadline, and ends with net.ErrClosed when the socket closes (how
// Pion's mux stops).
func TestRawMediaSocketWaitsAndCloses(t *testing.T) {
	a, b := rawPair(t)
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 100)
		n, _, err := b.ReadFromAddrPort(buf)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(buf[:n])
	}()
	if _, err := a.WriteToAddrPort([]byte("late"), addrPort(b)); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "late" {
		t.Fatalf("the waiting read got %q", s)
	}

	_ = b.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, _, err := b.ReadFromAddrPort(make([]byte, 100)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a read past its deadline: %v", err)
	}
	_ = b.SetReadDeadline(time.Time{})

	done := make(chan error, 1)
	go func() {
		_, _, err := b.ReadFromAddrPort(make([]byte, 100))
		done <- err
	}()
	b.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("a read on a closed socket: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("closing the socket did not end the read")
	}
	if _, err := b.WriteToAddrPort([]byte("x"), addrPort(a)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("a write on a closed socket: %v", err)
	}
}

// A write the kernel refuses is an error the caller sees, not a silent
// success.
func TestRawMediaSocketReportsRefusedWrites(t *testing.T) {
	a, _ := rawPair(t)
	if _, err := a.WriteToAddrPort(make([]byte, 70000), netip.MustParseAddrPort("127.0.0.1:9")); err == nil {
		t.Fatal("a datagram over 64 KiB was accepted")
	}
}

// BenchmarkRawMediaSocket sends and receives one 1100-byte datagram per
// op over loopback with the raw calls, against the ordinary ones.
func BenchmarkRawMediaSocket(b *testing.B) {
	for _, raw := range []bool{false, true} {
		name := map[bool]string{false: "net", true: "raw"}[raw]
		b.Run(name, func(b *testing.B) {
			open := func() (net.PacketConn, netip.AddrPort) {
				c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { c.Close() })
				ap := c.LocalAddr().(*net.UDPAddr).AddrPort()
				if raw {
					return wrapMediaConn(c, nil), ap
				}
				return c, ap
			}
			type rw interface {
				WriteToUDPAddrPort([]byte, netip.AddrPort) (int, error)
				ReadFromUDPAddrPort([]byte) (int, netip.AddrPort, error)
			}
			type rawRW interface {
				WriteToAddrPort([]byte, netip.AddrPort) (int, error)
				ReadFromAddrPort([]byte) (int, netip.AddrPort, error)
			}
			tx, _ := open()
			rx, to := open()
			msg, buf := make([]byte, 1100), make([]byte, 1500)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if raw {
					if _, err = tx.(rawRW).WriteToAddrPort(msg, to); err == nil {
						_, _, err = rx.(rawRW).ReadFromAddrPort(buf)
					}
				} else {
					if _, err = tx.(rw).WriteToUDPAddrPort(msg, to); err == nil {
						_, _, err = rx.(rw).ReadFromUDPAddrPort(buf)
					}
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
