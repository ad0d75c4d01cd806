// Package ghapptest is a stateful fake of the GitHub REST API for tests:
// app authentication (RS256 JWT → installation token), repositories with
// real git objects (SHA-1 of the git encoding), refs, pull requests, labels
// and comments. It speaks the wire protocol the real go-github and
// ghinstallation clients use, answers ETag revalidations with 304 and
// counts requests, so tests can measure what a reconcile costs.
package ghapptest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is the fake GitHub API. Its zero value is not usable; call New.
type Server struct {
	// URL is the API base URL (no trailing slash).
	URL string
	// AppID is the GitHub App the fake accepts JWTs for.
	AppID int64
	// PrivateKeyPEM is the app's private key, PEM (PKCS#1), as GitHub
	// hands it to the app owner.
	PrivateKeyPEM []byte

	srv *httptest.Server
	pub *rsa.PublicKey

	mu            sync.Mutex
	repos         map[string]*repo   // by lower-case full name
	installations map[int64][]string // installation → repo full names
	tokens        map[string]int64   // token → installation
	plainTokens   map[string]bool    // tokens PlainToken made (a workflow's)
	remaining     map[int64]int      // rate limit left per installation
	counts        Counts
	intercept     func(route string, r *http.Request) bool
	limits        map[string]time.Duration // route → Retry-After of its next answer
	suspended     map[int64]bool           // suspended installations
	accounts      map[int64]string         // installation → account login, when set
	pageLimit     int                      // cap on per_page; 0: GitHub's 100
	now           time.Time
	// manifestCodes are redeemable manifest codes and their webhook
	// secrets; conversions counts the codes redeemed.
	manifestCodes map[string]string
	conversions   int
	// nextCheckRun is the id of the last check run created.
	nextCheckRun int64
	oauth        *oauth // sign-in with GitHub (oauth.go)
	// Latency and write limits (writelimits.go).
	latency     time.Duration
	writeLimits []WriteLimit
	writeLog    map[int64][]time.Time // arrival of each installation's recent writes
	flightMu    sync.Mutex
	inFlight    map[int64]int // writes of each installation being answered, under flightMu
}

// Counts is what the fake has served since the last ResetCounts.
type Counts struct {
	// ByRoute counts requests by "METHOD pattern", for example
	// "POST /repos/{owner}/{repo}/pulls".
	ByRoute map[string]int
	// Total counts every request, 304s included.
	Total int
	// RateLimited counts the requests GitHub charges against the rate
	// limit: every request except 304 Not Modified answers.
	RateLimited int
	// Writes counts POST, PATCH, PUT and DELETE requests (token creation
	// excluded).
	Writes int
	// SecondaryLimited counts the writes answered with a secondary rate
	// limit because they broke SetWriteLimits' limits.
	SecondaryLimited int
}

// New starts a fake GitHub for app appID; it is closed when t ends.
func New(t testing.TB, appID int64) *Server {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("ghapptest: generate key: %v", err)
	}
	s := &Server{
		AppID:         appID,
		PrivateKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		pub:           &key.PublicKey,
		repos:         map[string]*repo{},
		installations: map[int64][]string{},
		tokens:        map[string]int64{},
		remaining:     map[int64]int{},
		limits:        map[string]time.Duration{},
		counts:        Counts{ByRoute: map[string]int{}},
		now:           time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	s.srv = httptest.NewServer(s.routes())
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Intercept installs f, called before every request with its route; when f
// returns true the fake does not serve the request (f has answered it).
// Tests use it to fail or block one call, for example to stop a job
// between the commit and the pull request.
func (s *Server) Intercept(f func(route string, r *http.Request) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.intercept = f
}

// SecondaryLimit makes the next request to route ("METHOD pattern", as in
// Counts.ByRoute) answer what GitHub answers a client that tripped a
// secondary rate limit: 403, a Retry-After of retryAfter (whole seconds,
// rounded up), the documented message, and no side effect. Later requests
// are served normally.
func (s *Server) SecondaryLimit(route string, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits[route] = retryAfter
}

// Counts returns a copy of the request counters.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counts
	c.ByRoute = map[string]int{}
	for k, v := range s.counts.ByRoute {
		c.ByRoute[k] = v
	}
	return c
}

// ResetCounts zeroes the request counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = Counts{ByRoute: map[string]int{}}
}

