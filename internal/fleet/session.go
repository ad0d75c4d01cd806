package fleet

import (
	"bytes"
	"compress/flate"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A session is who signed in and which repositories GitHub said they can
// read, kept in the browser as a signed cookie: nothing is stored on the
// server, so every replica accepts it and a restart logs nobody out. The
// user's GitHub token is not in it (it is used once, at sign-in, and
// dropped); the repository set is a snapshot that the expiry bounds.
type session struct {
	Login   string   `json:"u"`
	Repos   []string `json:"r"` // full names, lower case
	Expires int64    `json:"e"` // Unix seconds
}

// Cookie names and limits.
const (
	sessionCookie = "bumpbot_fleet"
	stateCookie   = "bumpbot_oauth"
	// chunkSize keeps each cookie under the 4096 bytes every browser
	// accepts (name and attributes included).
	chunkSize = 3800
	// maxChunks bounds a session's cookies (about 30 KB once
	// compressed: tens of thousands of repository names).
	maxChunks = 8
)

// errTooLarge says a session does not fit the cookies a browser keeps.
var errTooLarge = errors.New("the list of repositories you can access is too long for a browser session; read the fleet with BUMPBOT_FLEET_TOKEN instead")

// sealer signs and checks cookie values with an HMAC-SHA256 key.
type sealer struct{ key []byte }

// seal returns base64url(payload) "." base64url(HMAC(name, payload)): the
// name is signed too, so a value cannot be moved to another cookie.
func (s sealer) seal(name string, payload []byte) string {
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(s.mac(name, payload))
}

// open returns the payload of a sealed value, or an error when the value
// is malformed or its signature does not match.
func (s sealer) open(name, value string) ([]byte, error) {
	p, sig, ok := strings.Cut(value, ".")
	if !ok {
		return nil, errors.New("malformed cookie")
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return nil, fmt.Errorf("cookie payload: %w", err)
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return nil, fmt.Errorf("cookie signature: %w", err)
	}
	if !hmac.Equal(got, s.mac(name, payload)) {
		return nil, errors.New("cookie signature does not match")
	}
	return payload, nil
}

func (s sealer) mac(name string, payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(name))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)
}

// setSession writes sess as compressed, signed cookies (one per
// chunkSize), clearing chunks an older, longer session left.
func (s sealer) setSession(w http.ResponseWriter, r *http.Request, sess session) error {
	raw, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zw.Write(raw)
	zw.Close()
	value := s.seal(sessionCookie, buf.Bytes())
	n := (len(value) + chunkSize - 1) / chunkSize
	if n > maxChunks {
		return errTooLarge
	}
	exp := time.Unix(sess.Expires, 0)
	for i := range maxChunks {
		c := cookie(r, chunkName(i), "", exp)
		if i < n {
			c.Value = value[i*chunkSize : min((i+1)*chunkSize, len(value))]
		} else if _, err := r.Cookie(chunkName(i)); err != nil {
			continue // nothing to clear
		} else {
			c.MaxAge = -1
		}
		http.SetCookie(w, c)
	}
	return nil
}

// session reads the request's session; ok is false when there is none,
// it was tampered with, or it has expired at now.
func (s sealer) session(r *http.Request, now time.Time) (sess session, ok bool) {
	var value strings.Builder
	for i := range maxChunks {
		c, err := r.Cookie(chunkName(i))
		if err != nil {
			break
		}
		value.WriteString(c.Value)
	}
	z, err := s.open(sessionCookie, value.String())
	if err != nil {
		return session{}, false
	}
	// Bounded: a signed payload is one this server wrote.
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), 1<<20))
	if err != nil || json.Unmarshal(raw, &sess) != nil || now.Unix() >= sess.Expires {
		return session{}, false
	}
	return sess, true
}

// clearSession expires every chunk of the session cookie.
func clearSession(w http.ResponseWriter, r *http.Request) {
	for i := range maxChunks {
		if _, err := r.Cookie(chunkName(i)); err == nil {
			c := cookie(r, chunkName(i), "", time.Time{})
			c.MaxAge = -1
			http.SetCookie(w, c)
		}
	}
}

func chunkName(i int) string {
	if i == 0 {
		return sessionCookie
	}
	return sessionCookie + "_" + strconv.Itoa(i)
}

// cookie returns a fleet cookie: HttpOnly, SameSite=Lax (sent on the
// top-level redirect back from GitHub, not on cross-site subrequests),
// and Secure unless the page is served over plain HTTP on a loopback
// address (a browser on the same machine). A reverse proxy on the same
// machine that forwards to localhost still gets Secure cookies when it
// says the request came over HTTPS (X-Forwarded-Proto).
func cookie(r *http.Request, name, value string, expires time.Time) *http.Cookie {
	secure := r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") || !loopback(r.Host)
	return &http.Cookie{Name: name, Value: value, Path: "/", Expires: expires, HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode}
}

// loopback reports whether host (a Host header, with or without port)
// names this machine.
func loopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
