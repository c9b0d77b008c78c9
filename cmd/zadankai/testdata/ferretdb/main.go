// Command ferretdb runs the FerretDB test server (ferrettest) as a process
// of its own for the process tests: its URI on the first line of stdout,
// until stdin closes. Built by the tests, never shipped; a separate
// process keeps it out of the race detector's slowdown of the test.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/zadankai/zadankai/rooms/mongostore/ferrettest"
)

func main() {
	srv, err := ferrettest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(srv.URI)
	_, _ = io.Copy(io.Discard, os.Stdin) // the test ends: stdin closes
	srv.Stop()
}
