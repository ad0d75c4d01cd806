package server

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// DefaultLayerPollInterval is how often every distinct layer of the index
// is resolved when BUMPBOT_LAYER_POLL_INTERVAL is not set.
const DefaultLayerPollInterval = time.Hour

// layerPoller finds new versions of third-party layers, which send no
// event: every distinct layer of the layer index is resolved once per
// interval, through the registry's cache, and only the repositories whose
// pin can move get a reconcile. A poll where nothing moved makes no GitHub
// request at all.
type layerPoller struct {
	state    *repostate.Store
	registry layers.Registry
	queue    interface {
		Record(ctx context.Context, delivery, event string, reqs []jobs.ReconcileArgs) (jobs.Recorded, error)
	}
	regions []string // what a placeholder region stands for
	every   time.Duration
	log     *slog.Logger
	polls   *prometheus.CounterVec
}

// run polls every interval until ctx ends.
func (p *layerPoller) run(ctx context.Context) {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if _, err := p.poll(ctx, now); err != nil {
				p.log.Warn("layer poll", "error", err)
			}
		}
	}
}

// poll resolves each distinct layer once per region, probing from the
// lowest pinned version, and records the reconciles of the repositories
// that can move under one delivery id per interval, so replicas polling
// the same interval enqueue the work once.
func (p *layerPoller) poll(ctx context.Context, now time.Time) (int, error) {
	pinned, err := p.state.Layers(ctx)
	if err != nil {
		return 0, err
	}
	done := map[[2]string]bool{}
	var reqs []jobs.ReconcileArgs
	seen := map[jobs.ReconcileArgs]bool{}
	for _, l := range pinned {
		key := [2]string{l.Account, l.Name}
		if done[key] || layerarn.IsPlaceholder(l.Account) {
			continue
		}
		done[key] = true
		pins, err := p.state.Pinning(ctx, l.Account, l.Name)
		if err != nil {
			return 0, err
		}
		newest := p.newest(ctx, pins)
		for _, pin := range pins {
			moves := false
			for _, r := range p.regionsOf(pin) {
				moves = moves || newest[r] > pin.Version
			}
			a := jobs.ReconcileArgs{InstallationID: pin.Installation, Repo: pin.Repo, Priority: jobs.PriorityPoll}
			if moves && !seen[a] {
				seen[a] = true
				reqs = append(reqs, a)
			}
		}
	}
	p.count("polled")
	if len(reqs) == 0 {
		return 0, nil
	}
	slot := now.Truncate(p.every).Unix()
	if _, err := p.queue.Record(ctx, fmt.Sprintf("layerpoll:%d", slot), "layer_poll", reqs); err != nil {
		return 0, err
	}
	p.log.Info("layer poll", "layers", len(done), "repositories", len(reqs))
	return len(reqs), nil
}

// regionsOf is where a pin deploys: its region, or every region a
// placeholder stands for.
func (p *layerPoller) regionsOf(pin repostate.Pin) []string {
	if layerarn.IsPlaceholder(pin.Region) {
		return p.regions
	}
	return []string{pin.Region}
}

// newest returns the newest version of one layer (the pins' account and
// name) in each region its pins deploy to, looked up once per region from
// the lowest version pinned there; a region that cannot be read is left
// out (its pins do not move now).
func (p *layerPoller) newest(ctx context.Context, pins []repostate.Pin) map[string]int {
	lowest := map[string]repostate.Pin{}
	for _, pin := range pins {
		for _, r := range p.regionsOf(pin) {
			if low, ok := lowest[r]; !ok || pin.Version < low.Version {
				lowest[r] = pin
			}
		}
	}
	out := map[string]int{}
	for region, pin := range lowest {
		partition := pin.Partition
		if layerarn.IsPlaceholder(partition) || partition == "" {
			partition = layerarn.PartitionOf(region)
		}
		vs, err := p.registry.Versions(ctx, layerarn.ARN{Partition: partition, Region: region, Account: pin.Account, Name: pin.Layer, Version: pin.Version})
		if err != nil {
			p.count("error")
			p.log.Info("layer poll: cannot list", "layer", pin.Layer, "account", pin.Account, "region", region, "error", err)
			continue
		}
		if len(vs) > 0 {
			out[region] = vs[len(vs)-1]
			// What the fleet view shows as the newest version.
			n := repostate.Newest{Account: pin.Account, Layer: pin.Layer, Region: region, Version: out[region], CheckedAt: time.Now()}
			if err := p.state.SetNewest(ctx, n); err != nil {
				p.log.Warn("layer poll: cannot record the newest version", "error", err)
			}
		}
	}
	return out
}

func (p *layerPoller) count(outcome string) {
	if p.polls != nil {
		p.polls.WithLabelValues(outcome).Inc()
	}
}

func newLayerPollCounter(reg prometheus.Registerer) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bumpbot_layer_polls_total",
		Help: "Polls of the distinct layers of the index (polled), and layers that could not be listed (error).",
	}, []string{"outcome"})
	reg.MustRegister(c)
	return c
}

// indexCollector reports the layer index's size at each scrape.
type indexCollector struct {
	state       *repostate.Store
	pins, names *prometheus.Desc
}

func newIndexCollector(state *repostate.Store) *indexCollector {
	return &indexCollector{state: state,
		pins:  prometheus.NewDesc("bumpbot_layer_index_pins", "Pinned layer versions in the layer index.", nil, nil),
		names: prometheus.NewDesc("bumpbot_layer_index_layers", "Distinct layers (account and name) in the layer index.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.pins; ch <- c.names }

// Collect implements prometheus.Collector: a failed count is left out.
func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	pins, layers, err := c.state.Size(ctx)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(c.pins, prometheus.GaugeValue, float64(pins))
	ch <- prometheus.MustNewConstMetric(c.names, prometheus.GaugeValue, float64(layers))
}
