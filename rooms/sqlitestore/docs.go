package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
)

// queryDocs runs a query whose one column is a JSON document and decodes
// each row into a new T: most lists in this store are such queries.
func queryDocs[T any](ctx context.Context, db *sql.DB, query string, args ...any) ([]*T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, mapErr(err, "")
		}
		v := new(T)
		if err := json.Unmarshal([]byte(doc), v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err(), "")
}
