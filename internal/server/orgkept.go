package server

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// keptOrgFile is the cache kind of an org file: GitHub's 404 for an org
// without the file is charged, and no ETag can make it free, so after a
// restart the answer read within orgDefaultsTTL is used as it is in memory.
const keptOrgFile = "orgfile"

// orgFile reads a file at the root of the org's .github repository, or
// reuses what was read within orgDefaultsTTL, by this process or one
// before it; at is when the bytes were read from GitHub.
func (s repoConfigSource) orgFile(ctx context.Context, owner, name string) (src []byte, found bool, at time.Time, err error) {
	if s.orgs != nil && s.orgs.kept != nil {
		if v, ok := s.orgs.kept.Get(keptOrgFile, s.orgFileKey(owner, name)); ok && len(v) >= 9 {
			at := time.UnixMilli(int64(binary.BigEndian.Uint64(v)))
			if time.Since(at) < orgDefaultsTTL {
				return v[9:], v[8] == 1, at, nil
			}
		}
	}
	return s.refreshOrgFile(ctx, owner, name)
}

// refreshOrgFile reads a file at the root of the org's .github
// repository from GitHub, whatever was kept, and keeps what it read: the
// reconcile of the .github repository itself must see an edit at once.
func (s repoConfigSource) refreshOrgFile(ctx context.Context, owner, name string) (src []byte, found bool, at time.Time, err error) {
	at = time.Now()
	src, found, err = s.fetchOrgFile(ctx, owner, name)
	if err == nil && s.orgs != nil && s.orgs.kept != nil {
		// Read time (8 bytes), found (1 byte), content.
		v := binary.BigEndian.AppendUint64(nil, uint64(at.UnixMilli()))
		if found {
			v = append(v, 1)
		} else {
			v = append(v, 0)
		}
		s.orgs.kept.Set(keptOrgFile, s.orgFileKey(owner, name), append(v, src...))
	}
	return src, found, at, err
}

// orgFileKey names an org file in the caches.
func (s repoConfigSource) orgFileKey(owner, name string) string {
	return fmt.Sprintf("%d/%s/%s", s.installation, strings.ToLower(owner), name)
}