// handler is a fake endpoint: it runs under s.mu and returns the status
// and the JSON value (or []byte for raw bodies) to send.
type handler func(r *http.Request, rp *repo) (int, any)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /app/installations/{id}/access_tokens", s.serve(s.accessToken, false))
	mux.HandleFunc("GET /app/installations", s.serve(s.listInstallations, false))
	mux.HandleFunc("GET /app/installations/{id}", s.serve(s.getInstallation, false))
	mux.HandleFunc("GET /installation/repositories", s.serve(s.installationRepos, false))
	mux.HandleFunc("POST /app-manifests/{code}/conversions", s.convertManifest)
	mux.HandleFunc("GET /app", s.serve(s.getApp, false))
	mux.HandleFunc("POST /graphql", s.serve(s.graphql, false))
	s.oauthRoutes(mux)
	for pattern, h := range map[string]handler{
		"GET /repos/{owner}/{repo}":                                     s.getRepo,
		"GET /repos/{owner}/{repo}/branches/{branch...}":                s.getBranch,
		"GET /repos/{owner}/{repo}/git/trees/{sha}":                     s.getTree,
		"POST /repos/{owner}/{repo}/git/trees":                          s.createTree,
		"GET /repos/{owner}/{repo}/git/blobs/{sha}":                     s.getBlob,
		"POST /repos/{owner}/{repo}/git/blobs":                          s.createBlob,
		"GET /repos/{owner}/{repo}/git/commits/{sha}":                   s.getCommit,
		"POST /repos/{owner}/{repo}/git/commits":                        s.createCommit,
		"GET /repos/{owner}/{repo}/git/ref/{ref...}":                    s.getRef,
		"POST /repos/{owner}/{repo}/git/refs":                           s.createRef,
		"PATCH /repos/{owner}/{repo}/git/refs/{ref...}":                 s.updateRef,
		"GET /repos/{owner}/{repo}/contents/{path...}":                  s.getContents,
		"GET /repos/{owner}/{repo}/pulls":                               s.listPulls,
		"POST /repos/{owner}/{repo}/pulls":                              s.createPull,
		"GET /repos/{owner}/{repo}/pulls/{number}":                      s.getPull,
		"PATCH /repos/{owner}/{repo}/pulls/{number}":                    s.editPull,
		"GET /repos/{owner}/{repo}/issues/{number}/labels":              s.listIssueLabels,
		"POST /repos/{owner}/{repo}/issues/{number}/labels":             s.addIssueLabels,
		"GET /repos/{owner}/{repo}/labels/{name}":                       s.getLabel,
		"POST /repos/{owner}/{repo}/labels":                             s.createLabel,
		"GET /repos/{owner}/{repo}/issues/{number}/comments":            s.listComments,
		"POST /repos/{owner}/{repo}/issues/{number}/comments":           s.createComment,
		"PATCH /repos/{owner}/{repo}/issues/comments/{id}":              s.editComment,
		"POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers": s.requestReviewers,
		"POST /repos/{owner}/{repo}/issues/{number}/assignees":          s.addAssignees,
		"GET /repos/{owner}/{repo}/issues":                              s.listIssues,
		"POST /repos/{owner}/{repo}/issues":                             s.createIssue,
		"PATCH /repos/{owner}/{repo}/issues/{number}":                   s.editIssue,
		"GET /repos/{owner}/{repo}/issues/{number}":                     s.getIssue,
		"GET /repos/{owner}/{repo}/collaborators/{user}/permission":     s.getPermission,
		"POST /repos/{owner}/{repo}/issues/comments/{id}/reactions":     s.createReaction,
		"DELETE /repos/{owner}/{repo}/git/refs/{ref...}":                s.deleteRef,
		"GET /repos/{owner}/{repo}/pulls/{number}/files":                s.listPullFiles,
		"POST /repos/{owner}/{repo}/check-runs":                         s.createCheckRun,
		"PATCH /repos/{owner}/{repo}/check-runs/{id}":                   s.updateCheckRun,
		"GET /repos/{owner}/{repo}/commits/{ref}/check-runs":            s.listCheckRunsForRef,
	} {
		mux.HandleFunc(pattern, s.serve(h, true))
	}
	return mux
}

