package server

import (
	"fmt"
	"strconv"

	"github.com/bumpbot/bumpbot/internal/webhook"
)

// Exposure is the part of the Config about what the public listener
// offers and what it may cost.
type Exposure struct {
	// MetricsAddr, when set, serves /metrics on its own listener (an
	// address only the scraper reaches) and not on the public one.
	MetricsAddr string `yaml:"metrics_addr"`
	// WebhookBudgetMB bounds the MiB of webhook bodies read at once
	// (default 64): forged deliveries beyond it are answered 503
	// without being read.
	WebhookBudgetMB int `yaml:"webhook_budget_mb"`
}

// minBudgetMB leaves room for one 25 MiB delivery beside the share kept
// for small ones.
const minBudgetMB = 32

func (e *Exposure) load(getenv func(string) string) error {
	if v := getenv("BUMPBOT_METRICS_ADDR"); v != "" {
		e.MetricsAddr = v
	}
	if v := getenv("BUMPBOT_WEBHOOK_BUDGET_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: BUMPBOT_WEBHOOK_BUDGET_MB=%q is not a number", v)
		}
		e.WebhookBudgetMB = n
	}
	return nil
}

func (e *Exposure) validate() error {
	if e.WebhookBudgetMB != 0 && e.WebhookBudgetMB < minBudgetMB {
		return fmt.Errorf("BUMPBOT_WEBHOOK_BUDGET_MB=%d: use at least %d (a 25 MiB delivery must fit)", e.WebhookBudgetMB, minBudgetMB)
	}
	return nil
}

// budget is the webhook body budget: an eighth kept for small bodies.
func (e *Exposure) budget() webhook.Budget {
	if e.WebhookBudgetMB == 0 {
		return webhook.DefaultBudget
	}
	b := int64(e.WebhookBudgetMB) << 20
	return webhook.Budget{Bytes: b, Small: b / 8}
}
