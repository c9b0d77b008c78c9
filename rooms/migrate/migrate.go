// Package migrate moves a Zadankai deployment from one store to another
// (in practice the embedded SQLite into MongoDB, issue 15): every record
// of every kind, ids, versions and times kept, then checked record by
// record. It depends on the domain only; the caller opens the stores.
package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// Options change what Copy does with a target that holds data already.
type Options struct {
	// Force copies into a target holding records the source does not
	// have (kept) or has otherwise (overwritten by the source's).
	Force bool
}

// Count is what Copy found and did for one kind.
type Count struct {
	Kind    rooms.Kind
	Source  int // records in the source
	Written int // records this run wrote to the target
	Target  int // records in the target afterwards
	Equal   int // records of the source found equal in the target
}

// Report is the outcome of Copy, one Count per kind in rooms.Kinds order.
type Report struct {
	Counts []Count
}

// NotEmptyError refuses a target that holds data not from the source:
// another deployment's, or this one's from before it changed.
type NotEmptyError struct {
	Foreign   int // records whose key the source does not have
	Differing int // records the source has otherwise
}

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("the target holds %d records the source does not have and %d that differ from the source's: "+
		"it is not empty, nor an earlier copy of this source", e.Foreign, e.Differing)
}

// VerifyError says which kinds did not arrive whole.
type VerifyError struct {
	Short []Count
}

func (e *VerifyError) Error() string {
	msg := "verification failed:"
	for _, c := range e.Short {
		msg += fmt.Sprintf(" %s %d of %d equal;", c.Kind, c.Equal, c.Source)
	}
	return msg + " was the source written to during the copy?"
}

// digest is the SHA-256 of r's JSON, Canonical.
func digest(r rooms.Record) ([sha256.Size]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return sha256.Sum256(Canonical(b)), nil
}

// Canonical returns JSON b with every time in it cut to the instant in
// UTC at millisecond precision: all that both stores keep (a SQLite
// document may hold nanoseconds that MongoDB's dates drop). Records
// equal in Canonical form are equal on every store.
func Canonical(b []byte) []byte {
	return jsonTime.ReplaceAllFunc(b, func(q []byte) []byte {
		t, err := time.Parse(time.RFC3339Nano, string(q[1:len(q)-1]))
		if err != nil {
			return q
		}
		return []byte(`"` + t.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano) + `"`)
	})
}

// jsonTime matches a JSON string holding a time as encoding/json writes it.
var jsonTime = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"`)

// prints are the records of one store: a digest of each one's JSON by
// kind and key. Records are compared by digest so that a deployment of
// any size is held in memory at 32 bytes a record.
type prints map[rooms.Kind]map[string][sha256.Size]byte

func fingerprint(ctx context.Context, s rooms.Bulk) (prints, error) {
	out := prints{}
	for _, k := range rooms.Kinds {
		out[k] = map[string][sha256.Size]byte{}
		err := s.ExportRecords(ctx, k, func(page []rooms.Record) error {
			for _, r := range page {
				d, err := digest(r)
				if err != nil {
					return fmt.Errorf("encoding %s %s: %w", k, r.RecordKey(), err)
				}
				out[k][r.RecordKey()] = d
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", k, err)
		}
	}
	return out, nil
}

// Copy moves every record of from into to. A record stored equal in to
// already is not written again, so a second run writes nothing. It
// refuses (NotEmptyError, nothing written) a target holding other data
// unless opt.Force, and ends by reading both stores again: every record
// of from must be in to, equal (VerifyError otherwise).
func Copy(ctx context.Context, from, to rooms.Bulk, opt Options) (*Report, error) {
	src, err := fingerprint(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	dst, err := fingerprint(ctx, to)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if ne := compare(src, dst); (ne.Foreign > 0 || ne.Differing > 0) && !opt.Force {
		return nil, ne
	}
	rep := &Report{}
	for _, k := range rooms.Kinds {
		n, err := copyKind(ctx, from, to, k, dst[k], opt.Force)
		if err != nil {
			return nil, fmt.Errorf("copying %s: %w", k, err)
		}
		rep.Counts = append(rep.Counts, Count{Kind: k, Written: n})
	}
	return rep, verify(ctx, from, to, rep)
}

func compare(src, dst prints) *NotEmptyError {
	ne := &NotEmptyError{}
	for k, recs := range dst {
		for key, d := range recs {
			s, ok := src[k][key]
			switch {
			case !ok:
				ne.Foreign++
			case s != d:
				ne.Differing++
			}
		}
	}
	return ne
}

// copyKind writes the records of kind k that the target does not hold
// equal already (have), overwriting differing ones when replace is set.
func copyKind(ctx context.Context, from, to rooms.Bulk, k rooms.Kind, have map[string][sha256.Size]byte, replace bool) (int, error) {
	written := 0
	err := from.ExportRecords(ctx, k, func(page []rooms.Record) error {
		var missing []rooms.Record
		for _, r := range page {
			d, err := digest(r)
			if err != nil {
				return err
			}
			if h, ok := have[r.RecordKey()]; !ok || h != d {
				missing = append(missing, r)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		n, err := to.ImportRecords(ctx, k, missing, replace)
		written += n
		return err
	})
	return written, err
}

// verify reads both stores again and fills in rep's counts.
func verify(ctx context.Context, from, to rooms.Bulk, rep *Report) error {
	src, err := fingerprint(ctx, from)
	if err != nil {
		return fmt.Errorf("verifying the source: %w", err)
	}
	dst, err := fingerprint(ctx, to)
	if err != nil {
		return fmt.Errorf("verifying the target: %w", err)
	}
	ve := &VerifyError{}
	for i := range rep.Counts {
		c := &rep.Counts[i]
		c.Source, c.Target = len(src[c.Kind]), len(dst[c.Kind])
		for key, s := range src[c.Kind] {
			if d, ok := dst[c.Kind][key]; ok && d == s {
				c.Equal++
			}
		}
		if c.Equal != c.Source {
			ve.Short = append(ve.Short, *c)
		}
	}
	if len(ve.Short) > 0 {
		return ve
	}
	return nil
}

// Write prints the report as a table, one kind a line.
func (r *Report) Write(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "%-20s %9s %10s %9s %9s\n", "kind", "in source", "copied now", "in target", "equal"); err != nil {
		return err
	}
	for _, c := range r.Counts {
		if _, err := fmt.Fprintf(w, "%-20s %9d %10d %9d %9d\n", c.Kind, c.Source, c.Written, c.Target, c.Equal); err != nil {
			return err
		}
	}
	return nil
}
