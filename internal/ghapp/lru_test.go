package ghapp

import (
	"slices"
	"testing"
)

// keys returns the entries from most to least recently used.
func (c *lru[K, V]) keys() []K {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []K
	for el := c.order.Front(); el != nil; el = el.Next() {
		out = append(out, el.Value.(*lruEntry[K, V]).key)
	}
	return out
}

func TestLRUBoundedByCost(t *testing.T) {
	t.Parallel()
	c := newLRU[string, []byte](10)
	c.add("a", []byte("aaaa"), 4)
	c.add("b", []byte("bbbb"), 4)
	if _, ok := c.get("a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	c.add("c", []byte("cccc"), 4) // 12 > 10: b, the least recent, goes
	if got, want := c.keys(), []string{"c", "a"}; !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	if n, cost := c.stats(); n != 2 || cost != 8 {
		t.Errorf("stats %d entries, cost %d; want 2, 8", n, cost)
	}
	c.add("a", []byte("a"), 1) // replacing updates the cost
	if _, cost := c.stats(); cost != 5 {
		t.Errorf("cost after replace %d, want 5", cost)
	}
	c.add("big", make([]byte, 11), 11) // more than the bound: not kept, nothing evicted
	if _, ok := c.get("big"); ok || len(c.keys()) != 2 {
		t.Errorf("an entry over the bound was kept, or evicted others: %v", c.keys())
	}
	c.remove("c")
	if got := c.keys(); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after remove: %v", got)
	}
}

// httpCache keys are per installation: two installations never see each
// other's answers, and both count against the one bound.
func TestHTTPCachePerInstallation(t *testing.T) {
	t.Parallel()
	shared := newLRU[string, []byte](1 << 10)
	one, two := newHTTPCache(shared, 1), newHTTPCache(shared, 2)
	one.Set("https://api/x", []byte("one"))
	if _, ok := two.Get("https://api/x"); ok {
		t.Error("installation 2 sees installation 1's answer")
	}
	two.Set("https://api/x", []byte("two"))
	if v, _ := one.Get("https://api/x"); string(v) != "one" {
		t.Errorf("installation 1 reads %q", v)
	}
	one.Delete("https://api/x")
	if _, ok := one.Get("https://api/x"); ok {
		t.Error("deleted answer still there")
	}
	if v, _ := two.Get("https://api/x"); string(v) != "two" {
		t.Errorf("installation 2 reads %q after installation 1 deleted its own", v)
	}
	for i := range 100 {
		one.Set(string(rune('a'+i%26))+string(rune(i)), make([]byte, 100))
	}
	if _, cost := shared.stats(); cost > 1<<10 {
		t.Errorf("shared cache holds %d bytes, bound 1024", cost)
	}
}
