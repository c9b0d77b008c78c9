package rooms

import (
	"fmt"
	"time"
)

// AccountExistsEmail goes to an account's own address when someone
// invites that address again. The inviter is answered as for a new
// address (whether an email has an account is nobody else's business);
// only the owner learns of it, with the way back in.
func AccountExistsEmail(m *Member, inviterName, companyName, loginURL, resetURL string) Email {
	where := companyName
	if where == "" {
		where = "Zadankai"
	}
	return Email{To: m.Email,
		Subject: bilingual(m, "座談会: このアドレスはすでに登録されています", "Zadankai: this address already has an account"),
		Text: bilingual(m, fmt.Sprintf(`%s

%s（%s）が、このアドレスを座談会 Zadankai に招待しようとしましたが、このアドレスにはすでにアカウントがあります。
新しいアカウントは作られていません。いつものようにログインしてください。

%s

パスワードを忘れた場合はこちら：%s
所属が変わった場合は、運営スタッフにご連絡ください。お心当たりがない場合は、このメールを破棄してください。
`, San(m.DisplayName), San(inviterName), where, loginURL, resetURL), fmt.Sprintf(`Hello %s,

%s (%s) tried to invite this address to Zadankai, but it already has an account,
so no new one was made. Log in as usual:

%s

Forgot your password? %s
If you moved to another company, tell the operators. If you did not expect this, ignore this message.
`, m.DisplayName, inviterName, where, loginURL, resetURL))}
}

// OperatorWelcomeEmail carries the link with which the first operator
// (made by `zadankai operator add`) sets a password.
func OperatorWelcomeEmail(m *Member, link string, expiresAt time.Time) Email {
	expires := expiresAt.In(tokyo).Format("2006-01-02 15:04 MST")
	return Email{To: m.Email, Subject: "座談会 Zadankai: 運営アカウントのパスワード設定 / Set your operator password",
		Text: fmt.Sprintf(`座談会 Zadankai の運営アカウント（%s）が作成されました。
次のリンクからパスワードを設定してください（%sまで有効、1回だけ使えます）。

%s

---

An operator account (%s) was created for you on Zadankai.
Set its password with this link (valid until %s, usable once):

%s
`, m.Email, expires, link, m.Email, expires, link)}
}
