package reconcile

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
)

// Command is what a maintainer asks the bot in a comment on one of its
// pull requests.
type Command string

// The commands, as written after "@<slug> ".
const (
	CmdRebase        Command = "rebase"
	CmdRecreate      Command = "recreate"
	CmdIgnoreVersion Command = "ignore this version"
	CmdIgnoreLayer   Command = "ignore this layer"
	CmdUnignore      Command = "unignore"
	CmdHelp          Command = "help"
)

// commands are the known commands in the order help lists them, with
// what each does.
var commands = []struct {
	cmd  Command
	what string
}{
	{CmdRebase, "rebuild the bot's commit on the current default branch"},
	{CmdRecreate, "rebuild the branch and the pull request from scratch, discarding any commits made on it"},
	{CmdIgnoreVersion, "ignore this target version of this layer in this repository, and close the pull request"},
	{CmdIgnoreLayer, "ignore this layer in this repository until `unignore`, and close the pull request"},
	{CmdUnignore, "remove the ignores commands made for this layer, and look for updates at once"},
	{CmdHelp, "list these commands"},
}

// ParseCommand reads a comment: addressed is true when its first word is
// "@"+slug (case-insensitive, as GitHub treats logins); cmd is the known
// command that follows on that line, or "" for an unknown one (text is
// then what was written, for the reply).
func ParseCommand(slug, body string) (cmd Command, text string, addressed bool) {
	line, _, _ := strings.Cut(strings.TrimSpace(body), "\n")
	fields := strings.Fields(line)
	if len(fields) == 0 || !strings.EqualFold(fields[0], "@"+slug) {
		return "", "", false
	}
	text = strings.ToLower(strings.Join(fields[1:], " "))
	for _, c := range commands {
		if text == string(c.cmd) {
			return c.cmd, text, true
		}
	}
	return "", text, true
}

// Help is the reply to "@<slug> help", and the list an unknown command
// is answered with.
func Help(slug string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Comment on this pull request with one of these commands (people with write, maintain or admin permission on the repository):\n\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "- `@%s %s`: %s\n", slug, c.cmd, c.what)
	}
	return b.String()
}

// Bump is one layer bump a pull request carries, as its hidden marker
// records it.
type Bump struct {
	Layer, Region string
	To            int
}

var bumpMarker = regexp.MustCompile(`<!-- bumpbot(?:-closed-by-command)?: layer=(\S+) region=(\S*) to=(\d+) `)

// BumpsOf returns the bumps recorded in the body of one of the bot's pull
// requests (one per layer it moves), Forget's hidden ones included.
func BumpsOf(body string) []Bump {
	var out []Bump
	for _, m := range bumpMarker.FindAllStringSubmatch(body, -1) {
		to, err := strconv.Atoi(m[3])
		if err != nil {
			continue
		}
		out = append(out, Bump{Layer: m[1], Region: m[2], To: to})
	}
	return out
}

// Forget hides the bump markers of a pull request's body, so closing it
// by command does not count as a maintainer declining its versions:
// ignores made by commands are stored, and undone by unignore.
func Forget(body string) string {
	return strings.ReplaceAll(body, "<!-- bumpbot: ", "<!-- bumpbot-closed-by-command: ")
}

// Ignore is an ignore a maintainer made with a command: versions Min to
// Max of the layer named Layer, or all of it when both are 0.
type Ignore struct {
	Layer    string
	Min, Max int
	By       string // login of who gave the command
	On       time.Time
}

// rule is the ignore as a configuration rule, so the planner honours both
// kinds the same way.
func (ig Ignore) rule() config.Ignore {
	r := config.Ignore{Layer: ig.Layer}
	if ig.Min != 0 || ig.Max != 0 {
		r.Versions = []string{fmt.Sprintf("%d-%d", ig.Min, ig.Max)}
	}
	return r
}

// String renders the ignore for a pull request's body.
func (ig Ignore) String() string {
	what := "the whole layer"
	switch {
	case ig.Min == ig.Max && ig.Min != 0:
		what = fmt.Sprintf("version %d", ig.Min)
	case ig.Min != 0 || ig.Max != 0:
		what = fmt.Sprintf("versions %d–%d", ig.Min, ig.Max)
	}
	return fmt.Sprintf("%s: ignored by @%s on %s: %s", ig.Layer, ig.By, ig.On.UTC().Format("2006-01-02"), what)
}

// withIgnores returns cfg with the command-made ignores added to its own.
func withIgnores(cfg config.Repo, igs []Ignore) config.Repo {
	if len(igs) == 0 {
		return cfg
	}
	rules := append([]config.Ignore(nil), cfg.Ignore...)
	for _, ig := range igs {
		rules = append(rules, ig.rule())
	}
	cfg.Ignore = rules
	return cfg
}

// ignoresSection lists, for a pull request's body, the command-made
// ignores of the layers u moves.
func ignoresSection(u Update, igs []Ignore) string {
	layers := map[string]bool{u.Layer: true}
	for _, p := range u.Parts {
		layers[p.Layer] = true
	}
	var lines []string
	for _, ig := range igs {
		if layers[ig.Layer] {
			lines = append(lines, "- "+ig.String())
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n#### Ignored by command\n\n" + strings.Join(lines, "\n") + "\n"
}
