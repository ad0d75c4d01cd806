package changelog

import (
	"fmt"
	"slices"
	"strings"
)

// growthWarnAbove: a layer that grows by more than this share (in
// percent) deserves a look before it ships to every function using it.
const growthWarnAbove = 20

// warnings are what a reviewer must see before the package table: what
// the new version no longer supports, a new license, a size jump, and
// either side close to Lambda's unzipped limit. Text from the layer is
// escaped as a table cell is.
func (c *Changelog) warnings() []string {
	var out []string
	for _, l := range []struct {
		what string
		p    Pair[[]string]
	}{{"runtime", c.Layer.Runtimes}, {"architecture", c.Layer.Architectures}} {
		if dropped := droppedFrom(l.p); len(dropped) > 0 {
			what := "a compatible " + l.what
			if len(dropped) > 1 {
				what = "compatible " + l.what + "s"
			}
			out = append(out, fmt.Sprintf("The new version no longer lists %s as %s.", cell(strings.Join(dropped, ", ")), what))
		}
	}
	if lic := c.Layer.License; lic.From != lic.To {
		out = append(out, fmt.Sprintf("The license changes from %s to %s.", orNone(lic.From), orNone(lic.To)))
	}
	if w := c.growth(); w != "" {
		out = append(out, w)
	}
	for i, size := range []int64{c.Unzipped.From, c.Unzipped.To} {
		if size > warnAbove {
			side := [2]string{"The old version", "The new version"}[i]
			out = append(out, fmt.Sprintf("%s unzips to %s, close to Lambda's 250 MB limit for a function and all its layers.", side, humanSize(size)))
		}
	}
	return out
}

// droppedFrom lists what the old version supported and the new one does
// not. An empty new list is no restriction: a layer that names no
// runtime is offered to all of them.
func droppedFrom(p Pair[[]string]) []string {
	if len(p.To) == 0 {
		return nil
	}
	var out []string
	for _, s := range p.From {
		if !slices.Contains(p.To, s) {
			out = append(out, s)
		}
	}
	return out
}

// growth warns of a size jump: unzipped when both sides are known (what
// counts against Lambda's limit), else zipped.
func (c *Changelog) growth() string {
	sizes, how := c.Unzipped, "unzipped"
	if sizes.From <= 0 || sizes.To <= 0 {
		sizes, how = c.Layer.Size, "zipped"
	}
	if sizes.From <= 0 || sizes.To <= sizes.From {
		return ""
	}
	pct := (sizes.To - sizes.From) * 100 / sizes.From
	if pct <= growthWarnAbove {
		return ""
	}
	return fmt.Sprintf("The layer grows by %d%% %s (%s → %s).", pct, how, humanSize(sizes.From), humanSize(sizes.To))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return cell(s)
}

// writeWarnings writes lines as one GitHub warning alert.
func writeWarnings(b *strings.Builder, lines []string) {
	if len(lines) == 0 {
		return
	}
	b.WriteString("\n> [!WARNING]\n")
	for _, w := range lines {
		fmt.Fprintf(b, "> %s\n", w)
	}
}
