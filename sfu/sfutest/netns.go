// Package sfutest runs media tests inside a network namespace the test
// creates itself: a veth pair in 198.18.0.0/24 is the only non-loopback
// interface there, so WebRTC stacks (which skip loopback) gather a usable
// candidate and no packet can leave this machine. Only _test.go files
// import it.
package sfutest

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// Env names the environment variable set inside the namespace.
const Env = "ZADANKAI_NETNS"

// NamespaceIP is the address inside the namespace.
const NamespaceIP = "198.18.0.2"

// RunInNamespace is for TestMain: outside a namespace it creates one,
// re-runs the test binary inside it with the same arguments and returns
// its exit code; inside, it runs the tests. Without root it says why and
// fails, unless ZADANKAI_SKIP_NETNS=1 asks to skip these tests.
func RunInNamespace(m *testing.M) int {
	if os.Getenv(Env) != "" {
		return m.Run()
	}
	if os.Getuid() != 0 {
		if os.Getenv("ZADANKAI_SKIP_NETNS") == "1" {
			fmt.Fprintln(os.Stderr, "sfutest: not root, media tests skipped (ZADANKAI_SKIP_NETNS=1)")
			return 0
		}
		fmt.Fprintln(os.Stderr, "sfutest: media tests need root to create a network namespace (set ZADANKAI_SKIP_NETNS=1 to skip)")
		return 1
	}
	suffix := strconv.Itoa(os.Getpid())
	ns, host, inner := "zdk-t"+suffix, "zth"+suffix, "ztn"+suffix
	cleanup := func() {
		_ = exec.Command("ip", "netns", "del", ns).Run()
		_ = exec.Command("ip", "link", "del", host).Run()
	}
	defer cleanup()
	for _, args := range [][]string{
		{"netns", "add", ns},
		{"-n", ns, "link", "set", "lo", "up"},
		{"link", "add", host, "type", "veth", "peer", "name", inner},
		{"link", "set", inner, "netns", ns},
		{"addr", "add", "198.18.0.1/24", "dev", host},
		{"link", "set", host, "up"},
		{"-n", ns, "addr", "add", NamespaceIP + "/24", "dev", inner},
		{"-n", ns, "link", "set", inner, "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "sfutest: ip %v: %v\n%s", args, err, out)
			return 1
		}
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns, exe}, os.Args[1:]...)...)
	cmd.Env = append(os.Environ(), Env+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
