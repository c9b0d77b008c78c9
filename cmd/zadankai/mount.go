package main

import (
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/livekit/protocol/auth"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/signaling"
	"github.com/zadankai/zadankai/web"
)

// mountMedia mounts the LiveKit signal WebSocket (/rtc…) and the
// RoomService API (/twirp/livekit.RoomService/…) of the embedded SFU.
func mountMedia(r *gin.Engine, sig *signaling.Server) {
	r.Any("/rtc", gin.WrapH(sig))
	r.Any("/rtc/*path", gin.WrapH(sig))
	r.POST("/twirp/*method", gin.WrapH(sig.RoomServiceHandler()))
}

// mountWeb serves the embedded browser client: each top-level NAME.html
// as the page /NAME (index.html as /), and every file under /assets/.
func mountWeb(r *gin.Engine, dev bool) {
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
		if path == "/dev" && !dev {
			continue // the dev room exists only in development mode
		}
		r.GET(path, func(c *gin.Context) {
			c.Header("Cache-Control", "no-cache")
			c.Data(http.StatusOK, "text/html; charset=utf-8", html)
		})
	}
	r.StaticFS("/assets", http.FS(files))
}

// mountDevToken serves /dev/token?room=&name= in development mode: a
// join token for any room, signed with the dev key, for the dev room page.
func mountDevToken(r *gin.Engine, key, secret, mediaURL string) {
	r.GET("/dev/token", func(c *gin.Context) {
		room, name := c.Query("room"), c.Query("name")
		if room == "" || name == "" || len(room) > 64 || len(name) > 64 {
			c.JSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "invalid", "message": "room and name are required (≤ 64 characters)"}})
			return
		}
		jwt, err := auth.NewAccessToken(key, secret).SetIdentity(name + "-" + rooms.NewSecret()[:6]).SetName(name).
			SetValidFor(2 * time.Hour).SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: room}).ToJWT()
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": gin.H{"code": "internal", "message": err.Error()}})
			return
		}
		c.JSON(http.StatusOK, gin.H{"url": mediaURL, "token": jwt})
	})
}
