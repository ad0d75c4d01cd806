package reconcile

import (
	"fmt"
	"slices"
	"strings"
)

// What a reviewer reads: the title and the description of the change the
// reconcile proposes, and the hidden marker that tells the reconcile what
// an open change already carries.

// Title is the pull request title of an update.
func Title(u Update) string {
	if len(u.Parts) == 1 {
		return Title(u.Parts[0])
	}
	if u.Parts != nil {
		return fmt.Sprintf("Bump %d Lambda layers", len(u.Parts))
	}
	return fmt.Sprintf("Bump %s layer from %d to %d", u.Layer, u.From, u.To)
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

// Body is the pull request description: the planner's changelog, the
// redeploy reminder, how to drive the bot, and the hidden marker.
func Body(u Update) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(u.Body, "\n"))
	version := fmt.Sprintf("layer version %d", u.To)
	if u.Parts != nil {
		version = "the new layer versions"
	}
	fmt.Fprintf(&b, "\n\n> [!IMPORTANT]\n> Functions pick up %s only when they are redeployed: merging this pull request changes the code, not the functions already running.\n", version)
	b.WriteString("\n<details>\n<summary>About this pull request</summary>\n\n")
	b.WriteString("bumpbot opened this pull request because a newer version of the layer is published.\n\n")
	b.WriteString("- **Merge** it to take the update.\n")
	b.WriteString("- **Close** it without merging to skip this version: bumpbot will not propose it again, and opens a new pull request when a newer version is published.\n")
	b.WriteString("- bumpbot keeps this branch up to date: when an even newer version appears it rewrites the branch and this description, so push your own changes to another branch.\n")
	b.WriteString("</details>\n\n")
	b.WriteString(marker(u))
	b.WriteString("\n")
	return b.String()
}
