package rooms

import "context"

// Email is one message to one person. Text is the plain-text body; the
// optional attachments carry calendar invitations.
type Email struct {
	To          string
	Subject     string
	Text        string
	Attachments []Attachment
}

// Attachment is a file sent with an email.
type Attachment struct {
	Name        string // e.g. "invite.ics"
	ContentType string // e.g. "text/calendar; method=REQUEST"
	Data        []byte
}

// Mailer sends emails. Implementations: SMTP (production) and the dev
// outbox that logs and keeps messages for the dev-mode page.
type Mailer interface {
	Send(ctx context.Context, e Email) error
}
