package rooms

import (
	"fmt"
	"strings"
	"time"
)

// BookingNews is why a consultation's calendar entry goes out.
type BookingNews string

// Kinds of booking emails.
const (
	BookingMade      BookingNews = "booked"    // a time was picked
	BookingMoved     BookingNews = "moved"     // both agreed on a new time
	BookingCancelled BookingNews = "cancelled" // one of them called it off
)

// Method is the calendar method that carries news.
func (n BookingNews) Method() CalendarMethod {
	if n == BookingCancelled {
		return MethodCancel
	}
	return MethodRequest
}

// ConsultationCalendarEmail carries a consultation's calendar entry with
// words for what happened; when is in m's zone. A moved booking's entry
// keeps its UID with a higher SEQUENCE, so calendars update it in place.
func ConsultationCalendarEmail(m *Member, peer, when string, news BookingNews, ics []byte) Email {
	if news != BookingMoved {
		return BookingEmail(m, peer, when, news == BookingCancelled, ics, news.Method())
	}
	e := Email{To: m.Email, Subject: bilingual(m, "座談会: 相談の日時が "+when+" に変わりました", "Zadankai: your consultation moved to "+when),
		Text: bilingual(m, fmt.Sprintf("%s\n\n%sとの相談の日時が %s に変わりました。添付の招待で、カレンダーの予定も新しい日時に更新されます。\n", San(m.DisplayName), San(peer), when),
			fmt.Sprintf("Hello %s,\n\nYour consultation with %s has moved to %s. The attached invitation updates your calendar.\n", m.DisplayName, peer, when))}
	e.Attachments = []Attachment{{Name: "zadankai.ics", ContentType: "text/calendar; charset=utf-8; method=" + string(MethodRequest), Data: ics}}
	return e
}

// MoveProposedEmail asks m, calmly, whether a booked consultation may
// move to one of times (already in m's zone): the booking at when stands
// until she answers.
func MoveProposedEmail(m *Member, by, when string, times []string, note, link string) Email {
	ja := fmt.Sprintf("%s\n\n%sから、%s の相談について、新しい日時の候補が届きました。\n\n%s\n", San(m.DisplayName), San(by), when, bullets(times, "・"))
	en := fmt.Sprintf("Hello %s,\n\n%s proposed new times for your consultation on %s:\n\n%s\n", m.DisplayName, by, when, bullets(times, "- "))
	if note != "" {
		ja += fmt.Sprintf("\n%sからのひとこと：%s\n", San(by), note)
		en += fmt.Sprintf("\nTheir note: %s\n", note)
	}
	ja += fmt.Sprintf("\n候補を選ぶと、その日時に変わります。どれも都合が合わなければ、今の日時のままにできます。お返事があるまで、%s の予定はそのままです。\n\n%s\n", when, link)
	en += fmt.Sprintf("\nPick one and the consultation moves there; if none suits you, keep the current time. Until you answer, %s stands.\n\n%s\n", when, link)
	return Email{To: m.Email, Subject: bilingual(m, "座談会: "+San(by)+"から新しい日時の候補が届きました", "Zadankai: "+by+" proposed new times"),
		Text: bilingual(m, ja, en)}
}

// MoveOffEmail tells m that proposed new times are off and the booking
// stays at when: by kept the current time (m proposed), or by, who
// proposed, took the proposal back.
func MoveOffEmail(m *Member, by, when string, withdrawn bool) Email {
	if withdrawn {
		return Email{To: m.Email, Subject: bilingual(m, "座談会: 相談は予定どおり "+when+" です", "Zadankai: your consultation stays at "+when),
			Text: bilingual(m, fmt.Sprintf("%s\n\n%sが、日程変更の提案を取り下げました。相談は予定どおり %s です。\n", San(m.DisplayName), San(by), when),
				fmt.Sprintf("Hello %s,\n\n%s took back the new times they proposed. Your consultation stays at %s.\n", m.DisplayName, by, when))}
	}
	return Email{To: m.Email, Subject: bilingual(m, "座談会: 相談は予定どおり "+when+" です", "Zadankai: your consultation stays at "+when),
		Text: bilingual(m, fmt.Sprintf("%s\n\n%sから、今の日時のままにしたいとお返事がありました。相談は予定どおり %s です。\nその時間が難しくなった場合は、相談のページから別の候補を送るか、キャンセルできます。\n", San(m.DisplayName), San(by), when),
			fmt.Sprintf("Hello %s,\n\n%s would rather keep the current time, so your consultation stays at %s.\nIf that time no longer works for you, you can propose other times or cancel on the consultations page.\n", m.DisplayName, by, when))}
}

func bullets(items []string, mark string) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(mark + it)
	}
	return b.String()
}

// LocalSlot formats s for m, in m's zone and language, with its end:
// "1月5日（月）12:00〜12:30" or "Mon 5 Jan 12:00–12:30 JST".
func LocalSlot(m *Member, s Slot) string {
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		loc = tokyo
	}
	end := s.End().In(loc)
	if m.Locale == "en" {
		start := LocalTime(m, s.Start)
		i := strings.LastIndexByte(start, ' ') // before the zone's name
		return start[:i] + end.Format("–15:04") + start[i:]
	}
	return LocalTime(m, s.Start) + end.Format("〜15:04")
}
