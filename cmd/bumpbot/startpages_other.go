//go:build !linux

package main

// releaseStartupPages does nothing where there is no /proc/self/smaps to
// tell which pages of the executable are clean.
func releaseStartupPages() {}
