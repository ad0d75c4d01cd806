package server

import (
	"fmt"
	"strconv"

	"github.com/bumpbot/bumpbot/internal/webhook"
)

// minBudgetMB leaves room for one 25 MiB delivery beside the share kept
// for small ones.
const minBudgetMB = 32

// loadExposure reads the exposure settings from the environment.
func (c *Config) loadExposure(getenv func(string) string) error {
	if v := getenv("BUMPBOT_METRICS_ADDR"); v != "" {
		c.MetricsAddr = v
	}
	if v := getenv("BUMPBOT_WEBHOOK_BUDGET_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: BUMPBOT_WEBHOOK_BUDGET_MB=%q is not a number", v)
		}
		c.WebhookBudgetMB = n
	}
	return nil
}

func (c *Config) validateExposure() error {
	if c.WebhookBudgetMB != 0 && c.WebhookBudgetMB < minBudgetMB {
		return fmt.Errorf("BUMPBOT_WEBHOOK_BUDGET_MB=%d: use at least %d (a 25 MiB delivery must fit)", c.WebhookBudgetMB, minBudgetMB)
	}
	return nil
}

// budget is the webhook body budget: an eighth kept for small bodies.
func (c *Config) budget() webhook.Budget {
	if c.WebhookBudgetMB == 0 {
		return webhook.DefaultBudget
	}
	b := int64(c.WebhookBudgetMB) << 20
	return webhook.Budget{Bytes: b, Small: b / 8}
}
