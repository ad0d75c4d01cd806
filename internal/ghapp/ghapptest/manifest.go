package ghapptest

import (
	"net/http"
	"strconv"
)

// AddManifestCode makes code redeemable once at POST
// /app-manifests/{code}/conversions, as GitHub issues one when a person
// creates an App from a manifest; the conversion returns this fake's app
// (AppID, PrivateKeyPEM) with the webhook secret given.
func (s *Server) AddManifestCode(code, webhookSecret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.manifestCodes == nil {
		s.manifestCodes = map[string]string{}
	}
	s.manifestCodes[code] = webhookSecret
}

// ManifestConversions counts the manifest codes redeemed.
func (s *Server) ManifestConversions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conversions
}

// convertManifest serves POST /app-manifests/{code}/conversions, which
// needs no authentication: the code is the credential. An unknown or
// used code answers 404, as an expired one does on GitHub.
func (s *Server) convertManifest(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.Total++
	s.counts.ByRoute[r.Pattern]++
	code := r.PathValue("code")
	secret, ok := s.manifestCodes[code]
	if !ok {
		writeJSON(w, http.StatusNotFound, apiError("Not Found"))
		return
	}
	delete(s.manifestCodes, code)
	s.conversions++
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": s.AppID, "slug": "bumpbot-test", "name": "bumpbot-test", "node_id": "A_" + strconv.FormatInt(s.AppID, 10),
		"owner":     map[string]any{"login": "acme", "type": "Organization"},
		"html_url":  "https://github.example/apps/bumpbot-test",
		"client_id": "Iv1.test", "client_secret": "client-secret-value",
		"webhook_secret": secret, "pem": string(s.PrivateKeyPEM),
	})
}
