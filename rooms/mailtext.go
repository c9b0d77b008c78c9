package rooms

import (
	"fmt"
	"time"
)

// InvitationEmail is the message with an invitation link. The invitee has
// no language setting yet, so it is written in Japanese, then English.
func InvitationEmail(iv *Invitation, inviterName, companyName, link string) Email {
	where := companyName
	if where == "" {
		where = "Zadankai"
	}
	exp := iv.ExpiresAt.In(tokyo).Format("2006-01-02 15:04 MST")
	return Email{
		To:      iv.Email,
		Subject: "座談会 Zadankai へのご招待 / Your invitation to Zadankai",
		Text: fmt.Sprintf(`%s さんから、座談会（%s）への招待が届いています。
次のリンクからアカウントを作成してください（%s まで有効、1回のみ使えます）:

%s

心当たりがない場合は、このメールを破棄してください。

---

%s invited you to Zadankai (%s).
Create your account with this link (valid until %s, usable once):

%s

If you did not expect this, you can ignore this message.
`, inviterName, where, exp, link, inviterName, where, exp, link),
	}
}

// PasswordResetEmail is the message with a password reset link.
func PasswordResetEmail(m *Member, link string) Email {
	if m.Locale == "en" {
		return Email{To: m.Email, Subject: "Reset your Zadankai password", Text: fmt.Sprintf(`Hello %s,

Use this link within one hour to set a new password (it works once):

%s

If you did not ask for this, ignore this message; your password stays as it is.
`, m.DisplayName, link)}
	}
	return Email{To: m.Email, Subject: "座談会 パスワード再設定のご案内", Text: fmt.Sprintf(`%s さん

次のリンクから1時間以内に新しいパスワードを設定してください（1回のみ使えます）:

%s

お心当たりがない場合は、このメールを破棄してください。パスワードは変わりません。
`, m.DisplayName, link)}
}

// tokyo is the zone for dates in invitations, whose readers' zones are
// not known yet; most members are in Japan.
var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return time.FixedZone("JST", 9*3600)
	}
	return loc
}()
