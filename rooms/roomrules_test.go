package rooms

import "testing"

// TestEntryFor: each live rule, who it holds back and who it lets by.
func TestEntryFor(t *testing.T) {
	const mod, speaker, member, other MemberID = "mb_mod", "mb_speaker", "mb_member", "mb_other"
	base := func(live LiveState) *Roundtable {
		return &Roundtable{Format: FormatOnline, Moderators: []MemberID{mod}, Speakers: []MemberID{speaker}, Live: live}
	}
	cases := []struct {
		name string
		r    *Roundtable
		id   MemberID
		want Entry
	}{
		{"open room", base(LiveState{}), member, Entry{}},
		{"cancelled", &Roundtable{Cancelled: true, Format: FormatOnline}, member, Entry{Refused: EntryNoRoom}},
		{"in person only", &Roundtable{Format: FormatInPerson}, member, Entry{Refused: EntryNoRoom}},
		{"ended: even a moderator", base(LiveState{Ended: true}), mod, Entry{Refused: EntryEnded}},
		{"removed", base(LiveState{Removed: []MemberID{member}}), member, Entry{Refused: EntryRemoved}},
		{"removed: only her", base(LiveState{Removed: []MemberID{other}}), member, Entry{}},
		{"locked: newcomer", base(LiveState{Locked: true, LockedIn: []MemberID{other}}), member, Entry{Refused: EntryLocked}},
		{"locked: she was in", base(LiveState{Locked: true, LockedIn: []MemberID{member}}), member, Entry{}},
		{"locked: moderator", base(LiveState{Locked: true}), mod, Entry{}},
		{"locked: a guest speaker is no exception", base(LiveState{Locked: true}), speaker, Entry{Refused: EntryLocked}},
		{"lobby: member waits", base(LiveState{Lobby: true}), member, Entry{Lobby: true}},
		{"lobby: admitted", base(LiveState{Lobby: true, Admitted: []MemberID{member}}), member, Entry{}},
		{"lobby: moderator", base(LiveState{Lobby: true}), mod, Entry{}},
		{"lobby: speaker", base(LiveState{Lobby: true}), speaker, Entry{}},
		{"lobby: promoted", base(LiveState{Lobby: true, Promoted: []MemberID{member}}), member, Entry{}},
		{"locked and lobby: she was in, not admitted", base(LiveState{Lobby: true, Locked: true, LockedIn: []MemberID{member}}), member, Entry{Lobby: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.EntryFor(tc.id); got != tc.want {
				t.Errorf("EntryFor(%s) = %+v, want %+v", tc.id, got, tc.want)
			}
		})
	}
}
