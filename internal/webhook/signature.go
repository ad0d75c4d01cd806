package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// signatureHeader is the only signature bumpbot accepts: HMAC-SHA256.
// go-github's ValidatePayload also takes the SHA-1 X-Hub-Signature alone
// and sha512= values, which would let a weaker (or unexpected) scheme in.
const signatureHeader = "X-Hub-Signature-256"

// parseSignature returns the MAC an X-Hub-Signature-256 header carries,
// or false unless it is exactly one "sha256=" followed by 64 hex digits.
// It is checked before any body byte is read: a request without a
// well-formed signature costs nothing but its headers.
func parseSignature(h http.Header) ([]byte, bool) {
	values := h.Values(signatureHeader)
	if len(values) != 1 {
		return nil, false
	}
	hexMAC, ok := strings.CutPrefix(values[0], "sha256=")
	if !ok || len(hexMAC) != 2*sha256.Size {
		return nil, false
	}
	mac, err := hex.DecodeString(hexMAC)
	if err != nil {
		return nil, false
	}
	return mac, true
}

// Content types GitHub posts: JSON, or a form whose payload field holds
// the JSON. The signature covers the body as sent in both cases.
const (
	typeJSON = "application/json"
	typeForm = "application/x-www-form-urlencoded"
)

// contentType returns the request's media type, or "" when it is not
// one GitHub sends.
func contentType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != typeJSON && mt != typeForm) {
		return ""
	}
	return mt
}

// errBadSignature: the body was read and its MAC is not the one signed.
var errBadSignature = errors.New("payload signature does not match")

// readSigned reads body into res's buffers, computing the HMAC as it
// goes, and returns the payload only when the MAC matches want: a forged
// body is never copied out of the reused buffers.
func readSigned(body io.Reader, res *reservation, secret, want []byte) ([]byte, error) {
	mac := hmac.New(sha256.New, secret)
	var total int
	for {
		c := res.chunk()
		if c == nil {
			// The reservation holds the whole declared length; a byte
			// more would mean the body outgrew it (the server and
			// MaxBytesReader prevent that, so this only finds EOF).
			var probe [1]byte
			if n, err := body.Read(probe[:]); n > 0 {
				return nil, &http.MaxBytesError{Limit: int64(total)}
			} else if err != nil && err != io.EOF {
				return nil, err
			}
			break
		}
		n, err := io.ReadFull(body, c)
		mac.Write(c[:n])
		total += n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if !hmac.Equal(mac.Sum(nil), want) {
		return nil, errBadSignature
	}
	payload := make([]byte, 0, total)
	for _, c := range res.chunks {
		payload = append(payload, c[:min(len(c), total-len(payload))]...)
	}
	return payload, nil
}

// formPayload returns the JSON a form-encoded delivery carries in its
// payload field.
func formPayload(body []byte) ([]byte, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	return []byte(v.Get("payload")), nil
}
