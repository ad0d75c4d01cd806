package ghapptest

import (
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// oauth is the fake's side of "Sign in with GitHub" for the App: its
// OAuth credentials, the people who may sign in, the codes issued and
// the user-to-server tokens minted.
type oauth struct {
	clientID, clientSecret, callback string
	users                            map[string][]string // login → repositories they can access
	codes                            map[string]string   // code → login
	tokens                           map[string]string   // user token → login
	exchanges                        int
}

// SetOAuthApp gives the App its OAuth credentials and the callback URL
// of its settings, where GitHub sends a person back after they
// authorize it.
func (s *Server) SetOAuthApp(clientID, clientSecret, callbackURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.oauthState()
	o.clientID, o.clientSecret, o.callback = clientID, clientSecret, callbackURL
}

// AddUser adds a person who can sign in with GitHub and who can access
// repos (full names). Through the App they see the installations holding
// any of these repositories, and in each only these repositories, as
// GitHub intersects the App's access with the person's.
func (s *Server) AddUser(login string, repos ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.oauthState()
	o.users[login] = append(o.users[login], repos...)
}

// OAuthExchanges counts the codes redeemed for a user token.
func (s *Server) OAuthExchanges() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oauthState().exchanges
}

// UserTokens returns every user-to-server token the fake has minted, so
// tests can assert that none of them leaked into logs or cookies.
func (s *Server) UserTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for t := range s.oauthState().tokens {
		out = append(out, t)
	}
	return out
}

func (s *Server) oauthState() *oauth {
	if s.oauth == nil {
		s.oauth = &oauth{users: map[string][]string{}, codes: map[string]string{}, tokens: map[string]string{}}
	}
	return s.oauth
}

// oauthRoutes adds GitHub's web sign-in pages (which GitHub serves on
// its web host, the fake on its one host) and the API routes a user token
// reads.
func (s *Server) oauthRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /login/oauth/authorize", s.authorizePage)
	mux.HandleFunc("POST /login/oauth/authorize", s.authorize)
	mux.HandleFunc("POST /login/oauth/access_token", s.exchangeCode)
	mux.HandleFunc("GET /user", s.asUser(s.getUser))
	mux.HandleFunc("GET /user/installations", s.asUser(s.userInstallations))
	mux.HandleFunc("GET /user/installations/{id}/repositories", s.asUser(s.userInstallationRepos))
}

