package reconcile

// Held is an update a reconcile did not publish, and why: what the
// dashboard issue lists as pending, with a box to open it now.
type Held struct {
	Branch string
	Title  string
	// Reason is HeldBySchedule or HeldByLimit.
	Reason string
}

// Why an update is held.
const (
	HeldBySchedule = "schedule"
	HeldByLimit    = "open-pull-requests-limit"
)
