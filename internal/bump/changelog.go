package bump

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
)

// Entry is the changelog of one bump: markdown for people and a JSON-able
// value for machines.
type Entry struct {
	Layer    string `json:"layer"`
	ARNFrom  string `json:"arn_from"`
	ARNTo    string `json:"arn_to"`
	Markdown string `json:"markdown"`
	Details  any    `json:"details"`
}

// Changelogger describes what changed between two versions of a layer.
// The metadata implementation is the default; a package-level diff of the
// layer contents implements the same interface.
type Changelogger interface {
	Changelog(ctx context.Context, from, to layerarn.ARN) (Entry, error)
}

// MetadataChangelog compares what the registry says about two versions:
// runtimes, architectures, size, license and description.
type MetadataChangelog struct {
	Registry layers.Registry
}

// versionMeta is the JSON form of one side of a metadata changelog.
type versionMeta struct {
	ARN           string   `json:"arn"`
	Exists        bool     `json:"exists"`
	Description   string   `json:"description,omitempty"`
	CreatedDate   string   `json:"created_date,omitempty"`
	Runtimes      []string `json:"compatible_runtimes,omitempty"`
	Architectures []string `json:"compatible_architectures,omitempty"`
	License       string   `json:"license_info,omitempty"`
	CodeSize      int64    `json:"code_size,omitempty"`
	CodeSha256    string   `json:"code_sha256,omitempty"`
}

// MetadataDetails is the Details value of a MetadataChangelog entry.
type MetadataDetails struct {
	From versionMeta `json:"from"`
	To   versionMeta `json:"to"`
}

// Changelog implements Changelogger. A from version that no longer exists
// is shown as deleted rather than failing the entry.
func (m MetadataChangelog) Changelog(ctx context.Context, from, to layerarn.ARN) (Entry, error) {
	f, err := m.describe(ctx, from)
	if err != nil {
		return Entry{}, err
	}
	t, err := m.describe(ctx, to)
	if err != nil {
		return Entry{}, err
	}
	d := MetadataDetails{From: f, To: t}
	return Entry{
		Layer: to.Name, ARNFrom: from.String(), ARNTo: to.String(),
		Markdown: metadataMarkdown(from, to, d), Details: d,
	}, nil
}

func (m MetadataChangelog) describe(ctx context.Context, a layerarn.ARN) (versionMeta, error) {
	v, err := m.Registry.Describe(ctx, a)
	if errors.Is(err, layers.ErrNotFound) || errors.Is(err, layers.ErrAccessDenied) {
		return versionMeta{ARN: a.String()}, nil
	}
	if err != nil {
		return versionMeta{}, fmt.Errorf("changelog: %w", err)
	}
	return versionMeta{
		ARN: a.String(), Exists: true, Description: v.Description, CreatedDate: v.CreatedDate,
		Runtimes: v.CompatibleRuntimes, Architectures: v.CompatibleArchitectures,
		License: v.LicenseInfo, CodeSize: v.CodeSize, CodeSha256: v.CodeSha256,
	}, nil
}

func metadataMarkdown(from, to layerarn.ARN, d MetadataDetails) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s %d → %d\n\n", to.Name, from.Version, to.Version)
	fmt.Fprintf(&b, "`%s` → `%s`\n\n", from, to)
	if !d.From.Exists {
		fmt.Fprintf(&b, "Version %d no longer exists: new deployments of the current pin fail.\n\n", from.Version)
	}
	fmt.Fprintf(&b, "| | %d | %d |\n|---|---|---|\n", from.Version, to.Version)
	row := func(name, a, z string) {
		if a == "" && z == "" {
			return
		}
		mark := ""
		if a != z {
			mark = " **changed**"
		}
		fmt.Fprintf(&b, "| %s%s | %s | %s |\n", name, mark, cell(a), cell(z))
	}
	row("Runtimes", strings.Join(d.From.Runtimes, ", "), strings.Join(d.To.Runtimes, ", "))
	row("Architectures", strings.Join(d.From.Architectures, ", "), strings.Join(d.To.Architectures, ", "))
	row("Size", size(d.From), size(d.To))
	row("License", d.From.License, d.To.License)
	row("Description", d.From.Description, d.To.Description)
	row("Created", d.From.CreatedDate, d.To.CreatedDate)
	return b.String()
}

// cell keeps a table cell on one line and its pipes literal.
func cell(s string) string {
	if s == "" {
		return "—"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

func size(v versionMeta) string {
	if !v.Exists {
		return "(deleted)"
	}
	const kib = 1024
	switch n := v.CodeSize; {
	case n >= kib*kib:
		return fmt.Sprintf("%.1f MiB", float64(n)/(kib*kib))
	case n >= kib:
		return fmt.Sprintf("%.1f KiB", float64(n)/kib)
	default:
		return fmt.Sprintf("%d B", n)
	}
}
