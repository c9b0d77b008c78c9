package rooms

import "fmt"

// SeatNews is why a roundtable email goes out.
type SeatNews string

// Kinds of roundtable emails.
const (
	SeatTaken    SeatNews = "registered" // registered with a seat
	SeatPromoted SeatNews = "promoted"   // a seat freed up for the first on the waitlist
	SeatGivenUp  SeatNews = "withdrawn"  // the member gave the seat back
	CalledOff    SeatNews = "called_off" // the organisers cancelled the roundtable
	Changed      SeatNews = "changed"    // the time, length, place or title changed
)

// RoundtableSeatEmail carries a roundtable's calendar entry (a request or
// a cancellation) with words for what happened; when is in m's zone.
func RoundtableSeatEmail(m *Member, news SeatNews, title, when, link string, ics []byte, method CalendarMethod) Email {
	var ja, en, jaSub, enSub string
	switch news {
	case SeatPromoted:
		jaSub, enSub = "座談会: 席が空きました「"+title+"」", "Zadankai: a seat freed up for "+title
		ja, en = "キャンセル待ちをしていた座談会「%s」（%s）に席が空き、参加が確定しました。", "A seat freed up: you now have a place at \"%s\" (%s)."
	case SeatGivenUp:
		jaSub, enSub = "座談会: 「"+title+"」をキャンセルしました", "Zadankai: you withdrew from "+title
		ja, en = "座談会「%s」（%s）の参加をキャンセルしました。カレンダーから削除されます。", "You withdrew from \"%s\" (%s); your calendar will drop it."
	case CalledOff:
		jaSub, enSub = "座談会: 「"+title+"」は中止になりました", "Zadankai: "+title+" is called off"
		ja, en = "申し訳ありません。座談会「%s」（%s）は中止になりました。カレンダーから削除されます。", "Sorry: \"%s\" (%s) is called off; your calendar will drop it."
	case Changed:
		jaSub, enSub = "座談会: 「"+title+"」の日時・場所が変わりました", "Zadankai: "+title+" has changed"
		ja, en = "座談会「%s」の予定が変わりました。新しい日時は%sです。添付の招待で、カレンダーの予定も更新されます。", "\"%s\" has changed; it is now at %s. The attached invitation updates your calendar."
	default:
		jaSub, enSub = "座談会: 「"+title+"」に参加登録しました", "Zadankai: you are registered for "+title
		ja, en = "座談会「%s」（%s）に参加登録しました。カレンダーに追加できる招待を添付しています。", "You are registered for \"%s\" (%s). The attached invitation adds it to your calendar."
	}
	e := Email{To: m.Email, Subject: bilingual(m, jaSub, enSub),
		Text: bilingual(m, fmt.Sprintf("%s\n\n"+ja+"\n%s\n", San(m.DisplayName), title, when, link),
			fmt.Sprintf("Hello %s,\n\n"+en+"\n%s\n", m.DisplayName, title, when, link))}
	e.Attachments = []Attachment{{Name: "zadankai.ics", ContentType: "text/calendar; charset=utf-8; method=" + string(method), Data: ics}}
	return e
}
