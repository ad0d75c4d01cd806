// Package deploy holds the Kubernetes manifests of bumpbot; its test
// decodes them strictly into the Kubernetes API types, so a misspelt or
// misplaced field fails here rather than at kubectl apply.
package deploy

import (
	"bytes"
	"os"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"
)

// documents splits a multi-document YAML file.
func documents(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, d := range bytes.Split(b, []byte("\n---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			out = append(out, d)
		}
	}
	return out
}

func strict(t *testing.T, doc []byte, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(doc, into); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
}

func TestManifests(t *testing.T) {
	t.Parallel()
	docs := documents(t, "bumpbot.yaml")
	if len(docs) != 3 {
		t.Fatalf("%d documents, want Deployment, Service, PodDisruptionBudget", len(docs))
	}
	var d appsv1.Deployment
	var svc corev1.Service
	var pdb policyv1.PodDisruptionBudget
	strict(t, docs[0], &d)
	strict(t, docs[1], &svc)
	strict(t, docs[2], &pdb)
	if d.Kind != "Deployment" || svc.Kind != "Service" || pdb.Kind != "PodDisruptionBudget" {
		t.Fatalf("kinds %s %s %s", d.Kind, svc.Kind, pdb.Kind)
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Error("want 2 replicas")
	}
	pod := d.Spec.Template.Spec
	// The server drains for up to 25 s (ShutdownTimeout) and then cancels
	// jobs for 5 s: the kubelet must wait longer than both.
	if pod.TerminationGracePeriodSeconds == nil || *pod.TerminationGracePeriodSeconds <= 30 {
		t.Error("terminationGracePeriodSeconds must exceed the 30 s shutdown")
	}
	if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
		t.Error("the pod must run as non-root")
	}
	c := pod.Containers[0]
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Error("probes: liveness /healthz, readiness /readyz")
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() {
		t.Error("resource requests are required")
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	for _, name := range []string{"BUMPBOT_APP_ID", "BUMPBOT_PRIVATE_KEY", "BUMPBOT_WEBHOOK_SECRET", "BUMPBOT_DATABASE_URL"} {
		if e, ok := env[name]; !ok || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.Value != "" {
			t.Errorf("%s must come from the Secret", name)
		}
	}
	if lim, err := resource.ParseQuantity(strings.TrimSuffix(env["GOMEMLIMIT"].Value, "iB") + "i"); err != nil || lim.Cmp(*c.Resources.Limits.Memory()) >= 0 {
		t.Errorf("GOMEMLIMIT %q must sit below the memory limit %v", env["GOMEMLIMIT"].Value, c.Resources.Limits.Memory())
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	if ports["metrics"] == 0 || !strings.HasSuffix(env["BUMPBOT_METRICS_ADDR"].Value, ":9090") || ports["metrics"] != 9090 {
		t.Error("/metrics on a port named metrics (BUMPBOT_METRICS_ADDR), for a ServiceMonitor")
	}
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Error("the disruption budget keeps one replica")
	}
	var secret corev1.Secret
	strict(t, documents(t, "bumpbot-secret.example.yaml")[0], &secret)
	for _, name := range []string{"BUMPBOT_APP_ID", "BUMPBOT_PRIVATE_KEY", "BUMPBOT_WEBHOOK_SECRET", "BUMPBOT_DATABASE_URL", "BUMPBOT_AWS_EVENTS_TOKEN"} {
		if _, ok := secret.StringData[env[name].ValueFrom.SecretKeyRef.Key]; !ok {
			t.Errorf("the example Secret lacks the key of %s", name)
		}
	}
}
