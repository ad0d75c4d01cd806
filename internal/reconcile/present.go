package reconcile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// What a reviewer reads: the title and the description of the change the
// reconcile proposes, and the hidden marker that tells the reconcile what
// an open change already carries.

// Title is the pull request title of an update: "Bump L layer from N to
// M", with every version moved from when the pins differ ("from 10, 11
// to 14").
func Title(u Update) string {
	if len(u.Parts) == 1 {
		return Title(u.Parts[0])
	}
	if u.Parts != nil {
		return fmt.Sprintf("Bump %d Lambda layers", len(u.Parts))
	}
	return fmt.Sprintf("Bump %s layer from %s to %d", u.Layer, froms(u), u.To)
}

// froms lists the distinct versions an update moves from, ascending.
// A pin on a word (latest) is listed by the word, after the numbers.
func froms(u Update) string {
	var vs []int
	var words []string
	for _, m := range u.Moves {
		if m.FromText != "" {
			words = append(words, m.FromText)
			continue
		}
		vs = append(vs, m.From)
	}
	if len(vs) == 0 && len(words) == 0 {
		vs = []int{u.From}
	}
	slices.Sort(vs)
	vs = slices.Compact(vs)
	slices.Sort(words)
	s := make([]string, len(vs), len(vs)+len(words))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(append(s, slices.Compact(words)...), ", ")
}

// from is the version a move starts at, as the file spells it.
func (m Move) from() string {
	if m.FromText != "" {
		return m.FromText
	}
	return strconv.Itoa(m.From)
}

// marker identifies what an open change carries (layer, region, target
// version, files), hidden in its body; a merged update carries one line
// per part. A change carrying the same marker needs nothing; any other is
// updated in place.
func marker(u Update) string {
	if u.Parts != nil {
		lines := make([]string, 0, len(u.Parts))
		for _, p := range u.Parts {
			lines = append(lines, marker(p))
		}
		return strings.Join(lines, "\n")
	}
	paths := make([]string, 0, len(u.Files))
	for _, f := range u.Files {
		paths = append(paths, f.Path)
	}
	slices.Sort(paths)
	return fmt.Sprintf("%sfiles=%s -->", bumpKey(u), strings.Join(paths, ","))
}

// bumpKey is the start of a per-layer update's marker: the bump without
// its files, which a declined change is matched on.
func bumpKey(u Update) string {
	return fmt.Sprintf("<!-- bumpbot: layer=%s region=%s to=%d ", u.Layer, u.Region, u.To)
}

// Site is where a repository's files can be linked to: its web address
// and the commit a change is based on. The zero Site links nothing (a
// working tree).
type Site struct {
	WebURL, Commit string
	// Bases is the hidden line recording the blobs the change was made
	// from (see baseLine), "" for none.
	Bases string
}

// link renders a position as a link to its line, or as plain text.
func (s Site) link(p ref.Pos) string {
	text := fmt.Sprintf("%s:%d", p.File, p.Line)
	if s.WebURL == "" || s.Commit == "" {
		return "`" + text + "`"
	}
	return fmt.Sprintf("[`%s`](%s/blob/%s/%s#L%d)", text, s.WebURL, s.Commit, p.File, p.Line)
}

// awsAccounts are the publishers' accounts of layers AWS itself publishes.
var awsAccounts = map[string]string{
	"017000801446": "AWS Lambda Powertools",
	"580247275435": "Lambda Insights",
	"901920570463": "AWS Distro for OpenTelemetry",
}

// MaxBody is the longest description GitHub accepts (65,536 characters);
// a longer changelog is cut with a note.
const MaxBody = 65536

// Body is the pull request description: one sentence saying what moves,
// where it is pinned and which functions use it, the redeploy reminder,
// the planner's changelog and notes, how to drive the bot, and the hidden
// marker.
func Body(u Update, site Site) string {
	var head, tail strings.Builder
	summary(&head, u, site)
	version := fmt.Sprintf("layer version %d", u.To)
	if u.Parts != nil {
		version = "the new layer versions"
	}
	fmt.Fprintf(&head, "\n> [!IMPORTANT]\n> Functions pick up %s only when they are redeployed: merging this pull request changes the code, not the functions already running.\n\n", version)
	tail.WriteString("\n<details>\n<summary>How to control bumpbot</summary>\n\n")
	tail.WriteString("- **Merge** this pull request to take the update.\n")
	tail.WriteString("- **Close** it without merging to skip this version: bumpbot will not propose it again, and opens a new pull request when a newer version is published.\n")
	tail.WriteString("- bumpbot keeps this branch up to date: when an even newer version appears it rewrites the branch and this description, so push your own changes to another branch.\n")
	fmt.Fprintf(&tail, "- `%s` in the repository (or `bumpbot.yml` in the organization's `.github` repository) chooses the files (`paths`), ignores layers or versions (`ignore`), groups layers into one pull request (`group`), and sets `labels`, `reviewers`, `assignees` and the `commit-message` prefix.\n", config.RepoPath)
	tail.WriteString("</details>\n\n")
	tail.WriteString(marker(u))
	tail.WriteString("\n")
	if site.Bases != "" {
		tail.WriteString(site.Bases + "\n")
	}
	changelog := strings.TrimRight(u.Body, "\n") + "\n"
	room := MaxBody - head.Len() - tail.Len()
	if len(changelog) > room {
		const cut = "\n\n> [!NOTE]\n> The changelog is too long for a pull request description and was cut here: `bumpbot changelog FROM_ARN TO_ARN` prints all of it.\n"
		changelog = truncateUTF8(changelog, room-len(cut)) + cut
	}
	return head.String() + changelog + tail.String()
}

// summary writes the first sentence and the table of pins moved.
func summary(b *strings.Builder, u Update, site Site) {
	if u.Parts != nil {
		names := make([]string, len(u.Parts))
		for i, p := range u.Parts {
			names[i] = fmt.Sprintf("`%s` from %s to %d", p.Layer, froms(p), p.To)
		}
		fmt.Fprintf(b, "Bumps %d Lambda layers: %s.\n", len(u.Parts), strings.Join(names, ", "))
		for _, p := range u.Parts {
			b.WriteString("\n")
			moves(b, p, site)
		}
		return
	}
	who := "account " + u.Account
	if name, ok := awsAccounts[u.Account]; ok {
		who += ", AWS-managed: " + name
	}
	fmt.Fprintf(b, "Bumps `%s` from %s to %d in %s (%s).\n\n", u.Layer, froms(u), u.To, u.Region, who)
	moves(b, u, site)
}

// moves writes the table of the pins an update moves.
func moves(b *strings.Builder, u Update, site Site) {
	if len(u.Moves) == 0 {
		return
	}
	fmt.Fprintf(b, "| `%s` pinned in | Function | From | To |\n| --- | --- | --- | --- |\n", u.Layer)
	for _, m := range u.Moves {
		where := site.link(m.At)
		if m.VersionAt.File != m.At.File || m.VersionAt.Line != m.At.Line {
			where += " (version in " + site.link(m.VersionAt) + ")"
		}
		fn := "—"
		if m.Function != "" {
			fn = "`" + m.Function + "`"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %d |\n", where, fn, m.from(), m.To)
	}
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
