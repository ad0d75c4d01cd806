package ghapp

import (
	"net/url"
	"strings"
)

// WebBase is where people browse a GitHub whose REST root is api:
// https://github.com for api.github.com, https://HOST for GitHub
// Enterprise Server (whose API lives under /api/v3).
func WebBase(api *url.URL) string {
	u := *api
	if u.Host == "api.github.com" {
		u.Host = "github.com"
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v3")
	u.RawQuery, u.Fragment = "", ""
	return strings.TrimSuffix(u.String(), "/")
}
