package ghapp

import (
	"errors"
	"net/http"

	"github.com/bradleyfalzon/ghinstallation/v2"
)

// IsInstallationGone reports whether err says GitHub no longer knows the
// installation: its token request answered 404 Not Found, which is what
// an uninstalled app's installation id gets. Retrying cannot help, where
// a 403 (suspended) or a 5xx may pass.
func IsInstallationGone(err error) bool {
	var he *ghinstallation.HTTPError
	return errors.Is(err, ErrInstallationGone) || errors.As(err, &he) && he.Response != nil && he.Response.StatusCode == http.StatusNotFound
}

// ErrInstallationGone is wrapped by errors of app requests about an
// installation GitHub answers 404 for (GET /app/installations/{id}).
var ErrInstallationGone = errors.New("installation not found")
