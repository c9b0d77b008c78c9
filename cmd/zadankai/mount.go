package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/livekit/protocol/auth"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/remotemedia"
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

// notFoundPage is the page a browser gets for an address that does not
// exist (the API answers it; see api.Params.NotFoundPage).
const notFoundPage = "404.html"

// notFoundHTML returns the embedded not-found page.
func notFoundHTML() []byte {
	b, err := fs.ReadFile(web.FS(), notFoundPage)
	if err != nil {
		panic(err) // embedded with the client; a build without it is broken
	}
	return b
}

// mediaWebhook is the receiver of a LiveKit media plane's webhooks, to
// be served at media.webhook (nil when that is not set), verified with
// the configured keys: it keeps the room rules through media and records
// what happens in the rooms (who is in, who came, which room finished)
// in store.
func mediaWebhook(cfg *Config, store rooms.Store, rules remotemedia.Rules, media rooms.MediaPlane, log *slog.Logger) (http.Handler, error) {
	if cfg.Media.Webhook == "" {
		return nil, nil
	}
	return remotemedia.NewReceiver(remotemedia.ReceiverParams{Keys: cfg.Keys, Rules: rules, Media: media,
		Events: rooms.RoomEvents{Store: store}, Logger: log.With("component", "media_webhook")})
}

// mountWeb serves the embedded browser client: each top-level NAME.html
// as the page /NAME (index.html as /), every file under /assets/, and the
// icon browsers ask for at /favicon.ico.
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
		if path == "/dev" && !dev || name == notFoundPage {
			continue // the dev room exists only in development mode; 404.html is no page of its own
		}
		page := func(c *gin.Context) {
			c.Header("Cache-Control", "no-cache")
			c.Data(http.StatusOK, "text/html; charset=utf-8", html)
		}
		r.GET(path, page)
		r.HEAD(path, page) // livekit-client probes its server's root with HEAD after the browser comes back online
		if path != "/" {
			r.GET(path+".html", page) // links may name the file (e.g. /room.html?roundtable=…)
		}
	}
	r.StaticFS("/assets", http.FS(files))
	r.GET("/favicon.ico", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/assets/favicon.svg") })
	mountApp(r, files)
}

// mountApp serves what makes the client an installable app at the site
// root: the manifest, and the service worker, whose scope is the folder
// it is served from. The worker carries a digest of every embedded file,
// so a release that changes anything is a new worker (which the browser
// installs and switches to on the next open).
func mountApp(r *gin.Engine, files fs.FS) {
	manifest, err := fs.ReadFile(files, "manifest.webmanifest")
	if err != nil {
		panic(err) // embedded with the client; a build without it is broken
	}
	sw, err := fs.ReadFile(files, "sw.js")
	if err != nil {
		panic(err)
	}
	sw = bytes.Replace(sw, []byte("__ZADANKAI_VERSION__"), []byte(digest(files)), 1)
	r.GET("/manifest.webmanifest", func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "application/manifest+json", manifest)
	})
	r.GET("/sw.js", func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache") // browsers check for a new worker on every open
		c.Data(http.StatusOK, "text/javascript; charset=utf-8", sw)
	})
}

// digest is a short hash of every file in files, names included.
func digest(files fs.FS) string {
	h := sha256.New()
	_ = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// devRoles are the room roles /dev/token can give, as the control plane
// names them in its tokens' "role" attribute; "" means an ordinary
// participant without the attribute.
var devRoles = map[string]bool{"": true, "participant": true, "speaker": true, "audience": true, "moderator": true}

// mountDevToken serves /dev/token?room=&name=[&role=] in development
// mode: a join token for any room, signed with the dev key, for the dev
// room page and the real room page's dev mode. role=moderator marks the
// moderator (without RoomService power: client tokens never have it);
// audience may not publish. Every token may set its own attributes
// (raised hand, stepping away), as real tokens do.
func mountDevToken(r *gin.Engine, key, secret, mediaURL string) {
	r.GET("/dev/token", func(c *gin.Context) {
		room, name, role := c.Query("room"), c.Query("name"), c.Query("role")
		if room == "" || name == "" || len(room) > 64 || len(name) > 64 {
			c.JSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "invalid", "field": "room", "message": "room and name are required (≤ 64 characters)"}})
			return
		}
		if !devRoles[role] {
			c.JSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "unknown_value", "field": "role", "message": "role must be participant, speaker, audience or moderator"}})
			return
		}
		yes, publish := true, role != "audience"
		tok := auth.NewAccessToken(key, secret).SetIdentity(name + "-" + rooms.NewSecret()[:6]).SetName(name).
			SetValidFor(2 * time.Hour).SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: room,
			CanPublish: &publish, CanSubscribe: &yes, CanPublishData: &yes, CanUpdateOwnMetadata: &yes})
		if role != "" {
			tok.SetAttributes(map[string]string{"role": role})
		}
		jwt, err := tok.ToJWT()
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": gin.H{"code": "internal", "message": err.Error()}})
			return
		}
		c.JSON(http.StatusOK, gin.H{"url": mediaURL, "token": jwt, "role": role})
	})
}
