package fleet

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

// A session round-trips through its cookies, split in chunks when the
// repository list is long, until it expires; one too long for a browser
// is refused rather than cut.
func TestSessionCookies(t *testing.T) {
	t.Parallel()
	s := sealer{key: SessionKeyFrom("secret")}
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name    string
		repos   int
		chunks  int
		tooLong bool
	}{
		{name: "a few repositories", repos: 3, chunks: 1},
		{name: "thousands of repositories", repos: 3000, chunks: 6},
		{name: "too many for a browser", repos: 40_000, tooLong: true},
	}
	for _, tc := range tests {
		sess := session{Login: "alice", Expires: now.Add(time.Hour).Unix()}
		for i := range tc.repos {
			// Random-looking names compress as badly as real ones can.
			sess.Repos = append(sess.Repos, fmt.Sprintf("org%d/service-%x", i%7, uint32(i)*2654435761))
		}
		w := httptest.NewRecorder()
		err := s.setSession(w, httptest.NewRequest("GET", "http://fleet.example/fleet", nil), sess)
		if tc.tooLong {
			if err != errTooLarge || len(w.Result().Cookies()) != 0 {
				t.Errorf("%s: error %v, %d cookies", tc.name, err, len(w.Result().Cookies()))
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n := len(w.Result().Cookies()); n != tc.chunks {
			t.Errorf("%s: %d cookies, want %d", tc.name, n, tc.chunks)
		}
		r := httptest.NewRequest("GET", "http://fleet.example/fleet", nil)
		for _, c := range w.Result().Cookies() {
			if len(c.String()) > 4096 || !c.Secure || !c.HttpOnly {
				t.Errorf("%s: cookie %.40s… is %d bytes, Secure %v, HttpOnly %v", tc.name, c.Name, len(c.String()), c.Secure, c.HttpOnly)
			}
			r.AddCookie(c)
		}
		got, ok := s.session(r, now)
		if !ok || got.Login != "alice" || len(got.Repos) != tc.repos || got.Repos[tc.repos-1] != sess.Repos[tc.repos-1] {
			t.Errorf("%s: read back %v, %d repositories", tc.name, ok, len(got.Repos))
		}
		if _, ok := s.session(r, now.Add(time.Hour)); ok {
			t.Errorf("%s: session valid at its expiry", tc.name)
		}
		if _, ok := (sealer{key: SessionKeyFrom("other secret")}).session(r, now); ok {
			t.Errorf("%s: session valid under another key", tc.name)
		}
	}
}

// Cookies are Secure except over plain HTTP on a loopback address.
func TestCookieSecure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host, proto string
		want        bool
	}{
		{"fleet.example", "", true},
		{"fleet.example:8080", "", true},
		{"127.0.0.1:8080", "", false},
		{"[::1]:8080", "", false},
		{"localhost", "", false},
		{"localhost:8080", "https", true}, // a reverse proxy on the same machine
		{"10.0.0.1", "", true},
	} {
		r := httptest.NewRequest("GET", "/fleet", nil)
		r.Host = tc.host
		if tc.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		if got := cookie(r, "c", "v", time.Time{}).Secure; got != tc.want {
			t.Errorf("host %s proto %q: Secure %v, want %v", tc.host, tc.proto, got, tc.want)
		}
	}
}
