package main

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/web"
)

// mountMedia mounts the LiveKit signal WebSocket (/rtc…) and reserves the
// RoomService API (/twirp/…), which answers "unimplemented" until it lands.
func mountMedia(r *gin.Engine, sig http.Handler) {
	r.Any("/rtc", gin.WrapH(sig))
	r.Any("/rtc/*path", gin.WrapH(sig))
	r.POST("/twirp/*method", func(c *gin.Context) {
		c.JSON(http.StatusNotImplemented, gin.H{"code": "unimplemented", "msg": "RoomService is not available in this build"})
	})
}

// mountWeb serves the embedded browser client: each top-level NAME.html
// as the page /NAME (index.html as /), and every file under /assets/.
func mountWeb(r *gin.Engine) {
	files := web.FS()
	names, err := fs.Glob(files, "*.html")
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	for _, name := range names {
		html, err := fs.ReadFile(files, name)
		if err != nil {
			panic(err) // the file was just listed from the embedded FS
		}
		path := "/" + strings.TrimSuffix(name, ".html")
		if path == "/index" {
			path = "/"
		}
		r.GET(path, func(c *gin.Context) {
			c.Header("Cache-Control", "no-cache")
			c.Data(http.StatusOK, "text/html; charset=utf-8", html)
		})
	}
	r.StaticFS("/assets", http.FS(files))
}
