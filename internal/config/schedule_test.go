package config_test

import (
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
)

func TestScheduleDue(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	mon9 := time.Date(2026, 12, 7, 9, 30, 0, 0, berlin) // a Monday
	tests := []struct {
		name string
		s    config.Schedule
		at   time.Time
		want bool
	}{
		{"no schedule", config.Schedule{}, mon9, true},
		{"daily in the hour after", config.Schedule{Interval: "daily", Time: "09:00", Timezone: "Europe/Berlin"}, mon9, true},
		{"daily before", config.Schedule{Interval: "daily", Time: "09:00", Timezone: "Europe/Berlin"}, mon9.Add(-time.Hour), false},
		{"daily long after", config.Schedule{Interval: "daily", Time: "09:00", Timezone: "Europe/Berlin"}, mon9.Add(2 * time.Hour), false},
		{"daily in another zone", config.Schedule{Interval: "daily", Time: "09:00"}, mon9, false}, // 08:30 UTC
		{"weekly on its day", config.Schedule{Interval: "weekly", Day: "monday", Time: "09:00", Timezone: "Europe/Berlin"}, mon9, true},
		{"weekly another day", config.Schedule{Interval: "weekly", Day: "tuesday", Time: "09:00", Timezone: "Europe/Berlin"}, mon9, false},
		{"monthly on the 1st", config.Schedule{Interval: "monthly"}, time.Date(2026, 12, 1, 0, 20, 0, 0, time.UTC), true},
		{"monthly later", config.Schedule{Interval: "monthly"}, time.Date(2026, 12, 2, 0, 20, 0, 0, time.UTC), false},
		{"cron weekdays at 9", config.Schedule{Interval: "cron: 0 9 * * 1-5", Timezone: "Europe/Berlin"}, mon9, true},
		{"cron on a Sunday", config.Schedule{Interval: "cron: 0 9 * * 1-5", Timezone: "Europe/Berlin"}, mon9.AddDate(0, 0, -1), false},
		{"cron every 15 minutes", config.Schedule{Interval: "cron: */15 * * * *"}, time.Date(2026, 12, 7, 3, 7, 0, 0, time.UTC), true},
	}
	for _, tc := range tests {
		if got := tc.s.Due(tc.at); got != tc.want {
			t.Errorf("%s: Due = %v, want %v", tc.name, got, tc.want)
		}
	}
}
