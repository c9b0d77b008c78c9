package sfutest

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/zadankai/zadankai/internal/sockbuf"
)

// HogCPU keeps every core busy until the test ends, as other work on a
// shared machine does: one spinning process per core, at the test's own
// priority, scheduled by the kernel (not goroutines, which Go's
// scheduler would share out its own way).
func HogCPU(t testing.TB) {
	t.Helper()
	for range runtime.NumCPU() {
		cmd := exec.Command("sh", "-c", "while :; do :; done")
		if err := cmd.Start(); err != nil {
			t.Fatalf("cpu hog: %v", err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
	}
}

// UDPDrops returns, by local port, the datagrams the kernel dropped on
// the UDP sockets of this network namespace (a full receive buffer: the
// reader fell behind), from /proc/net/udp; nil if it cannot be read.
func UDPDrops() map[int]int64 {
	b, err := os.ReadFile("/proc/net/udp")
	if err != nil {
		return nil
	}
	drops := map[int]int64{}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 13 {
			continue
		}
		_, port, _ := strings.Cut(f[1], ":")
		p, err1 := strconv.ParseInt(port, 16, 32)
		n, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 == nil && err2 == nil {
			drops[int(p)] += n
		}
	}
	return drops
}

// GrowUDPBuffers gives every UDP socket of this process, except the one
// on port skip, a receive buffer of size bytes: test clients share one
// starved process where browsers each have their own (see sockbuf).
func GrowUDPBuffers(t testing.TB, skip, size int) {
	t.Helper()
	if err := sockbuf.GrowUDP(skip, size); err != nil {
		t.Fatal(err)
	}
}
