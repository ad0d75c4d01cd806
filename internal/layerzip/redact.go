package layerzip

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// redacted stands in for a URL's query: a presigned S3 URL's query holds
// its credential and signature (X-Amz-Credential, X-Amz-Signature).
const redacted = "REDACTED"

// URLError is a failed request for layer content. It names the URL as
// scheme://host/path?REDACTED: the Go error it replaces (*url.Error)
// repeats the whole presigned URL, which would reach the CLI's output and
// the pull request body. Unwrap gives the cause (a dial error,
// context.Canceled, a timeout), so callers can still branch on it.
type URLError struct {
	Op  string // "GET", "parse"
	URL string // already redacted
	Err error
}

func (e *URLError) Error() string { return e.Op + " " + e.URL + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *URLError) Unwrap() error { return e.Err }

// urlError builds a URLError for location, dropping a *url.Error wrapper
// (whose text holds the full URL) in favour of its cause.
func urlError(op, location string, err error) error {
	if ue := (*url.Error)(nil); errors.As(err, &ue) && ue.Err != nil {
		err = ue.Err
	}
	return &URLError{Op: op, URL: redact(location), Err: err}
}

// redact drops the query, fragment and user information of a URL, which
// for a presigned URL are credentials that must not end up in logs, notes
// or errors. A URL that does not parse is cut at its first '?' or '#'.
func redact(location string) string {
	u, err := url.Parse(location)
	if err != nil {
		if i := strings.IndexAny(location, "?#"); i >= 0 {
			return location[:i] + "?" + redacted
		}
		return location
	}
	hidden := u.RawQuery != "" || u.Fragment != "" || u.User != nil
	u.RawQuery, u.Fragment, u.RawFragment, u.User, u.ForceQuery = "", "", "", nil, false
	if hidden {
		return u.String() + "?" + redacted
	}
	return u.String()
}

// urlInText finds http(s) URLs with a query in free text.
var urlInText = regexp.MustCompile(`(?i)\bhttps?://[^\s?#"'<>]*[?#][^\s"'<>]*`)

// RedactURLs replaces the query of every http(s) URL in text with
// REDACTED. It is the last line of defence for text built from errors of
// other packages (an SDK's, a proxy's) before it reaches a user; the
// errors of this package are redacted where they are made.
func RedactURLs(text string) string {
	return urlInText.ReplaceAllStringFunc(text, func(u string) string {
		i := strings.IndexAny(u, "?#")
		// Punctuation after a URL ("GET URL: reason") is the sentence's.
		tail := len(strings.TrimRight(u[i+1:], ":,.;)"))
		return u[:i] + "?" + redacted + u[i+1+tail:]
	})
}
