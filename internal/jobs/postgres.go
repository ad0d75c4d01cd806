package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// OpenPostgres connects to the PostgreSQL database at dsn (a postgres://
// URL) and brings River's and bumpbot's tables up to date. Several
// processes may share the database: that is what it is for. maxConns
// bounds the pool; River's producer, completer and maintenance services,
// every running job's completion and every webhook hold one at a time,
// so it should exceed the number of workers (at least 4 is enforced).
func OpenPostgres(ctx context.Context, dsn string, maxConns int) (*sql.DB, error) {
	where := RedactURL(dsn)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	maxConns = max(maxConns, 4)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	// Recycle connections now and then so a failover or a PgBouncer
	// restart does not leave the pool holding dead ones forever.
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database %s: %w", where, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", where, err)
	}
	return db, nil
}

// RedactURL masks the passwords of a database URL so it can be logged
// and put in errors: the user:password@ one and the password and
// sslpassword parameters libpq and pgx also accept (matched as pgx
// matches them, after percent-decoding, so pass%77ord is masked too).
func RedactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable database URL)"
	}
	if u.RawQuery != "" {
		params := strings.Split(u.RawQuery, "&")
		for i, p := range params {
			k, _, hasValue := strings.Cut(p, "=")
			if key, err := url.QueryUnescape(k); hasValue && (err != nil || key == "password" || key == "sslpassword") {
				params[i] = k + "=xxxxx"
			}
		}
		u.RawQuery = strings.Join(params, "&")
	}
	return u.Redacted()
}
