package layerzip

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// TestFullDownloadDigest checks the whole-zip fallback (a server that
// ignores Range) against the CodeSha256 the registry gave: content that
// does not match is not inventoried, and says so.
func TestFullDownloadDigest(t *testing.T) {
	t.Parallel()
	data := buildZip(t, loadTxtar(t, "node.txtar"), shape{Method: zip.Deflate})
	sum := sha256.Sum256(data)
	good := base64.StdEncoding.EncodeToString(sum[:])
	other := sha256.Sum256([]byte("another layer"))
	bad := base64.StdEncoding.EncodeToString(other[:])
	tests := []struct {
		name     string
		digest   string
		packages int
		note     string // substring of the only note; "" for none
		verified bool
	}{
		{name: "matching digest", digest: good, packages: 9, verified: true},
		{name: "digest unknown", digest: "", packages: 9, verified: true},
		{name: "mismatch", digest: bad, note: "does not match its CodeSha256 " + bad},
		{name: "malformed digest", digest: "not base64!", note: `CodeSha256 "not base64!" is not a base64 SHA-256`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := layerziptest.New(t)
			srv.IgnoreRanges(true)
			inv, st, err := Read(context.Background(), srv.Put("layer", data), Options{CodeSha256: tt.digest})
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Packages) != tt.packages {
				t.Errorf("got %d packages, want %d", len(inv.Packages), tt.packages)
			}
			// The fixture's own notes (a broken package.json) stay; only a
			// digest note is in question.
			switch joined := strings.Join(inv.Notes, "\n"); {
			case tt.note == "" && strings.Contains(joined, "CodeSha256"):
				t.Errorf("notes = %q, want no digest note", inv.Notes)
			case tt.note != "" && (len(inv.Notes) != 1 || !strings.Contains(inv.Notes[0], tt.note)):
				t.Errorf("notes = %q, want only one containing %q", inv.Notes, tt.note)
			}
			if inv.Unverified == tt.verified {
				t.Errorf("Unverified = %v, want %v", inv.Unverified, !tt.verified)
			}
			if _, sent := srv.Stats(); st.Bytes != sent {
				t.Errorf("counted %d bytes, server sent %d", st.Bytes, sent)
			}
		})
	}
}
