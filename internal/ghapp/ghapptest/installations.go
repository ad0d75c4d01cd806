package ghapptest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// GitHub's page size when a list request names none, and its largest.
const (
	defaultPerPage = 30
	maxPerPage     = 100
)

// paged is a handler result: one page of a list, with the Link header
// GitHub sends (absent when everything fits in one page).
type paged struct {
	body any
	link string
}

// PageLimit caps the page size of the list endpoints the fake paginates
// (installations, installation repositories) at n, whatever per_page the
// client asks for, so tests exercise pagination with a handful of items.
// GitHub's own cap is 100.
func (s *Server) PageLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageLimit = n
}

// SuspendInstallation suspends installation id: it is still listed (with
// suspended_at set) but its token requests are refused with 403, as
// GitHub does.
func (s *Server) SuspendInstallation(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.suspended == nil {
		s.suspended = map[int64]bool{}
	}
	s.suspended[id] = true
}

// Archive marks a repository archived (read-only).
func (s *Server) Archive(fullName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp := s.repos[strings.ToLower(fullName)]; rp != nil {
		rp.archived = true
	}
}

// page cuts items to the page r asks for (page, per_page; 1-based, as
// GitHub) and builds the Link header with first, prev, next and last.
func (s *Server) page(r *http.Request, items []any) ([]any, string) {
	per, err := strconv.Atoi(r.URL.Query().Get("per_page"))
	if err != nil || per <= 0 {
		per = defaultPerPage
	}
	per = min(per, maxPerPage)
	if s.pageLimit > 0 {
		per = min(per, s.pageLimit)
	}
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n <= 0 {
		n = 1
	}
	last := max(1, (len(items)+per-1)/per)
	lo, hi := min((n-1)*per, len(items)), min(n*per, len(items))
	if last == 1 {
		return items[lo:hi], ""
	}
	ref := func(p int, rel string) string {
		q := url.Values{"per_page": {strconv.Itoa(per)}, "page": {strconv.Itoa(p)}}
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.URL, r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if n > 1 {
		links = append(links, ref(n-1, "prev"), ref(1, "first"))
	}
	if n < last {
		links = append(links, ref(n+1, "next"), ref(last, "last"))
	}
	return items[lo:hi], strings.Join(links, ", ")
}

// appJWT reports whether r carries a valid JWT of the app: RS256, signed
// with the app's key, issuer = app id, not expired.
func (s *Server) appJWT(r *http.Request) bool {
	claims := &jwt.RegisteredClaims{}
	_, err := jwt.ParseWithClaims(bearer(r), claims, func(tok *jwt.Token) (any, error) {
		if tok.Method != jwt.SigningMethodRS256 {
			return nil, fmt.Errorf("unexpected signing method %v", tok.Header["alg"])
		}
		return s.pub, nil
	})
	return err == nil && claims.Issuer == strconv.FormatInt(s.AppID, 10)
}

// listInstallations serves GET /app/installations: the app's
// installations by id, paginated, for a valid app JWT.
func (s *Server) listInstallations(r *http.Request, _ *repo) (int, any) {
	if !s.appJWT(r) {
		return http.StatusUnauthorized, apiError("A JSON web token could not be decoded")
	}
	ids := make([]int64, 0, len(s.installations))
	for id := range s.installations {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	items := make([]any, 0, len(ids))
	for _, id := range ids {
		items = append(items, s.installationJSON(id))
	}
	list, link := s.page(r, items)
	return http.StatusOK, paged{body: list, link: link}
}

// getInstallation serves GET /app/installations/{id}: one installation,
// for a valid app JWT.
func (s *Server) getInstallation(r *http.Request, _ *repo) (int, any) {
	id, status, refusal := s.installationOf(r)
	if refusal != nil {
		return status, refusal
	}
	return http.StatusOK, s.installationJSON(id)
}

// installationOf checks r's app JWT and returns the installation its path
// names ({id}), or the status and body GitHub answers when either is
// wrong.
func (s *Server) installationOf(r *http.Request) (id int64, status int, refusal any) {
	if !s.appJWT(r) {
		return 0, http.StatusUnauthorized, apiError("A JSON web token could not be decoded")
	}
	id, _ = strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, ok := s.installations[id]; !ok {
		return 0, http.StatusNotFound, apiError("Not Found")
	}
	return id, 0, nil
}

// installationJSON is an installation as GitHub describes it. An
// installation belongs to one account: the one SetAccount named, else the
// owner of its first repository, else "org<id>".
func (s *Server) installationJSON(id int64) map[string]any {
	inst := map[string]any{
		"id": id, "app_id": s.AppID, "target_type": "Organization",
		"account":              map[string]any{"login": s.account(id)},
		"repository_selection": "selected",
	}
	if s.suspended[id] {
		inst["suspended_at"] = s.now.Format(time.RFC3339)
	}
	return inst
}

func (s *Server) account(id int64) string {
	if a := s.accounts[id]; a != "" {
		return a
	}
	if repos := s.installations[id]; len(repos) > 0 {
		if owner, _, ok := strings.Cut(repos[0], "/"); ok {
			return owner
		}
	}
	return fmt.Sprintf("org%d", id)
}

// SetAccount makes login the account installation id belongs to, as after
// a rename of the organization.
func (s *Server) SetAccount(id int64, login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts == nil {
		s.accounts = map[int64]string{}
	}
	s.accounts[id] = login
}

// installationRepos serves GET /installation/repositories: the
// repositories the token's installation may access, paginated.
func (s *Server) installationRepos(r *http.Request, _ *repo) (int, any) {
	inst := s.tokens[bearer(r)]
	items := []any{}
	for _, n := range s.installations[inst] {
		if rp := s.repos[strings.ToLower(n)]; rp != nil {
			items = append(items, rp.json())
		}
	}
	list, link := s.page(r, items)
	return http.StatusOK, paged{body: map[string]any{"total_count": len(items), "repositories": list}, link: link}
}
