package server

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/policy"
)

// mapStore is a ghapp.Store in memory.
type mapStore map[string][]byte

func (m mapStore) Get(kind, key string) ([]byte, bool) { v, ok := m[kind+" "+key]; return v, ok }
func (m mapStore) Set(kind, key string, v []byte)      { m[kind+" "+key] = v }
func (m mapStore) Delete(kind, key string)             { delete(m, kind+" "+key) }

// An org file kept in the database 9 minutes ago is reused, and what it
// gave ages from that read: it is not trusted for a further 10 minutes in
// memory, so an edit reaches the org within orgDefaultsTTL of any read.
func TestOrgFileAgesFromItsRead(t *testing.T) {
	kept := mapStore{}
	src := repoConfigSource{installation: 7, repo: "acme/api", gh: github.NewClient(nil), orgs: &orgDefaults{kept: kept}}
	read := time.Now().Add(-9 * time.Minute).Truncate(time.Millisecond)
	v := binary.BigEndian.AppendUint64(nil, uint64(read.UnixMilli()))
	v = append(append(v, 1), "version: 1\nrules:\n  - {layer: mylayer, minimum: 4}\n"...)
	kept.Set(keptOrgFile, src.orgFileKey("acme", policy.Path), v)

	pol, err := src.Policy(context.Background())
	if err != nil || pol == nil || len(pol.Rules) != 1 {
		t.Fatalf("policy %+v, %v: want the kept one", pol, err)
	}
	e := src.orgs.m[src.orgFileKey("acme", policy.Path)]
	if !e.at.Equal(read) {
		t.Errorf("the policy in memory is dated %v, want the kept file's read %v", e.at, read)
	}
}
