package webhook_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/webhook"
)

const dashboardBody = "- [x] <!-- bumpbot-open: bumpbot/mylayer --> Bump\n\n<!-- bumpbot-issue: dashboard -->\n"

func issuesPayload(action, senderType, body string, changes map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{
		"action": action, "changes": changes,
		"installation": map[string]any{"id": 7},
		"repository":   map[string]any{"id": 1, "name": "infra", "full_name": "acme/infra", "default_branch": "main"},
		"issue":        map[string]any{"number": 3, "body": body, "updated_at": "2026-12-03T10:00:00Z"},
		"sender":       map[string]any{"login": "alice", "type": senderType},
	})
	return b
}

// An edit of the dashboard's body by a person is stored and queues the
// repository's reconcile, through the same signature check as every
// event; the bot's own edits, other issues, other actions and title-only
// edits are acknowledged and ignored.
func TestDashboardEdits(t *testing.T) {
	t.Parallel()
	bodyChange := map[string]any{"body": map[string]any{"from": "old\n<!-- bumpbot-issue: dashboard -->"}}
	tests := []struct {
		name       string
		payload    []byte
		sign       string // "" signs with the secret
		wantStatus int
		wantBody   string
		wantEdits  int
	}{
		{"person ticks a box", issuesPayload("edited", "User", dashboardBody, bodyChange), "", 202, "queued", 1},
		{"marker removed by the edit", issuesPayload("edited", "User", "all gone", bodyChange), "", 202, "queued", 1},
		{"wrong signature", issuesPayload("edited", "User", dashboardBody, bodyChange), "other", 401, "bad_signature", 0},
		{"the bot's own rewrite", issuesPayload("edited", "Bot", dashboardBody, bodyChange), "", 202, "ignored", 0},
		{"title only", issuesPayload("edited", "User", dashboardBody, map[string]any{"title": map[string]any{"from": "x"}}), "", 202, "ignored", 0},
		{"another issue", issuesPayload("edited", "User", "- [x] mine", map[string]any{"body": map[string]any{"from": "- [ ] mine"}}), "", 202, "ignored", 0},
		{"opened", issuesPayload("opened", "User", dashboardBody, nil), "", 202, "ignored", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openQueue(t)
			s, err := repostate.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(handlerOn(t, db, nil, webhook.WithDashboard(s)))
			t.Cleanup(srv.Close)
			req := ghapptest.NewDelivery(srv.URL, secret, "issues", "delivery-1", tc.payload)
			if tc.sign != "" {
				req.Header.Set("X-Hub-Signature-256", ghapptest.Sign([]byte(tc.sign), tc.payload))
			}
			if status, body := send(t, req); status != tc.wantStatus || body != tc.wantBody {
				t.Errorf("answer %d %q, want %d %q", status, body, tc.wantStatus, tc.wantBody)
			}
			edits, err := s.PendingDashboardEdits(ctx, 7, "acme/infra")
			if err != nil || len(edits) != tc.wantEdits {
				t.Fatalf("edits %+v, %v; want %d", edits, err, tc.wantEdits)
			}
			if tc.wantEdits == 1 && (edits[0].Author != "alice" || edits[0].Number != 3) {
				t.Errorf("edit %+v", edits[0])
			}
			if jobs := jobRepos(t, db); len(jobs) != tc.wantEdits {
				t.Errorf("jobs %v, want %d", jobs, tc.wantEdits)
			}
		})
	}
}
