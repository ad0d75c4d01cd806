package repostate

// schema is written in the SQL both databases accept. Each table holds
// rows of one repository's latest reconcile, replaced as a whole.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS bumpbot_repo_problem (
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	seq             INTEGER NOT NULL,
	severity        TEXT NOT NULL,
	kind            TEXT NOT NULL,
	file            TEXT NOT NULL,
	line            INTEGER NOT NULL,
	col             INTEGER NOT NULL,
	message         TEXT NOT NULL,
	recorded_at     BIGINT NOT NULL,
	PRIMARY KEY (installation_id, repo, seq)
)`,
	`CREATE TABLE IF NOT EXISTS bumpbot_layer_pin (
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	seq             INTEGER NOT NULL,
	partition_name  TEXT NOT NULL,
	region          TEXT NOT NULL,
	account         TEXT NOT NULL,
	layer           TEXT NOT NULL,
	version         INTEGER NOT NULL,
	file            TEXT NOT NULL,
	line            INTEGER NOT NULL,
	PRIMARY KEY (installation_id, repo, seq)
)`,
	// The latest reconcile's verdict on each pin of bumpbot_layer_pin (same
	// key): a table of its own so that databases made before it need no
	// change to the pin table.
	`CREATE TABLE IF NOT EXISTS bumpbot_pin_verdict (
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	seq             INTEGER NOT NULL,
	newest          INTEGER NOT NULL,
	status          TEXT NOT NULL,
	rule            TEXT NOT NULL,
	detail          TEXT NOT NULL,
	PRIMARY KEY (installation_id, repo, seq)
)`,
	`CREATE INDEX IF NOT EXISTS bumpbot_layer_pin_layer ON bumpbot_layer_pin (account, layer)`,
	`CREATE TABLE IF NOT EXISTS bumpbot_repo_config (
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	config          TEXT NOT NULL,
	PRIMARY KEY (installation_id, repo)
)`,
	`CREATE TABLE IF NOT EXISTS bumpbot_repo_issue (
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	kind            TEXT NOT NULL,
	number          INTEGER NOT NULL,
	PRIMARY KEY (installation_id, repo, kind)
)`,
	`CREATE TABLE IF NOT EXISTS bumpbot_layer_newest (
	account    TEXT NOT NULL,
	layer      TEXT NOT NULL,
	region     TEXT NOT NULL,
	version    INTEGER NOT NULL,
	checked_at BIGINT NOT NULL,
	PRIMARY KEY (account, layer, region)
)`,
	`CREATE TABLE IF NOT EXISTS bumpbot_command (
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	comment_id      BIGINT NOT NULL,
	number          INTEGER NOT NULL,
	author          TEXT NOT NULL,
	body            TEXT NOT NULL,
	received_at     BIGINT NOT NULL,
	done            INTEGER NOT NULL,
	PRIMARY KEY (installation_id, repo, comment_id)
)`,
	`CREATE TABLE IF NOT EXISTS bumpbot_command_ignore (
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	layer           TEXT NOT NULL,
	min_version     INTEGER NOT NULL,
	max_version     INTEGER NOT NULL,
	author          TEXT NOT NULL,
	created_at      BIGINT NOT NULL
)`,
	`CREATE TABLE IF NOT EXISTS bumpbot_dashboard_edit (
	installation_id BIGINT NOT NULL,
	repo            TEXT NOT NULL,
	edit_key        TEXT NOT NULL,
	number          INTEGER NOT NULL,
	author          TEXT NOT NULL,
	body            TEXT NOT NULL,
	received_at     BIGINT NOT NULL,
	done            INTEGER NOT NULL,
	PRIMARY KEY (installation_id, repo, edit_key)
)`,
}
