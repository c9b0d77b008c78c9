// Package web holds the browser client that the binary embeds: pages,
// styles and ES modules. Third-party JavaScript (livekit-client) is
// bundled from npm at build time into static/dist and never committed.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:static
var static embed.FS

// FS returns the client's files, rooted at the site root.
func FS() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embed directive guarantees "static" exists
	}
	return sub
}
