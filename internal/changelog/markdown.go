package changelog

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layerzip"
)

const (
	// collapseAbove: longer package tables go inside <details>, so a PR
	// body stays readable.
	collapseAbove = 10
	// lambdaUnzippedLimit is the 250 MB (MiB, as AWS counts) that a
	// function and all its layers may unzip to.
	lambdaUnzippedLimit = 250 << 20
	// warnAbove: a layer past 80% of the limit leaves little room.
	warnAbove = lambdaUnzippedLimit / 10 * 8
)

// summaryOrder is the order kinds appear in the summary line.
var summaryOrder = []string{Upgraded, Downgraded, Changed, Added, Removed}

// Summary is the one-line count: "3 upgraded, 1 added, 1 removed".
func (c *Changelog) Summary() string {
	if c.SameContent {
		return "no content change"
	}
	counts := c.Counts()
	var parts []string
	for _, k := range summaryOrder {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	if len(parts) == 0 {
		return "no package changes"
	}
	return strings.Join(parts, ", ")
}

// Markdown renders the changelog for a pull request body.
func (c *Changelog) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### %s\n\n", c.title())
	if c.SameContent {
		b.WriteString("No content change: both versions have the same CodeSha256.\n")
	} else {
		fmt.Fprintf(&b, "%s.\n", upperFirst(c.Summary()))
	}
	c.writeFixed(&b)
	writeWarnings(&b, append(c.introduced(), c.warnings()...))
	if len(c.Packages) > 0 {
		b.WriteString("\n")
		if len(c.Packages) > collapseAbove {
			fmt.Fprintf(&b, "<details>\n<summary>%d package changes</summary>\n\n", len(c.Packages))
		}
		b.WriteString("| Package | Ecosystem | From | To | Change |\n| --- | --- | --- | --- | --- |\n")
		for _, p := range c.Packages {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", packageCell(p), p.Ecosystem, versionsCell(p.From), versionsCell(p.To), p.Change)
		}
		c.writeCopies(&b)
		if len(c.Packages) > collapseAbove {
			b.WriteString("\n</details>\n")
		}
	}
	c.layerTable(&b)
	if len(c.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "- %s\n", cell(n))
		}
	}
	return b.String()
}

// title names the layer and both versions, briefly when only the version
// number differs.
func (c *Changelog) title() string {
	from, err1 := layerarn.Parse(c.From)
	to, err2 := layerarn.Parse(c.To)
	if err1 == nil && err2 == nil && from.LayerARN() == to.LayerARN() {
		return fmt.Sprintf("Layer `%s`: version %d → %d", from.Name, from.Version, to.Version)
	}
	return fmt.Sprintf("Layer `%s` → `%s`", c.From, c.To)
}

// layerTable lists the layer attributes; sizes always, the rest when they
// changed.
func (c *Changelog) layerTable(b *strings.Builder) {
	rows := [][3]string{{"Size (zipped)", humanSize(c.Layer.Size.From), humanSize(c.Layer.Size.To)}}
	if c.Unzipped.From > 0 || c.Unzipped.To > 0 {
		rows = append(rows, [3]string{"Size (unzipped)", humanSize(c.Unzipped.From), humanSize(c.Unzipped.To)})
	}
	list := func(name string, p Pair[[]string]) {
		f, t := strings.Join(p.From, ", "), strings.Join(p.To, ", ")
		if f != t {
			rows = append(rows, [3]string{name, f, t})
		}
	}
	list("Runtimes", c.Layer.Runtimes)
	list("Architectures", c.Layer.Architectures)
	for _, s := range []struct {
		name string
		p    Pair[string]
	}{{"License", c.Layer.License}, {"Description", c.Layer.Description}} {
		if s.p.From != s.p.To {
			rows = append(rows, [3]string{s.name, s.p.From, s.p.To})
		}
	}
	b.WriteString("\n| Layer | From | To |\n| --- | --- | --- |\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s |\n", r[0], versionCell(r[1]), versionCell(r[2]))
	}
}

// packageCell links the package to its registry page where the ecosystem
// has one.
func packageCell(p Change) string {
	name := cell(p.Name)
	if u := registryURL(p); u != "" {
		return fmt.Sprintf("[%s](%s)", name, u)
	}
	return name
}

func registryURL(p Change) string {
	n := p.Name
	if p.canonical != "" {
		n = p.canonical
	}
	if strings.ContainsAny(n, " ()") {
		return "" // a name qualified by its directory
	}
	switch p.Ecosystem {
	case layerzip.Python:
		return "https://pypi.org/project/" + url.PathEscape(n) + "/"
	case layerzip.Node:
		return "https://www.npmjs.com/package/" + strings.ReplaceAll(url.PathEscape(n), "%2F", "/")
	case layerzip.Ruby:
		return "https://rubygems.org/gems/" + url.PathEscape(n)
	case layerzip.Java:
		if g, a, ok := strings.Cut(n, ":"); ok {
			return "https://central.sonatype.com/artifact/" + url.PathEscape(g) + "/" + url.PathEscape(a)
		}
	}
	return ""
}

func versionCell(v string) string {
	if v == "" {
		return "—"
	}
	return cell(v)
}

// cellEscaper makes text from a layer (someone else's) inert in a Markdown
// table: no pipes, no HTML or entities, no line breaks, no code spans
// breaking out. It also neutralises what GitHub would act on in a pull
// request body: a zero-width space after every '@' and '#' stops
// @user and @org/team mentions (a scoped npm name looks like a team) and
// #123 or owner/repo#123 references, which "closes #2" would turn into a
// closed issue on merge. '&' is escaped first so that "&#64;" cannot
// spell an '@' past the rest.
var cellEscaper = strings.NewReplacer(
	"&", "&amp;", "|", `\|`, "<", "&lt;", ">", "&gt;", "\n", " ", "\r", " ",
	"`", "'", "[", `\[`, "]", `\]`,
	"@", "@&#8203;", "#", "#&#8203;",
)

// ghRef matches GH-123, the other short form GitHub links to an issue.
var ghRef = regexp.MustCompile(`(?i)\b(gh)-([0-9])`)

// cell escapes text from a layer for a table cell or a note.
func cell(s string) string {
	return ghRef.ReplaceAllString(cellEscaper.Replace(s), "$1&#8203;-$2")
}

// mb shows a size in MB as AWS counts them (MiB).
func humanSize(n int64) string {
	switch {
	case n == 0:
		return "—"
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
