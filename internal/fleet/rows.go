// Package fleet is the view across repositories: one row per pinned layer
// version with its status (current, behind, on a deleted version, in
// violation of the security policy), for `bumpbot report` and the fleet
// pages alike.
package fleet

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Status is how a pin stands, worst first in Order.
type Status string

// The statuses.
const (
	Violation Status = "violation" // the security policy rejects the pinned version
	Deleted   Status = "deleted"   // the pinned version no longer exists
	Error     Status = "error"     // the pin could not be resolved (access denied, throttled...)
	Behind    Status = "behind"    // a newer compatible version exists
	Current   Status = "current"
)

// order ranks statuses, worst first.
var order = map[Status]int{Violation: 0, Deleted: 1, Error: 2, Behind: 3, Current: 4}

// Row is one pin (the JSON contract of `bumpbot report --json` and
// /api/fleet/pins).
type Row struct {
	Repository string `json:"repository"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	ARN        string `json:"arn"`
	Layer      string `json:"layer"`
	Pinned     int    `json:"pinned"`
	// Newest is the newest version the pin can move to (Pinned when it
	// is current or cannot be resolved).
	Newest int    `json:"newest"`
	Status Status `json:"status"`
	// Rule is the policy rule violated, with why; Detail says what went
	// wrong for an error or a deleted pin.
	Rule   string `json:"rule,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Pull is the bot's open pull request that moves this pin (the App's
	// one-layer and one-repository views).
	Pull *Pull `json:"pull_request,omitempty"`
}

// Sort orders rows worst first, then by repository, file and line.
func Sort(rows []Row) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if order[a.Status] != order[b.Status] {
			return order[a.Status] < order[b.Status]
		}
		if a.Repository != b.Repository {
			return a.Repository < b.Repository
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

// Summary counts rows by status.
type Summary struct {
	Pins         int            `json:"pins"`
	Repositories int            `json:"repositories"`
	ByStatus     map[Status]int `json:"by_status"`
}

// Summarize counts rows.
func Summarize(rows []Row) Summary {
	s := Summary{Pins: len(rows), ByStatus: map[Status]int{}}
	repos := map[string]bool{}
	for _, r := range rows {
		repos[r.Repository] = true
		s.ByStatus[r.Status]++
	}
	s.Repositories = len(repos)
	return s
}

// String is the one-line summary: "412 pins in 57 repositories: 301
// current, 96 behind, 3 on deleted versions, 12 violate policy".
func (s Summary) String() string {
	parts := []string{fmt.Sprintf("%d current", s.ByStatus[Current]), fmt.Sprintf("%d behind", s.ByStatus[Behind])}
	if n := s.ByStatus[Deleted]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d on deleted versions", n))
	}
	if n := s.ByStatus[Violation]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d violate policy", n))
	}
	if n := s.ByStatus[Error]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d could not be resolved", n))
	}
	return fmt.Sprintf("%d pins in %d repositories: %s", s.Pins, s.Repositories, strings.Join(parts, ", "))
}

// WriteText writes rows as an aligned table, then the summary.
func WriteText(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tREPOSITORY\tWHERE\tLAYER\tPINNED\tNEWEST\tWHY")
	for _, r := range rows {
		why := r.Rule
		if why == "" {
			why = r.Detail
		}
		fmt.Fprintf(tw, "%s\t%s\t%s:%d\t%s\t%d\t%d\t%s\n", r.Status, r.Repository, r.File, r.Line, r.Layer, r.Pinned, r.Newest, why)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, Summarize(rows))
	return err
}

// WriteCSV writes rows as CSV with a header.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"status", "repository", "file", "line", "arn", "layer", "pinned", "newest", "rule", "detail"})
	for _, r := range rows {
		cw.Write([]string{string(r.Status), r.Repository, r.File, strconv.Itoa(r.Line), r.ARN, r.Layer,
			strconv.Itoa(r.Pinned), strconv.Itoa(r.Newest), r.Rule, r.Detail})
	}
	cw.Flush()
	return cw.Error()
}
