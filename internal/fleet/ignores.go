package fleet

import (
	"context"
	"fmt"
	"strings"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// IgnoreSource is what the one-repository view reads, when the Source
// has it, to list what the bot is told not to bump there: the ignores of
// the repository's last valid configuration and those made by comment
// commands.
type IgnoreSource interface {
	Ignores(ctx context.Context, installation int64, repo string) ([]repostate.CommandIgnore, error)
	LastConfig(ctx context.Context, installation int64, repo string) (config.Repo, bool, error)
}

// Ignore is one thing the bot does not bump in a repository (the JSON
// of /api/fleet/repos/OWNER/NAME's "ignores").
type Ignore struct {
	Layer string `json:"layer"`
	// Versions is what is stepped over ("> 79", "80-81"); empty: the
	// whole layer.
	Versions string `json:"versions,omitempty"`
	// From says where the ignore comes from: ".github/bumpbot.yml", or
	// the comment command and its author.
	From string `json:"from"`
}

// ignoresOf lists the ignores of repo in installation, or none when src
// cannot say.
func ignoresOf(ctx context.Context, src Source, installation int64, repo string) ([]Ignore, error) {
	is, ok := src.(IgnoreSource)
	out := []Ignore{}
	if !ok || installation == 0 {
		return out, nil
	}
	cfg, found, err := is.LastConfig(ctx, installation, repo)
	if err != nil {
		return nil, err
	}
	if found {
		for _, ig := range cfg.Ignore {
			out = append(out, Ignore{Layer: ig.Layer, Versions: strings.Join(ig.Versions, ", "), From: ".github/bumpbot.yml"})
		}
	}
	cmds, err := is.Ignores(ctx, installation, repo)
	if err != nil {
		return nil, err
	}
	for _, c := range cmds {
		ig := Ignore{Layer: c.Layer, From: fmt.Sprintf("command by @%s on %s", c.Author, c.Created.Format("2006-01-02"))}
		switch {
		case c.Min != 0 && c.Min == c.Max:
			ig.Versions = fmt.Sprint(c.Min)
		case c.Min != 0 && c.Max != 0:
			ig.Versions = fmt.Sprintf("%d-%d", c.Min, c.Max)
		case c.Min != 0:
			ig.Versions = fmt.Sprintf(">= %d", c.Min)
		case c.Max != 0:
			ig.Versions = fmt.Sprintf("<= %d", c.Max)
		}
		out = append(out, ig)
	}
	return out, nil
}