// serve wraps a handler with interception, authentication, counting,
// rate-limit headers and ETag revalidation.
func (s *Server) serve(h handler, repoScoped bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		route := r.Pattern
		s.mu.Lock()
		intercept := s.intercept
		s.mu.Unlock()
		if intercept != nil && intercept(route, r) {
			return
		}
		concurrent, arrived, leave := s.arrive(r)
		defer leave()
		w = answered{w, leave}

		s.mu.Lock()
		defer s.mu.Unlock()
		s.counts.Total++
		s.counts.ByRoute[route]++

		var inst int64
		var rp *repo
		if r.URL.Path != "/app" && !strings.HasPrefix(r.URL.Path, "/app/") {
			var ok bool
			inst, ok = s.tokens[bearer(r)]
			if !ok {
				s.counts.RateLimited++
				writeJSON(w, http.StatusUnauthorized, apiError("Bad credentials"))
				return
			}
			if repoScoped {
				rp = s.repoFor(inst, r.PathValue("owner")+"/"+r.PathValue("repo"))
				if rp == nil {
					s.counts.RateLimited++
					writeJSON(w, http.StatusNotFound, apiError("Not Found"))
					return
				}
			}
		}
		if r.Method != http.MethodGet && !strings.HasPrefix(r.URL.Path, "/app/") {
			s.counts.Writes++
		}
		if wait, ok := s.limits[route]; ok {
			delete(s.limits, route)
			s.counts.RateLimited++
			s.secondaryLimit(w, inst, wait)
			return
		}
		if isWrite(r) {
			if over, wait := s.overLimit(inst, arrived, concurrent); over {
				s.counts.RateLimited++
				s.counts.SecondaryLimited++
				s.secondaryLimit(w, inst, wait)
				return
			}
		}

		status, v := h(r, rp)
		if loc, ok := v.(redirect); ok {
			// GitHub's 301 for a renamed branch: Location names the
			// new URL, the body says why.
			s.counts.RateLimited++
			s.remaining[inst]--
			w.Header().Set("Location", s.URL+string(loc))
			writeJSON(w, status, map[string]any{"message": "Moved Permanently", "url": s.URL + string(loc)})
			return
		}
		if p, ok := v.(paged); ok {
			if p.link != "" {
				w.Header().Set("Link", p.link)
			}
			v = p.body
		}
		var body []byte
		if raw, ok := v.([]byte); ok {
			body = raw
		} else {
			body, _ = json.Marshal(v)
		}
		etag := ""
		if r.Method == http.MethodGet && status == http.StatusOK {
			sum := sha1.Sum(body)
			etag = `"` + hex.EncodeToString(sum[:]) + `"`
			w.Header().Set("ETag", etag)
		}
		// Like GitHub: responses vary by token and allow short caching;
		// clients that want fresh data must revalidate.
		w.Header().Set("Vary", "Accept, Authorization, Cookie")
		w.Header().Set("Cache-Control", "private, max-age=60, s-maxage=60")
		notModified := etag != "" && r.Header.Get("If-None-Match") == etag
		if !notModified {
			s.counts.RateLimited++
			if inst != 0 {
				s.remaining[inst]--
			}
		}
		if inst != 0 {
			w.Header().Set("X-RateLimit-Limit", "5000")
			w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(s.remaining[inst]))
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(s.now.Add(time.Hour).Unix(), 10))
			w.Header().Set("X-RateLimit-Resource", "core")
		}
		if notModified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if _, ok := v.([]byte); ok {
			w.Header().Set("Content-Type", "application/vnd.github.raw")
		} else {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(status)
		w.Write(body)
	}
}

// redirect is a handler result: answer 301 to this API path.
type redirect string

// secondaryLimit writes GitHub's secondary rate limit answer. The primary
// limit is not exhausted (X-RateLimit-Remaining stays positive), which is
// how clients tell the two apart.
func (s *Server) secondaryLimit(w http.ResponseWriter, inst int64, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
	if inst != 0 {
		s.remaining[inst]--
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(s.remaining[inst]))
	}
	writeJSON(w, http.StatusForbidden, map[string]any{
		"message":           "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
		"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
	})
}

func bearer(r *http.Request) string {
	a := r.Header.Get("Authorization")
	for _, p := range []string{"token ", "Bearer ", "bearer "} {
		if strings.HasPrefix(a, p) {
			return strings.TrimPrefix(a, p)
		}
	}
	return ""
}

func (s *Server) repoFor(inst int64, fullName string) *repo {
	for _, n := range s.installations[inst] {
		if strings.EqualFold(n, fullName) {
			return s.repos[strings.ToLower(n)]
		}
	}
	return nil
}

// accessToken verifies the app JWT and mints an installation token.
func (s *Server) accessToken(r *http.Request, _ *repo) (int, any) {
	id, status, refusal := s.installationOf(r)
	if refusal != nil {
		return status, refusal
	}
	if s.suspended[id] {
		return http.StatusForbidden, apiError("This installation has been suspended")
	}
	var b [16]byte
	rand.Read(b[:])
	tok := "ghs_" + hex.EncodeToString(b[:])
	s.tokens[tok] = id
	if _, ok := s.remaining[id]; !ok {
		s.remaining[id] = 5000
	}
	return http.StatusCreated, map[string]any{
		"token":      tok,
		"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
	}
}

// Tokens returns every installation token the fake has minted, so tests
// can assert that none of them leaked into logs.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for t := range s.tokens {
		out = append(out, t)
	}
	return out
}

func apiError(msg string) map[string]any {
	return map[string]any{"message": msg, "documentation_url": "https://docs.github.com/rest"}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decode reads a JSON request body into v.
func decode(r *http.Request, v any) bool {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r.Body); err != nil {
		return false
	}
	return json.Unmarshal(buf.Bytes(), v) == nil
}
