// lib/pq (Debian golang-github-lib-pq-dev) through database/sql: text results, unnamed and
// named prepared statements, pq.Array, transactions.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

func main() {
	t := readTarget()
	db, err := sql.Open("postgres", fmt.Sprintf("host=%s port=%d dbname=%s user=%s sslmode=disable connect_timeout=10", t.Host, t.Port, t.Database, t.User))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// one connection, so SET TimeZone holds for every check
	conn, err := db.Conn(ctx)
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	row := func(q string, args ...interface{}) (interface{}, error) {
		rows, err := conn.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		cols, _ := rows.ColumnTypes()
		var out []interface{}
		for rows.Next() {
			vs := make([]interface{}, len(cols))
			ptrs := make([]interface{}, len(cols))
			for i := range vs {
				ptrs[i] = &vs[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			for i, v := range vs {
				if b, ok := v.([]byte); ok && cols[i].DatabaseTypeName() == "BYTEA" {
					v = fmt.Sprintf("%x", b)
				} else if ok {
					v = string(b)
				}
				out = append(out, []interface{}{cols[i].DatabaseTypeName(), norm(v)})
			}
		}
		return out, rows.Err()
	}
	checks := []check{{"connect", func() (interface{}, error) {
		if _, err := conn.ExecContext(ctx, "SET TimeZone TO 'UTC'"); err != nil {
			return nil, err
		}
		return row("SELECT 1")
	}}}
	for _, tc := range readTypes() {
		q := "SELECT " + tc.SQL + " AS v"
		checks = append(checks, check{"type " + tc.Name, func() (interface{}, error) { return row(q) }})
	}
	checks = append(checks,
		check{"parameters", func() (interface{}, error) {
			ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			return row("SELECT $1::int4 + 1, $2::text, $3::float8, $4::timestamptz, $5::bytea, $6::int4 = ANY($7::int4[]), $8::int8 IS NULL",
				41, "it's", 0.5, ts, []byte{0, 255}, 2, pq.Array([]int64{1, 2, 3}), nil)
		}},
		check{"prepared statement", func() (interface{}, error) {
			st, err := conn.PrepareContext(ctx, "SELECT $1::int4 * 2 AS doubled")
			if err != nil {
				return nil, err
			}
			defer st.Close()
			var out []int64
			for _, n := range []int{21, 5} {
				var v int64
				if err := st.QueryRowContext(ctx, n).Scan(&v); err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			return out, nil
		}},
		check{"pq.Array result", func() (interface{}, error) {
			var a []string
			err := conn.QueryRowContext(ctx, "SELECT ARRAY['x', 'y z']::text[]").Scan(pq.Array(&a))
			return a, err
		}},
		check{"error then next query", func() (interface{}, error) {
			_, err := conn.ExecContext(ctx, "SELECT * FROM no_such_relation")
			var pe *pq.Error
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("expected a pq.Error, got %v", err)
			}
			return []interface{}{string(pe.Code), pe.Code.Name()}, conn.PingContext(ctx)
		}},
		check{"failed transaction and rollback", func() (interface{}, error) {
			tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
			if err != nil {
				return nil, err
			}
			_, bad := tx.ExecContext(ctx, "SELECT * FROM no_such_relation")
			if err := tx.Rollback(); err != nil {
				return nil, err
			}
			v, err := row("SELECT 3")
			return []interface{}{bad != nil, v}, err
		}},
		check{"pool reset statements", func() (interface{}, error) {
			var n []int64
			for _, q := range []string{"DISCARD ALL", "RESET ALL", "DEALLOCATE ALL", "CLOSE ALL", "UNLISTEN *"} {
				r, err := conn.ExecContext(ctx, q)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", q, err)
				}
				a, _ := r.RowsAffected()
				n = append(n, a)
			}
			_, err := conn.ExecContext(ctx, "SET TimeZone TO 'UTC'")
			return n, err
		}},
	)
	if t.Pid != nil {
		pid := *t.Pid
		checks = append(checks,
			check{"telemetry: count(*) FROM log_entries", func() (interface{}, error) {
				var n int64
				return &n, conn.QueryRowContext(ctx, "SELECT count(*) FROM log_entries").Scan(&n)
			}},
			check{"telemetry: view_instance with a literal id", func() (interface{}, error) {
				var n int64
				return &n, conn.QueryRowContext(ctx, "SELECT count(*) FROM view_instance('log_entries', '"+pid+"')").Scan(&n)
			}},
			check{"telemetry: view_instance with a parameter", func() (interface{}, error) {
				var n int64
				return &n, conn.QueryRowContext(ctx, "SELECT count(*) FROM view_instance('log_entries', $1)", pid).Scan(&n)
			}},
		)
	}
	runChecks(checks, func(err error) string {
		var pe *pq.Error
		if errors.As(err, &pe) {
			return string(pe.Code)
		}
		return ""
	})
}
