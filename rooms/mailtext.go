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
		Text: fmt.Sprintf(`%sから、座談会 Zadankai（%s）への招待が届いています。
次のリンクからアカウントを作成してください（%sまで有効、1回だけ使えます）。

%s

お心当たりがない場合は、このメールを破棄してください。

---

%s invited you to Zadankai (%s).
Create your account with this link (valid until %s, usable once):

%s

If you did not expect this, you can ignore this message.
`, San(inviterName), where, exp, link, inviterName, where, exp, link),
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
	return Email{To: m.Email, Subject: "座談会 Zadankai パスワード再設定のご案内", Text: fmt.Sprintf(`%s

次のリンクから、1時間以内に新しいパスワードを設定してください（1回だけ使えます）。

%s

お心当たりがない場合は、このメールを破棄してください。パスワードはそのままです。
`, San(m.DisplayName), link)}
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

// bilingual picks the member's language.
func bilingual(m *Member, ja, en string) string {
	if m.Locale == "en" {
		return en
	}
	return ja
}

// RequestReceivedEmail tells m that someone asked for a consultation.
func RequestReceivedEmail(m *Member, from, link string) Email {
	return Email{To: m.Email,
		Subject: bilingual(m, "座談会: "+San(from)+"から相談の申し込みが届きました", "Zadankai: "+from+" asked you for a consultation"),
		Text: bilingual(m, fmt.Sprintf("%s\n\n%sから、1対1の相談の申し込みが届きました。\n都合のよい日時を選ぶか、お断りしてください（理由はお相手に伝わりません）。\n\n%s\n", San(m.DisplayName), San(from), link),
			fmt.Sprintf("Hello %s,\n\n%s asked you for a 1:1 consultation.\nPick a time that suits you, or decline (your reason is never shown to them):\n\n%s\n", m.DisplayName, from, link))}
}

// DeclinedEmail tells the requester, kindly and without the reason.
func DeclinedEmail(m *Member, by string) Email {
	return Email{To: m.Email, Subject: bilingual(m, "座談会: 相談の申し込みについて", "Zadankai: about your consultation request"),
		Text: bilingual(m, fmt.Sprintf("%s\n\n今回は%sのご都合が合いませんでした。ほかのおすすめの方にも、気軽に申し込んでみてください。\n", San(m.DisplayName), San(by)),
			fmt.Sprintf("Hello %s,\n\n%s cannot make it this time. Why not ask another of your recommended peers?\n", m.DisplayName, by))}
}

// CancelledEmail tells the other party a request was withdrawn.
func CancelledEmail(m *Member, by string) Email {
	return Email{To: m.Email, Subject: bilingual(m, "座談会: 相談がキャンセルされました", "Zadankai: a consultation was cancelled"),
		Text: bilingual(m, fmt.Sprintf("%s\n\n%sとの相談はキャンセルになりました。よくあることなので、どうぞ気になさらないでください。\n", San(m.DisplayName), San(by)),
			fmt.Sprintf("Hello %s,\n\nYour consultation with %s was cancelled. It happens; no worries.\n", m.DisplayName, by))}
}

// RescheduleEmail asks the other party to pick a new time.
func RescheduleEmail(m *Member, by, link string) Email {
	return Email{To: m.Email, Subject: bilingual(m, "座談会: 日程変更のお願い", "Zadankai: new times proposed"),
		Text: bilingual(m, fmt.Sprintf("%s\n\n%sから新しい候補日時が届きました。都合のよい日時を選んでください。\n\n%s\n", San(m.DisplayName), San(by), link),
			fmt.Sprintf("Hello %s,\n\n%s proposed new times. Please pick one:\n\n%s\n", m.DisplayName, by, link))}
}

// BookingEmail carries the calendar entry of a booked, changed or
// cancelled consultation; when is already in m's time zone.
func BookingEmail(m *Member, peer, when string, cancelled bool, ics []byte, method CalendarMethod) Email {
	e := Email{To: m.Email}
	if cancelled {
		e.Subject = bilingual(m, "座談会: "+when+"の相談はキャンセルになりました", "Zadankai: "+when+" consultation cancelled")
		e.Text = bilingual(m, fmt.Sprintf("%s\n\n%sの%sとの相談はキャンセルになりました。カレンダーからも削除されます。\n", San(m.DisplayName), when, San(peer)),
			fmt.Sprintf("Hello %s,\n\nYour %s consultation with %s is cancelled; your calendar will drop it.\n", m.DisplayName, when, peer))
	} else {
		e.Subject = bilingual(m, "座談会: "+when+"に相談が決まりました", "Zadankai: consultation booked for "+when)
		e.Text = bilingual(m, fmt.Sprintf("%s\n\n%sとの相談が%sに決まりました。添付の招待から、カレンダーに追加できます。\n", San(m.DisplayName), San(peer), when),
			fmt.Sprintf("Hello %s,\n\nYour consultation with %s is booked for %s. The attached invitation adds it to your calendar.\n", m.DisplayName, peer, when))
	}
	e.Attachments = []Attachment{{Name: "zadankai.ics", ContentType: "text/calendar; charset=utf-8; method=" + string(method), Data: ics}}
	return e
}

// ReminderEmail reminds m of an upcoming consultation.
func ReminderEmail(m *Member, peer, when, link string) Email {
	return Email{To: m.Email, Subject: bilingual(m, "座談会: まもなく相談の時間です（"+when+"）", "Zadankai: reminder, consultation at "+when),
		Text: bilingual(m, fmt.Sprintf("%s\n\n%sに%sとの相談があります。\n%s\n\n都合が悪くなったら、ワンタップで日程の変更やキャンセルができます。\n", San(m.DisplayName), when, San(peer), link),
			fmt.Sprintf("Hello %s,\n\nYou meet %s at %s.\n%s\n\nIf plans change, you can reschedule or cancel in one tap.\n", m.DisplayName, peer, when, link))}
}

// LocalTime formats t for m, in m's zone and language.
func LocalTime(m *Member, t time.Time) string {
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		loc = tokyo
	}
	if m.Locale == "en" {
		return t.In(loc).Format("Mon 2 Jan 15:04 MST")
	}
	wd := []string{"日", "月", "火", "水", "木", "金", "土"}[t.In(loc).Weekday()]
	return t.In(loc).Format("1月2日（") + wd + t.In(loc).Format("）15:04")
}

// RoundtableReminderEmail reminds m of a roundtable they take part in.
func RoundtableReminderEmail(m *Member, title, when, link string) Email {
	return Email{To: m.Email, Subject: bilingual(m, "座談会: まもなく「"+title+"」です（"+when+"）", "Zadankai: reminder, "+title+" at "+when),
		Text: bilingual(m, fmt.Sprintf("%s\n\n%sから座談会「%s」が始まります。開始15分前から入室できます。\n%s\n\n参加できなくなったら、キャンセルしていただくと、キャンセル待ちの方に席が回ります。\n", San(m.DisplayName), when, title, link),
			fmt.Sprintf("Hello %s,\n\nThe roundtable \"%s\" starts at %s. The room opens 15 minutes before:\n%s\n\nIf you cannot come, withdraw so someone on the waitlist gets your seat.\n", m.DisplayName, title, when, link))}
}
