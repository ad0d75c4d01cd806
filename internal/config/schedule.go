package config

import (
	"strconv"
	"strings"
	"time"
)

// ScheduleWindow is how long after each scheduled time pull requests may
// be opened or updated: the poll per layer comes back at least hourly, so
// a bump held back until the schedule goes out within this window.
const ScheduleWindow = time.Hour

// Due reports whether pull requests may be opened or updated at now: no
// schedule always may; otherwise now must fall within ScheduleWindow of a
// scheduled time (daily at Time, weekly on Day at Time, monthly on the 1st
// at Time, or a cron line), in Timezone (UTC by default).
func (s Schedule) Due(now time.Time) bool {
	if s.Interval == "" {
		return true
	}
	loc := time.UTC
	if s.Timezone != "" {
		if l, err := time.LoadLocation(s.Timezone); err == nil {
			loc = l
		}
	}
	now = now.In(loc)
	if line, ok := strings.CutPrefix(s.Interval, "cron:"); ok {
		return cronDue(strings.Fields(line), now)
	}
	hour, minute := 0, 0
	if t, err := time.Parse("15:04", s.Time); err == nil {
		hour, minute = t.Hour(), t.Minute()
	}
	// The latest scheduled time at or before now, for each interval.
	at := time.Date(now.Year(), now.Month(), now.Day(), hour, minute, 0, 0, loc)
	if at.After(now) {
		at = at.AddDate(0, 0, -1)
	}
	switch s.Interval {
	case "weekly":
		day := time.Monday
		for d := time.Sunday; d <= time.Saturday; d++ {
			if strings.EqualFold(s.Day, d.String()) {
				day = d
			}
		}
		for at.Weekday() != day {
			at = at.AddDate(0, 0, -1)
		}
	case "monthly":
		for at.Day() != 1 {
			at = at.AddDate(0, 0, -1)
		}
	}
	return now.Sub(at) < ScheduleWindow
}

// cronDue reports whether a cron line (minute hour day-of-month month
// day-of-week) matched a minute within ScheduleWindow before now.
func cronDue(f []string, now time.Time) bool {
	if len(f) != 5 {
		return false
	}
	t := now.Truncate(time.Minute)
	for i := 0; i < int(ScheduleWindow/time.Minute); i++ {
		m := t.Add(-time.Duration(i) * time.Minute)
		if cronField(f[0], m.Minute()) && cronField(f[1], m.Hour()) && cronField(f[2], m.Day()) &&
			cronField(f[3], int(m.Month())) && cronField(f[4], int(m.Weekday())) {
			return true
		}
	}
	return false
}

// cronField matches one cron field: *, N, A-B, lists of those, and /step.
func cronField(field string, v int) bool {
	for _, part := range strings.Split(field, ",") {
		rng, step := part, 1
		if r, s, ok := strings.Cut(part, "/"); ok {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return false
			}
			rng, step = r, n
		}
		lo, hi := 0, 59
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			x, err1 := strconv.Atoi(a)
			y, err2 := strconv.Atoi(b)
			if err1 != nil || err2 != nil {
				return false
			}
			lo, hi = x, y
		default:
			n, err := strconv.Atoi(rng)
			if err != nil {
				return false
			}
			lo, hi = n, n
			if step > 1 {
				hi = 59
			}
		}
		if v >= lo && v <= hi && (v-lo)%step == 0 {
			return true
		}
	}
	return false
}
