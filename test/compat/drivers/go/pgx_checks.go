// pgx v4 (Debian golang-github-jackc-pgx-v4-dev; bookworm has no pgx v5): extended protocol with
// binary results for known types, the simple protocol in text, prepared statements, batches.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgx/v4"
)

func main() {
	t := readTarget()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d dbname=%s user=%s connect_timeout=10", t.Host, t.Port, t.Database, t.User))
	if err != nil {
		panic(err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		panic(err)
	}
	defer conn.Close(ctx)
	val := func(sql string, args ...interface{}) (interface{}, error) {
		var v interface{}
		err := conn.QueryRow(ctx, sql, args...).Scan(&v)
		return v, err
	}
	row := func(sql string, args ...interface{}) (interface{}, error) {
		rows, err := conn.Query(ctx, sql, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []interface{}
		for rows.Next() {
			vs, err := rows.Values()
			if err != nil {
				return nil, err
			}
			for _, v := range vs {
				out = append(out, norm(v))
			}
		}
		return out, rows.Err()
	}
	checks := []check{{"connect", func() (interface{}, error) {
		if _, err := conn.Exec(ctx, "SET TimeZone TO 'UTC'"); err != nil {
			return nil, err
		}
		v, err := val("SELECT 1")
		return []interface{}{norm(v), conn.PgConn().ParameterStatus("server_version")[:2]}, err
	}}}
	for _, tc := range readTypes() {
		sql := "SELECT " + tc.SQL + " AS v"
		checks = append(checks, check{"type " + tc.Name, func() (interface{}, error) { return row(sql) }})
		checks = append(checks, check{"simple protocol type " + tc.Name, func() (interface{}, error) { return row(sql, pgx.QuerySimpleProtocol(true)) }})
	}
	checks = append(checks,
		check{"parameters", func() (interface{}, error) {
			ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			return row("SELECT $1::int4 + 1, $2::text, $3::float8, $4::timestamptz, $5::bytea, $6::int4 = ANY($7::int4[]), $8::int8 IS NULL",
				41, "it's", 0.5, ts, []byte{0, 255}, 2, []int32{1, 2, 3}, nil)
		}},
		check{"prepared statement", func() (interface{}, error) {
			sd, err := conn.Prepare(ctx, "twice", "SELECT $1::int4 * 2 AS doubled")
			if err != nil {
				return nil, err
			}
			a, err := row("twice", 21)
			if err != nil {
				return nil, err
			}
			return []interface{}{len(sd.ParamOIDs), string(sd.Fields[0].Name), a}, conn.Deallocate(ctx, "twice")
		}},
		check{"batch", func() (interface{}, error) {
			b := &pgx.Batch{}
			for i := 1; i <= 3; i++ {
				b.Queue("SELECT $1::int4 * 10", i)
			}
			br := conn.SendBatch(ctx, b)
			defer br.Close()
			var out []int32
			for i := 0; i < 3; i++ {
				var v int32
				if err := br.QueryRow().Scan(&v); err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			return out, nil
		}},
		check{"error then next query", func() (interface{}, error) {
			_, err := conn.Exec(ctx, "SELECT * FROM no_such_relation")
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("expected a PgError, got %v", err)
			}
			v, err := val("SELECT 2")
			return []interface{}{pe.Code, norm(v)}, err
		}},
		check{"failed transaction and rollback", func() (interface{}, error) {
			tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
			if err != nil {
				return nil, err
			}
			_, bad := tx.Exec(ctx, "SELECT * FROM no_such_relation")
			status := string(conn.PgConn().TxStatus())
			if err := tx.Rollback(ctx); err != nil {
				return nil, err
			}
			v, err := val("SELECT 3")
			return []interface{}{bad != nil, status, norm(v)}, err
		}},
		check{"pool reset statements", func() (interface{}, error) {
			var tags []string
			for _, sql := range []string{"DISCARD ALL", "RESET ALL", "DEALLOCATE ALL", "CLOSE ALL", "UNLISTEN *"} {
				tag, err := conn.Exec(ctx, sql)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", sql, err)
				}
				tags = append(tags, tag.String())
			}
			_, err := conn.Exec(ctx, "SET TimeZone TO 'UTC'")
			return tags, err
		}},
		// pgx v4 runs no type-introspection SQL of its own; these are pgx v5's LoadType statements.
		check{"introspection: pgx v5 LoadType statements", func() (interface{}, error) {
			var oid uint32
			if err := conn.QueryRow(ctx, "SELECT $1::text::regtype::oid", "uuid[]").Scan(&oid); err != nil {
				return nil, err
			}
			var typtype string
			var basetype, elem uint32
			var delim string
			if err := conn.QueryRow(ctx, "select typtype::text, typbasetype from pg_type where oid=$1", oid).Scan(&typtype, &basetype); err != nil {
				return nil, err
			}
			if err := conn.QueryRow(ctx, "select typelem, typdelim::text from pg_type where oid=$1", oid).Scan(&elem, &delim); err != nil {
				return nil, err
			}
			return []interface{}{oid, typtype, basetype, elem, delim}, nil
		}},
	)
	if t.Pid != nil {
		pid := *t.Pid
		checks = append(checks,
			check{"telemetry: count(*) FROM log_entries", func() (interface{}, error) {
				var n int64
				return &n, conn.QueryRow(ctx, "SELECT count(*) FROM log_entries").Scan(&n)
			}},
			check{"telemetry: view_instance with a literal id", func() (interface{}, error) {
				var n int64
				return &n, conn.QueryRow(ctx, "SELECT count(*) FROM view_instance('log_entries', '"+pid+"')").Scan(&n)
			}},
			check{"telemetry: view_instance with a parameter", func() (interface{}, error) {
				var n int64
				return &n, conn.QueryRow(ctx, "SELECT count(*) FROM view_instance('log_entries', $1)", pid).Scan(&n)
			}},
		)
	}
	runChecks(checks, func(err error) string {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return pe.Code
		}
		return ""
	})
}
