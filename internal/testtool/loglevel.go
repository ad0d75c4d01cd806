package testtool

import (
	"log/slog"
	"strings"
	"testing"
)

// DebugOnly checks a line a hot path writes once per request: send runs
// once with a JSON logger at Info and once at Debug, and the line whose
// message is msg must appear at Debug only, holding the JSON fragment
// names (say `"delivery_id":"d1"`). A line per request at Info made
// every request wait for the log's lock under load.
func DebugOnly(t *testing.T, msg, names string, send func(t *testing.T, log *slog.Logger)) {
	t.Helper()
	for _, tc := range []struct {
		level slog.Level
		want  bool
	}{{slog.LevelInfo, false}, {slog.LevelDebug, true}} {
		t.Run(tc.level.String(), func(t *testing.T) {
			t.Parallel()
			var buf Buffer
			send(t, slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: tc.level})))
			logged := strings.Contains(buf.String(), `"msg":"`+msg+`"`)
			if logged != tc.want {
				t.Errorf("at %s, %q logged = %v, want %v; log:\n%s", tc.level, msg, logged, tc.want, buf.String())
			}
			if tc.want && !strings.Contains(buf.String(), names) {
				t.Errorf("debug line does not hold %s:\n%s", names, buf.String())
			}
		})
	}
}