var authorizeTmpl = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize application</title></head><body>
<h1>Authorize bumpbot-test</h1>
<form method="post" action="/login/oauth/authorize">
<input type="hidden" name="client_id" value="{{.ClientID}}"><input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<label>Signed in as <select name="login" id="login">{{range .Users}}<option>{{.}}</option>{{end}}</select></label>
<button type="submit" id="authorize">Authorize bumpbot-test</button>
</form></body></html>`))

// authorizePage is GitHub's "Authorize application" page: the person
// (chosen from the fake's users, as if signed in to GitHub) clicks the
// button to be sent back to the App with a code.
func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	if !s.client(w, r, q) {
		return
	}
	var users []string
	for u := range s.oauthState().users {
		users = append(users, u)
	}
	slices.Sort(users)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	authorizeTmpl.Execute(w, map[string]any{"ClientID": q.Get("client_id"), "State": q.Get("state"), //nolint:errcheck // the client went away
		"RedirectURI": q.Get("redirect_uri"), "Users": users})
}

// authorize is the click on "Authorize": a redirect to the callback with
// a one-time code and the state the App sent, unchanged.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.ParseForm() //nolint:errcheck // missing fields are refused below
	o := s.oauthState()
	if !s.client(w, r, r.PostForm) {
		return
	}
	login := r.PostForm.Get("login")
	if _, ok := o.users[login]; !ok {
		http.Error(w, "no such user", http.StatusBadRequest)
		return
	}
	code := randomHex(10)
	o.codes[code] = login
	back := r.PostForm.Get("redirect_uri")
	if back == "" {
		back = o.callback
	}
	u, _ := url.Parse(back)
	v := u.Query()
	v.Set("code", code)
	if st := r.PostForm.Get("state"); st != "" {
		v.Set("state", st)
	}
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// client counts an authorize request and checks its client_id and
// redirect_uri (in v), answering 400 when GitHub would refuse them.
func (s *Server) client(w http.ResponseWriter, r *http.Request, v url.Values) bool {
	s.count(r)
	if msg := s.checkClient(v.Get("client_id"), v.Get("redirect_uri")); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return false
	}
	return true
}

// checkClient returns GitHub's complaint about a client ID or a
// redirect_uri, or "". A redirect_uri must be the callback URL or a path
// under it, on the same host and port.
func (s *Server) checkClient(clientID, redirectURI string) string {
	o := s.oauthState()
	if o.clientID == "" || clientID != o.clientID {
		return "Not Found: unknown client_id"
	}
	if redirectURI == "" {
		return ""
	}
	want, _ := url.Parse(o.callback)
	got, err := url.Parse(redirectURI)
	if err != nil || got.Scheme != want.Scheme || got.Host != want.Host || !strings.HasPrefix(got.Path, want.Path) {
		return "The redirect_uri MUST match the registered callback URL for this application."
	}
	return ""
}

// exchangeCode is POST /login/oauth/access_token as GitHub answers it:
// form-encoded unless the client accepts JSON, and 200 with an error
// field (not an HTTP error) for wrong credentials or a bad code. A code
// is good once.
func (s *Server) exchangeCode(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count(r)
	r.ParseForm() //nolint:errcheck // missing fields are refused below
	o := s.oauthState()
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	answer := url.Values{}
	login, ok := o.codes[r.PostForm.Get("code")]
	switch {
	case o.clientID == "" || id != o.clientID || secret != o.clientSecret:
		answer.Set("error", "incorrect_client_credentials")
		answer.Set("error_description", "The client_id and/or client_secret passed are incorrect.")
	case !ok:
		answer.Set("error", "bad_verification_code")
		answer.Set("error_description", "The code passed is incorrect or expired.")
	default:
		delete(o.codes, r.PostForm.Get("code"))
		o.exchanges++
		tok := "ghu_" + randomHex(18)
		o.tokens[tok] = login
		answer = url.Values{"access_token": {tok}, "expires_in": {"28800"}, "refresh_token": {"ghr_" + randomHex(30)},
			"refresh_token_expires_in": {"15811200"}, "scope": {""}, "token_type": {"bearer"}}
	}
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		body := map[string]any{}
		for k := range answer {
			body[k] = answer.Get(k)
			if n, err := strconv.Atoi(answer.Get(k)); err == nil && strings.HasSuffix(k, "expires_in") {
				body[k] = n
			}
		}
		writeJSON(w, http.StatusOK, body)
		return
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	w.Write([]byte(answer.Encode()))
}

// asUser authenticates a user-to-server token and counts the request.
func (s *Server) asUser(h func(r *http.Request, login string) (int, any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.count(r)
		s.counts.RateLimited++
		login, ok := s.oauthState().tokens[bearer(r)]
		if !ok {
			writeJSON(w, http.StatusUnauthorized, apiError("Bad credentials"))
			return
		}
		status, v := h(r, login)
		if p, ok := v.(paged); ok {
			if p.link != "" {
				w.Header().Set("Link", p.link)
			}
			v = p.body
		}
		writeJSON(w, status, v)
	}
}

func (s *Server) getUser(_ *http.Request, login string) (int, any) {
	return http.StatusOK, map[string]any{"login": login, "id": len(login), "type": "User"}
}

// userInstallations lists the App's installations holding a repository
// the person can access.
func (s *Server) userInstallations(r *http.Request, login string) (int, any) {
	items := []any{}
	for _, id := range s.userInstallationIDs(login) {
		items = append(items, s.installationJSON(id))
	}
	list, link := s.page(r, items)
	return http.StatusOK, paged{body: map[string]any{"total_count": len(items), "installations": list}, link: link}
}

// userInstallationRepos lists the repositories of one installation the
// person can access; an installation they cannot see is 404.
func (s *Server) userInstallationRepos(r *http.Request, login string) (int, any) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if !slices.Contains(s.userInstallationIDs(login), id) {
		return http.StatusNotFound, apiError("Not Found")
	}
	items := []any{}
	for _, n := range s.installations[id] {
		if s.userCan(login, n) {
			items = append(items, s.repos[strings.ToLower(n)].json())
		}
	}
	list, link := s.page(r, items)
	return http.StatusOK, paged{body: map[string]any{"total_count": len(items), "repositories": list}, link: link}
}

func (s *Server) userInstallationIDs(login string) []int64 {
	var ids []int64
	for id, repos := range s.installations {
		if slices.ContainsFunc(repos, func(n string) bool { return s.userCan(login, n) && s.repos[strings.ToLower(n)] != nil }) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func (s *Server) userCan(login, repo string) bool {
	return slices.ContainsFunc(s.oauthState().users[login], func(n string) bool { return strings.EqualFold(n, repo) })
}

// count records a request that the generic wrapper does not serve.
func (s *Server) count(r *http.Request) {
	s.counts.Total++
	s.counts.ByRoute[r.Pattern]++
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
