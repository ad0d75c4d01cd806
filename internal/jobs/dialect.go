package jobs

import (
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"modernc.org/sqlite"
)

// dialect is what differs between the two databases. Everything else,
// bumpbot's own SQL included, is written once in the subset both accept
// ($n placeholders, ON CONFLICT upserts, RETURNING).
type dialect struct {
	// river returns the River driver over db; both use *sql.Tx, so the
	// client, the queue and the workers have one type for either.
	river func(db *sql.DB) riverdriver.Driver[*sql.Tx]
	// lockMigrations, when set, takes a session lock that keeps
	// concurrent replicas from migrating at once; unlockMigrations
	// releases it.
	lockMigrations, unlockMigrations string
}

// migrationLockKey is an arbitrary constant naming bumpbot's migration
// advisory lock ("bumpbot" in ASCII).
const migrationLockKey = 0x62756d70626f74

var (
	sqliteDialect = dialect{
		river: func(db *sql.DB) riverdriver.Driver[*sql.Tx] { return riversqlite.New(db) },
	}
	postgresDialect = dialect{
		river:            func(db *sql.DB) riverdriver.Driver[*sql.Tx] { return riverdatabasesql.New(db) },
		lockMigrations:   fmt.Sprintf("SELECT pg_advisory_lock(%d)", migrationLockKey),
		unlockMigrations: fmt.Sprintf("SELECT pg_advisory_unlock(%d)", migrationLockKey),
	}
)

// dialectOf tells the database behind db from its database/sql driver, so
// callers pass a *sql.DB and cannot pair it with the wrong River driver.
func dialectOf(db *sql.DB) (dialect, error) {
	switch db.Driver().(type) {
	case *sqlite.Driver:
		return sqliteDialect, nil
	case *stdlib.Driver:
		return postgresDialect, nil
	}
	return dialect{}, fmt.Errorf("jobs: unsupported database driver %T (want modernc.org/sqlite or pgx)", db.Driver())
}
