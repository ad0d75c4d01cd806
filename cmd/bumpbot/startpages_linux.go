package main

import (
	"bufio"
	"bytes"
	"os"
	"reflect"
	"strconv"
	"strings"
	"syscall"
)

// releaseStartupPages takes out of the process's resident set the pages of
// the executable's code and read-only data that it has touched so far.
//
// Package initialisation runs every package linked into bumpbot, the AWS
// SDK, River, SQLite and the rest that only other commands use, and with
// the kernel's fault-around (64 KB a fault) it leaves about 20 MB of the
// binary resident before main runs: more than half of a 1 GB scan's peak.
// The pages are clean copies of the file, shared with the page cache:
// MADV_DONTNEED only unmaps them, and the scan faults back in, from the
// cache, the few megabytes of code it runs. Only read-only mappings of
// the executable with no private (written) page are released: the
// relocated read-only data of a position-independent build is private
// and would be lost.
func releaseStartupPages() {
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return // no /proc: nothing to gain, nothing lost
	}
	for _, m := range cleanExecutableMappings(smaps, uint64(reflect.ValueOf(releaseStartupPages).Pointer())) {
		// Best effort: a refusal only leaves the pages resident.
		_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, uintptr(m.start), uintptr(m.end-m.start), syscall.MADV_DONTNEED)
	}
}

// mapping is an address range [start, end) of the process.
type mapping struct{ start, end uint64 }

// cleanExecutableMappings returns, from the text of /proc/self/smaps, the
// read-only mappings (r-xp, r--p) of the file that holds address code
// (the executable) that hold no anonymous page.
func cleanExecutableMappings(smaps []byte, code uint64) []mapping {
	type entry struct {
		mapping
		perms, file string
		anon        bool
	}
	var all []entry
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			lo, hi, _ := strings.Cut(f[0], "-")
			start, err1 := strconv.ParseUint(lo, 16, 64)
			end, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 != nil || err2 != nil {
				continue
			}
			e := entry{mapping: mapping{start, end}, perms: f[1]}
			if len(f) >= 6 {
				e.file = f[3] + " " + f[4] + " " + strings.Join(f[5:], " ") // device, inode, path
			}
			all = append(all, e)
			continue
		}
		if len(all) > 0 && len(f) >= 2 && f[0] == "Anonymous:" && f[1] != "0" {
			all[len(all)-1].anon = true
		}
	}
	exe := ""
	for _, e := range all {
		if e.start <= code && code < e.end {
			exe = e.file
		}
	}
	var out []mapping
	for _, e := range all {
		if exe != "" && e.file == exe && !e.anon && (e.perms == "r-xp" || e.perms == "r--p") {
			out = append(out, e.mapping)
		}
	}
	return out
}
