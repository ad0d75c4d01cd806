package ghapp

import (
	"context"
	"net/http"
	"strconv"
)

// Store keeps what the client learns from GitHub outside the process (the
// job database, see package ghstore), so the first reconcile after a
// restart is as cheap as any other: the ETag cache, whose revalidated
// answers cost no rate limit, and facts GitHub told once (the app's slug,
// an installation's account). Values are opaque bytes under a kind and a
// key; a failing store is a miss. It must be safe for concurrent use.
type Store interface {
	Get(kind, key string) ([]byte, bool)
	Set(kind, key string, value []byte)
	Delete(kind, key string)
}

// Kinds of entries the client keeps in a Store.
const (
	storeHTTP = "http"
	storeFact = "fact"
)

// storeCache is one installation's view of the ETag cache in a Store
// (an httpcache.Cache): keys are prefixed with the installation, as in
// httpCache.
type storeCache struct {
	store  Store
	prefix string
}

func newStoreCache(s Store, installation int64) storeCache {
	return storeCache{store: s, prefix: strconv.FormatInt(installation, 10) + " "}
}

// Get returns the stored response of key.
func (c storeCache) Get(key string) ([]byte, bool) { return c.store.Get(storeHTTP, c.prefix+key) }

// Set stores a response as httpcache dumps it.
func (c storeCache) Set(key string, resp []byte) { c.store.Set(storeHTTP, c.prefix+key, resp) }

// Delete drops key.
func (c storeCache) Delete(key string) { c.store.Delete(storeHTTP, c.prefix+key) }

// fact returns a fact kept in the store, "" when there is none (or no
// store).
func (a *App) fact(key string) string {
	if a == nil || a.cfg.Store == nil {
		return ""
	}
	v, _ := a.cfg.Store.Get(storeFact, key)
	return string(v)
}

// setFact keeps a fact in the store, if there is one.
func (a *App) setFact(key, value string) {
	if a != nil && a.cfg.Store != nil && value != "" {
		a.cfg.Store.Set(storeFact, key, []byte(value))
	}
}

// Facts the client keeps.
const factSlug = "app/slug"

func factAccount(installation int64) string {
	return "installation/" + strconv.FormatInt(installation, 10) + "/account"
}

// WriteGate paces the requests that create content (POST, PATCH, PUT,
// DELETE) per installation: GitHub answers concurrent ones, and more
// than about 80 a minute or 500 an hour, with secondary rate limits.
// Acquire blocks until the installation may send one more write (or ctx
// ends) and returns done, which the caller calls with the answer once it
// has arrived: writes of one installation are sent one at a time, and an
// answer asking to wait pauses the installation's next writes.
type WriteGate interface {
	Acquire(ctx context.Context, installation int64) (done func(*http.Response, error), err error)
}

// paced sends an installation's writes through its WriteGate; reads go
// straight on, in parallel.
type paced struct {
	next         http.RoundTripper
	gate         WriteGate
	installation int64
}

func (t paced) RoundTrip(req *http.Request) (*http.Response, error) {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return t.next.RoundTrip(req)
	}
	done, err := t.gate.Acquire(req.Context(), t.installation)
	if err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body it was given
		}
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	done(resp, err)
	return resp, err
}
