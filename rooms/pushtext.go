package rooms

import (
	"fmt"
	"strings"
)

// NoticeEvent is what happened, which picks a notification's words.
type NoticeEvent string

// Events that notify a member.
const (
	EventRecommendations  NoticeEvent = "recommendations"
	EventRequest          NoticeEvent = "request"
	EventAccepted         NoticeEvent = "accepted"
	EventDeclined         NoticeEvent = "declined"
	EventRescheduled      NoticeEvent = "rescheduled"
	EventCancelled        NoticeEvent = "cancelled"
	EventTimeKept         NoticeEvent = "time_kept"
	EventConsultationSoon NoticeEvent = "consultation_soon"
	EventRoundtableSoon   NoticeEvent = "roundtable_soon"
	EventSeat             NoticeEvent = "seat"
	EventCalledOff        NoticeEvent = "called_off"
)

// Notice is one notification before it is worded for its reader.
type Notice struct {
	Event NoticeEvent
	// Name is the other person's display name, or a roundtable's title;
	// it reaches a lock screen only when the reader allows names.
	Name string
	// Path is the page opened on tap, e.g. "/consultations".
	Path string
}

// Kind is the preference group of n's event.
func (n Notice) Kind() NoticeKind {
	switch n.Event {
	case EventRecommendations:
		return NoticeRecommendations
	case EventRequest:
		return NoticeRequests
	case EventConsultationSoon, EventRoundtableSoon:
		return NoticeReminders
	case EventSeat, EventCalledOff:
		return NoticeRoundtables
	}
	return NoticeUpdates
}

// Urgent reports whether n goes out even in quiet hours: only a
// starting-now reminder does; everything else waits for the morning.
func (n Notice) Urgent() bool { return n.Kind() == NoticeReminders }

// PushMessage is the payload the service worker shows.
type PushMessage struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
	Tag   string `json:"tag"`
}

// noticeTexts holds, per event, the Japanese and English text without a
// name, then with one (%s: the name, or the title in 「」 or quotes).
var noticeTexts = map[NoticeEvent][4]string{
	EventRecommendations: {"今週のおすすめの方が届きました", "Your recommended peers for this week are here", "", ""},
	EventRequest: {"新しい相談のお申し込みがあります", "You have a new consultation request",
		"%sから相談のお申し込みがあります", "%s asked you for a consultation"},
	EventAccepted: {"相談の日時が決まりました", "Your consultation is booked",
		"%sとの相談の日時が決まりました", "Your consultation with %s is booked"},
	EventDeclined: {"相談のお申し込みについてお知らせがあります", "News about your consultation request",
		"今回は%sのご都合が合いませんでした", "%s cannot make it this time"},
	EventRescheduled: {"相談の日程変更のご相談があります", "New times were proposed for a consultation",
		"%sから日程変更のご相談があります", "%s proposed new times"},
	EventCancelled: {"相談がキャンセルになりました", "A consultation was cancelled",
		"%sとの相談がキャンセルになりました", "Your consultation with %s was cancelled"},
	EventTimeKept: {"相談の日時は変わらずそのままです", "Your consultation keeps its time",
		"%sとの相談の日時はそのままです", "Your consultation with %s keeps its time"},
	// A consultation's room opens 10 minutes before the start (a
	// roundtable's 15), while reminders go 15 minutes before.
	EventConsultationSoon: {"まもなく相談が始まります。開始10分前から入室できます", "Your consultation starts soon. The room opens 10 minutes before",
		"まもなく%sとの相談です。開始10分前から入室できます", "You meet %s soon. The room opens 10 minutes before"},
	EventRoundtableSoon: {"まもなく座談会が始まります。入室できます", "Your roundtable starts soon. The room is open",
		"まもなく「%s」が始まります。入室できます", "\"%s\" starts soon. The room is open"},
	EventSeat: {"キャンセル待ちの席が確保できました", "A seat opened up for you",
		"「%s」の席が確保できました", "You have a seat at \"%s\""},
	EventCalledOff: {"座談会が中止になりました", "A roundtable was called off",
		"「%s」は中止になりました", "\"%s\" was called off"},
}

// Message words n for a reader in locale; names says whether she allows
// the other person's name (or a roundtable's title) on her lock screen.
// Nothing else about anyone ever goes in: no child information, no note.
func (n Notice) Message(locale, baseURL string, names bool) PushMessage {
	t := noticeTexts[n.Event]
	i := 0
	if locale == "en" {
		i = 1
	}
	body := t[i]
	if names && n.Name != "" && t[2+i] != "" {
		name := n.Name
		if i == 0 && n.Kind() != NoticeRoundtables && n.Event != EventRoundtableSoon {
			name = San(name)
		}
		body = fmt.Sprintf(t[2+i], name)
	}
	return PushMessage{Title: "座談会 Zadankai", Body: body, URL: strings.TrimSuffix(baseURL, "/") + n.Path, Tag: string(n.Event)}
}

// RecommendationsEmail tells m her new batch of recommended peers is
// ready (the email of a member without a subscribed device).
func RecommendationsEmail(m *Member, link string) Email {
	return Email{To: m.Email, Subject: bilingual(m, "座談会: 今週のおすすめの方が届きました", "Zadankai: your recommended peers for this week"),
		Text: bilingual(m, fmt.Sprintf("%s\n\n今週のおすすめの方が届きました。気になる方がいれば、気軽に相談を申し込んでみてください。\n\n%s\n\n通知の受け取り方はプロフィールのページで変えられます。\n", San(m.DisplayName), link),
			fmt.Sprintf("Hello %s,\n\nYour recommended peers for this week are here. If someone catches your eye, ask them for a consultation.\n\n%s\n\nYou can change how you are notified on your profile page.\n", m.DisplayName, link))}
}
