package fleet

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"golang.org/x/oauth2"

	"github.com/bumpbot/bumpbot/internal/ghapp"
)

// SignIn configures sign-in with GitHub through the App's own OAuth
// credentials (the user-to-server flow): a person signs in and sees only
// the repositories GitHub says they can access among the App's
// installations.
type SignIn struct {
	// ClientID and ClientSecret are the App's OAuth credentials.
	ClientID, ClientSecret string
	// GitHubURL is the REST API root (ghapp.DefaultBaseURL when empty,
	// "https://HOST/api/v3" on GitHub Enterprise Server); the sign-in
	// pages are on the matching web host.
	GitHubURL string
	// SessionKey signs the session cookies; when empty it is derived
	// from ClientSecret (SessionKeyFrom), so a new client secret signs
	// everybody out.
	SessionKey string
	// SessionTTL is how long a session lasts (DefaultSessionTTL when 0);
	// the repositories a person may see are read again at the next
	// sign-in.
	SessionTTL time.Duration
	// Transport carries the calls to GitHub (http.DefaultTransport when nil).
	Transport http.RoundTripper
	// Logger records sign-ins and failures (never a token).
	Logger *slog.Logger
}

// DefaultSessionTTL is how long a fleet session lasts by default.
const DefaultSessionTTL = 8 * time.Hour

// stateTTL bounds the time between leaving for GitHub and coming back.
const stateTTL = 10 * time.Minute

// SessionKeyFrom derives the session signing key from the App's client
// secret: HMAC-SHA256 keyed by the secret over a fixed label, so the key
// is never the secret itself.
func SessionKeyFrom(clientSecret string) []byte {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte("bumpbot fleet session key v1"))
	return m.Sum(nil)
}

// signIn is a configured SignIn.
type signIn struct {
	oauth  oauth2.Config
	api    *url.URL
	client *http.Client
	seal   sealer
	ttl    time.Duration
	log    *slog.Logger
	now    func() time.Time
}

// EnableSignIn turns on sign-in with GitHub: /fleet/login, /fleet/callback
// and /fleet/logout, and sessions as a way to read the views.
func (h *Handler) EnableSignIn(cfg SignIn) error {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return errors.New("fleet sign-in needs the App's client ID and client secret (BUMPBOT_CLIENT_ID, BUMPBOT_CLIENT_SECRET)")
	}
	base := cfg.GitHubURL
	if base == "" {
		base = ghapp.DefaultBaseURL
	}
	api, err := url.Parse(strings.TrimRight(base, "/") + "/")
	if err != nil || (api.Scheme != "http" && api.Scheme != "https") {
		return fmt.Errorf("fleet sign-in: GitHub URL %q is not an http(s) URL", base)
	}
	web := ghapp.WebBase(api)
	key := []byte(cfg.SessionKey)
	if len(key) == 0 {
		key = SessionKeyFrom(cfg.ClientSecret)
	}
	tr := cfg.Transport
	if tr == nil {
		tr = http.DefaultTransport
	}
	s := &signIn{
		// No RedirectURL: GitHub then sends the person back to the
		// callback URL of the App's settings, the one place it is set.
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: oauth2.Endpoint{
			AuthURL: web + "/login/oauth/authorize", TokenURL: web + "/login/oauth/access_token", AuthStyle: oauth2.AuthStyleInParams,
		}},
		api:    api,
		client: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		seal:   sealer{key: key},
		ttl:    cfg.SessionTTL,
		log:    cfg.Logger,
		now:    time.Now,
	}
	if s.ttl <= 0 {
		s.ttl = DefaultSessionTTL
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	h.signIn = s
	h.mux.HandleFunc("GET /fleet/login", s.login)
	h.mux.HandleFunc("GET /fleet/callback", s.callback)
	h.mux.HandleFunc("POST /fleet/logout", s.logout)
	h.mux.HandleFunc("GET /fleet/logout", s.logout)
	return nil
}

// login sends the browser to GitHub's authorization page with a fresh
// random state, which a signed, short-lived cookie binds to this browser:
// a callback whose state does not match the cookie is refused, so nobody
// can sign someone else in to their own account (login CSRF).
func (s *signIn) login(w http.ResponseWriter, r *http.Request) {
	var b [32]byte
	rand.Read(b[:])
	state := base64.RawURLEncoding.EncodeToString(b[:])
	next := localPath(r.URL.Query().Get("next"))
	exp := s.now().Add(stateTTL)
	payload := state + "\n" + next + "\n" + fmt.Sprint(exp.Unix())
	http.SetCookie(w, cookie(r, stateCookie, s.seal.seal(stateCookie, []byte(payload)), exp))
	http.Redirect(w, r, s.oauth.AuthCodeURL(state), http.StatusFound)
}

