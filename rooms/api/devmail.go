package api

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"
)

var devMailPage = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dev mail</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><main><h1>開発用メール / Dev mail</h1>
<p>Development mode: these emails were not sent. 開発モードのため送信されていません。</p>
{{range .}}<article><h2>{{.Email.Subject}}</h2><p>To: {{.Email.To}} · {{.At.Format "2006-01-02 15:04:05"}}</p>
<pre class="mail-text">{{.Email.Text}}</pre>{{range .Email.Attachments}}<p>📎 {{.Name}}</p>{{end}}</article><hr>
{{else}}<p>No mail yet. まだメールはありません。</p>{{end}}
</main></body></html>`))

// devMail lists the outbox; registered only in dev mode.
func (a *API) devMail(c *gin.Context) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusOK)
	if err := devMailPage.Execute(c.Writer, a.outbox.Messages()); err != nil {
		a.log.WarnContext(c.Request.Context(), "rendering dev mail", "err", err)
	}
}
