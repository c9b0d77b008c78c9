package main

import (
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/web"
)

// mountMedia reserves the media plane's mount points: the LiveKit signal
// WebSocket (/rtc…) and the RoomService API (/twirp/…). Until the embedded
// SFU is wired they answer 503 with the reason, which LiveKit clients show.
func mountMedia(r *gin.Engine) {
	unavailable := func(c *gin.Context) {
		c.Header("Access-Control-Allow-Origin", "*")
		c.String(http.StatusServiceUnavailable, "media plane is not available in this build")
	}
	r.Any("/rtc", unavailable)
	r.Any("/rtc/*path", unavailable)
	r.POST("/twirp/*method", func(c *gin.Context) {
		c.JSON(http.StatusNotImplemented, gin.H{"code": "unimplemented", "msg": "RoomService is not available in this build"})
	})
}

// pages maps page paths to the embedded HTML that serves them.
var pages = map[string]string{"/": "index.html", "/invite": "invite.html", "/reset": "reset.html"}

// mountWeb serves the embedded browser client: its pages and /assets/….
func mountWeb(r *gin.Engine) {
	files := web.FS()
	for path, name := range pages {
		html, err := fs.ReadFile(files, name)
		if err != nil {
			panic(err) // pages are embedded at build time
		}
		r.GET(path, func(c *gin.Context) {
			c.Header("Cache-Control", "no-cache")
			c.Data(http.StatusOK, "text/html; charset=utf-8", html)
		})
	}
	r.StaticFS("/assets", http.FS(files))
}