// callback finishes the sign-in: it checks the state, trades the code for
// the person's token, asks GitHub which repositories they can access
// through the App's installations, and keeps that set in the session.
// The token is dropped afterwards.
func (s *signIn) callback(w http.ResponseWriter, r *http.Request) {
	next, err := s.checkState(r)
	// The state cookie is single-use whatever happens.
	c := cookie(r, stateCookie, "", time.Time{})
	c.MaxAge = -1
	http.SetCookie(w, c)
	if err != nil {
		s.log.Warn("fleet sign-in refused", "reason", err.Error())
		http.Error(w, "sign-in failed: "+err.Error()+"; start again at /fleet/login", http.StatusBadRequest)
		return
	}
	if e := r.URL.Query().Get("error"); e != "" {
		// The person declined, or GitHub refused the App.
		http.Error(w, "GitHub did not sign you in: "+e, http.StatusForbidden)
		return
	}
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, s.client)
	tok, err := s.oauth.Exchange(ctx, r.URL.Query().Get("code"))
	if err != nil {
		s.log.Warn("fleet sign-in: code exchange failed", "error", redactErr(err))
		http.Error(w, "GitHub did not accept the sign-in; start again at /fleet/login", http.StatusBadGateway)
		return
	}
	sess, err := s.readAccess(ctx, tok)
	if err != nil {
		s.log.Warn("fleet sign-in: cannot list the person's repositories", "error", err)
		http.Error(w, "cannot read which repositories you can access; try again later", http.StatusBadGateway)
		return
	}
	sess.Expires = s.now().Add(s.ttl).Unix()
	if err := s.seal.setSession(w, r, sess); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	s.log.Info("fleet sign-in", "user", sess.Login, "repositories", len(sess.Repos))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// checkState compares the callback's state with the cookie's, in
// constant time, and returns where to go afterwards.
func (s *signIn) checkState(r *http.Request) (string, error) {
	c, err := r.Cookie(stateCookie)
	if err != nil {
		return "", errors.New("no sign-in in progress in this browser")
	}
	payload, err := s.seal.open(stateCookie, c.Value)
	if err != nil {
		return "", err
	}
	parts := strings.SplitN(string(payload), "\n", 3)
	if len(parts) != 3 {
		return "", errors.New("malformed sign-in cookie")
	}
	if exp, err := strconv.ParseInt(parts[2], 10, 64); err != nil || s.now().Unix() >= exp {
		return "", errors.New("the sign-in took too long")
	}
	if !hmac.Equal([]byte(parts[0]), []byte(r.URL.Query().Get("state"))) {
		return "", errors.New("the state parameter does not match this browser's sign-in")
	}
	return parts[1], nil
}

// readAccess asks GitHub, with the person's token, who they are and
// which repositories of the App's installations they can access.
func (s *signIn) readAccess(ctx context.Context, tok *oauth2.Token) (session, error) {
	hc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(tok), Base: s.client.Transport}, Timeout: s.client.Timeout}
	gh := github.NewClient(hc)
	gh.BaseURL = s.api
	user, _, err := gh.Users.Get(ctx, "")
	if err != nil {
		return session{}, fmt.Errorf("GET /user: %w", err)
	}
	sess := session{Login: user.GetLogin(), Repos: []string{}}
	seen := map[string]bool{}
	opt := &github.ListOptions{PerPage: 100}
	for {
		insts, resp, err := gh.Apps.ListUserInstallations(ctx, opt)
		if err != nil {
			return session{}, fmt.Errorf("GET /user/installations: %w", err)
		}
		for _, in := range insts {
			if err := s.addRepos(ctx, gh, in.GetID(), &sess, seen); err != nil {
				return session{}, err
			}
		}
		if resp.NextPage == 0 {
			return sess, nil
		}
		opt.Page = resp.NextPage
	}
}

// addRepos adds the repositories of installation id the person can access.
func (s *signIn) addRepos(ctx context.Context, gh *github.Client, id int64, sess *session, seen map[string]bool) error {
	opt := &github.ListOptions{PerPage: 100}
	for {
		list, resp, err := gh.Apps.ListUserRepos(ctx, id, opt)
		if err != nil {
			return fmt.Errorf("GET /user/installations/%d/repositories: %w", id, err)
		}
		for _, rp := range list.Repositories {
			if n := strings.ToLower(rp.GetFullName()); n != "" && !seen[n] {
				seen[n] = true
				sess.Repos = append(sess.Repos, n)
			}
		}
		if resp.NextPage == 0 {
			return nil
		}
		opt.Page = resp.NextPage
	}
}

// logout ends the session and says so.
func (s *signIn) logout(w http.ResponseWriter, r *http.Request) {
	clearSession(w, r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	signedOutPage.Execute(w, nil) //nolint:errcheck // the client went away
}

// localPath keeps next only when it is a path of the fleet view, so the
// sign-in cannot be turned into an open redirect.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/fleet") || strings.HasPrefix(next, "//") {
		return "/fleet"
	}
	return u.RequestURI()
}

// redactErr describes an exchange failure without the response body,
// which may echo credentials.
func redactErr(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.ErrorCode != "" {
			return "GitHub answered " + re.ErrorCode
		}
		if re.Response != nil {
			return "GitHub answered " + re.Response.Status
		}
	}
	return "the token request failed"
}
