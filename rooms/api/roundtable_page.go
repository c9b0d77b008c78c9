package api

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// Roundtable lists come in pages: ?limit= (1–200, default 50) and
// ?cursor= the next_cursor of the previous page. A cursor is a place in
// the list's order (start, then id; the past list backwards), not an
// offset: a page starts after the last roundtable of the one before, so
// roundtables added or removed meanwhile never make a page repeat or
// skip one that stays; one added after the reader's place shows on a
// later page, one added before it does not.
const (
	pageDefault = 50
	pageMax     = 200
)

// listKey is a roundtable's place in the list order.
type listKey struct {
	startMS int64 // start in Unix milliseconds, as both stores order it
	id      rooms.RoundtableID
}

func keyOf(r *rooms.Roundtable) listKey { return listKey{startMS: r.Start.UnixMilli(), id: r.ID} }

// compare orders keys by start, then id.
func (k listKey) compare(o listKey) int {
	switch {
	case k.startMS != o.startMS:
		return cmpInt(k.startMS, o.startMS)
	case k.id < o.id:
		return -1
	case k.id > o.id:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	if a < b {
		return -1
	}
	return 1
}

// page is the ?limit= and ?cursor= of a list, checked.
type page struct {
	limit int
	after *listKey // nil: from the first
}

// cursorPrefix names the list a cursor belongs to (and its format), so a
// cursor of the upcoming list is refused by the past one.
func cursorPrefix(past bool) string {
	if past {
		return "p1."
	}
	return "u1."
}

// cursorFor is the opaque cursor of the page after k.
func cursorFor(k listKey, past bool) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix(past) + strconv.FormatInt(k.startMS, 10) + "." + string(k.id)))
}

// parsePage reads ?limit= and ?cursor= (of the past list when past).
func parsePage(c *gin.Context, past bool, now time.Time) (page, error) {
	p := page{limit: pageDefault}
	if s, ok := c.GetQuery("limit"); ok {
		n, err := atoiRange(s, 1, pageMax)
		if err != nil {
			return p, badRequest("out_of_range", "limit", "limit must be 1 to 200")
		}
		p.limit = n
	}
	s, ok := c.GetQuery("cursor")
	if !ok {
		return p, nil
	}
	bad := badRequest("malformed", "cursor", "cursor must be the next_cursor of the previous page of this list")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(s) > 200 {
		return p, bad
	}
	rest, ok := strings.CutPrefix(string(raw), cursorPrefix(past))
	ms, id, found := strings.Cut(rest, ".")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || !found || err != nil || n <= 0 || rooms.TooFar(time.UnixMilli(n), now) || !rooms.RoundtableID(id).Valid() {
		return p, bad
	}
	p.after = &listKey{startMS: n, id: rooms.RoundtableID(id)}
	return p, nil
}

// follows reports whether r comes after the cursor in the list's order
// (backwards for the past list).
func (p page) follows(r *rooms.Roundtable, past bool) bool {
	if p.after == nil {
		return true
	}
	c := keyOf(r).compare(*p.after)
	return c > 0 && !past || c < 0 && past
}

// cut keeps the first limit of shown, which holds at most limit+1 (one
// more tells that another page follows), and returns the next cursor:
// "" on the last page.
func (p page) cut(shown []*rooms.Roundtable, past bool) ([]*rooms.Roundtable, string) {
	if len(shown) <= p.limit {
		return shown, ""
	}
	shown = shown[:p.limit]
	return shown, cursorFor(keyOf(shown[len(shown)-1]), past)
}
