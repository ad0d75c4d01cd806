package main

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Only the executable's read-only mappings with no written page are
// released: not its writable data, not a relocated read-only segment of a
// position-independent build, not a library's code.
func TestCleanExecutableMappings(t *testing.T) {
	smaps := `00400000-01464000 r-xp 00000000 fe:00 42      /usr/bin/bumpbot
Rss:               10492 kB
Anonymous:             0 kB
01464000-02632000 r--p 01064000 fe:00 42      /usr/bin/bumpbot
Anonymous:             0 kB
02632000-02700000 r--p 02232000 fe:00 42      /usr/bin/bumpbot
Anonymous:            12 kB
02700000-02705000 rw-p 02300000 fe:00 42      /usr/bin/bumpbot
Anonymous:           204 kB
02705000-04758000 rw-p 00000000 00:00 0 
Anonymous:           160 kB
7f595d8b1000-7f595da07000 r-xp 00026000 fe:00 7   /usr/lib/x86_64-linux-gnu/libc.so.6
Anonymous:             0 kB
7f595e000000-7f595e100000 r--p 00000000 fe:00 43      /usr/bin/bumpbot (deleted)
Anonymous:             0 kB
`
	got := cleanExecutableMappings([]byte(smaps), 0x500000)
	want := []mapping{{0x400000, 0x1464000}, {0x1464000, 0x2632000}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("released %x, want %x", got, want)
	}
	if got := cleanExecutableMappings([]byte(smaps), 0x9000000); got != nil {
		t.Errorf("code in no mapping: released %x", got)
	}
}

// After releaseStartupPages the executable's code is no longer all
// resident: the test binary keeps running from the pages it faults back.
func TestReleaseStartupPages(t *testing.T) {
	code := uint64(reflect.ValueOf(TestReleaseStartupPages).Pointer())
	before := exeRSS(t, code)
	releaseStartupPages()
	after := exeRSS(t, code)
	t.Logf("resident code of the executable: %d KB before, %d KB after", before, after)
	if before < 1024 || after > before/2 {
		t.Errorf("the executable's resident code did not halve")
	}
}

// exeRSS returns the resident KB of the mappings of the file holding code.
func exeRSS(t *testing.T, code uint64) int {
	t.Helper()
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps:", err)
	}
	ms := cleanExecutableMappings(smaps, code)
	total, in := 0, false
	for _, line := range strings.Split(string(smaps), "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") {
			lo, _, _ := strings.Cut(f[0], "-")
			start, _ := strconv.ParseUint(lo, 16, 64)
			in = false
			for _, m := range ms {
				in = in || m.start == start
			}
		}
		if in && len(f) >= 2 && f[0] == "Rss:" {
			n, _ := strconv.Atoi(f[1])
			total += n
		}
	}
	return total
}
