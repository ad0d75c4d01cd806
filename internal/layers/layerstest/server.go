// Package layerstest is a fake AWS Lambda endpoint for the layer calls
// (ListLayerVersions, GetLayerVersion, GetLayerVersionByArn). It speaks the
// REST-JSON wire protocol the real aws-sdk-go-v2 client uses, so tests drive
// the real client and the wire code is tested too.
//
// It models what matters for layer resolution: versions numbered per layer
// per region with gaps, layer ownership (only the owner may list; other
// accounts may read only the versions of public layers, and a version that
// does not exist answers AccessDeniedException to them, as AWS does),
// deleted versions, throttling, partitions, and per-operation call counts.
package layerstest

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
)

// Operation names, as counted by Calls.
const (
	OpList      = "ListLayerVersions"
	OpGet       = "GetLayerVersion"
	OpGetByArn  = "GetLayerVersionByArn"
	OpContent   = "Content"
	maxPageSize = 50
)

// Meta is what a test publishes for one layer version.
type Meta struct {
	Description   string
	CreatedDate   string // ISO 8601; a fixed default when empty
	Runtimes      []string
	Architectures []string
	License       string
	Zip           []byte // the layer content; its size and sha256 are reported
}

// layerKey names a layer in one region of one account.
type layerKey struct{ partition, region, account, name string }

func keyOf(a layerarn.ARN) layerKey {
	return layerKey{a.Partition, a.Region, a.Account, a.Name}
}

func (k layerKey) arn() layerarn.ARN {
	return layerarn.ARN{Partition: k.partition, Region: k.region, Account: k.account, Name: k.name}
}

// Server is the fake endpoint. The zero value is not usable: call New.
type Server struct {
	// URL is the endpoint to configure as the SDK's base endpoint.
	URL string

	mu       sync.Mutex
	layers   map[layerKey]map[int]Meta
	public   map[layerKey]bool
	callers  map[string]string // access key id -> account
	throttle map[string]int    // region ("" = every region) -> 429s left; <0 forever
	calls    map[string]int
	location func(versionARN string) string
}

// New starts a fake endpoint that stops when the test ends. Access key
// "AKIDOWNER" calls as account 111111111111 until AddCaller says otherwise.
func New(t testing.TB) *Server {
	s := &Server{
		layers:   map[layerKey]map[int]Meta{},
		public:   map[layerKey]bool{},
		callers:  map[string]string{"AKIDOWNER": "111111111111"},
		throttle: map[string]int{},
		calls:    map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-10-31/layers/{name}/versions", s.handleList)
	mux.HandleFunc("GET /2018-10-31/layers/{name}/versions/{version}", s.handleGet)
	mux.HandleFunc("GET /2018-10-31/layers", s.handleGetByArn)
	mux.HandleFunc("GET /content/{arn}", s.handleContent)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// AddCaller makes requests signed with accessKey come from account.
func (s *Server) AddCaller(accessKey, account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callers[accessKey] = account
}

// Publish adds one layer version under its exact ARN (numbers are chosen by
// the test so gaps and per-region numbering can be expressed).
func (s *Server) Publish(versionARN string, m Meta) {
	a := mustParse(versionARN)
	s.mu.Lock()
	defer s.mu.Unlock()
	k := keyOf(a)
	if s.layers[k] == nil {
		s.layers[k] = map[int]Meta{}
	}
	s.layers[k][a.Version] = m
}

// PublishRange publishes versions from..to of layerARN (no version) with
// the same metadata, skipping the numbers in gaps.
func (s *Server) PublishRange(layerARN string, from, to int, m Meta, gaps ...int) {
	skip := map[int]bool{}
	for _, g := range gaps {
		skip[g] = true
	}
	for v := from; v <= to; v++ {
		if !skip[v] {
			s.Publish(fmt.Sprintf("%s:%d", layerARN, v), m)
		}
	}
}

// Delete removes a version, as DeleteLayerVersion does.
func (s *Server) Delete(versionARN string) {
	a := mustParse(versionARN)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.layers[keyOf(a)], a.Version)
}

// SetPublic grants (or revokes) GetLayerVersion on every version of the
// layer to every account, the way public layers are shared.
func (s *Server) SetPublic(layerARN string, public bool) {
	a := mustParse(layerARN)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.public[keyOf(a)] = public
}

// PublishPublic publishes versions from..to of layerARN (no version), skipping
// gaps, and makes the layer public: a third-party layer as other accounts
// see it.
func (s *Server) PublishPublic(layerARN string, from, to int, m Meta, gaps ...int) {
	s.PublishRange(layerARN, from, to, m, gaps...)
	s.SetPublic(layerARN, true)
}

// Throttle makes the next n requests to region (every region when "")
// answer 429 TooManyRequestsException; n < 0 throttles forever.
func (s *Server) Throttle(region string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle[region] = n
}

// SetLocation replaces how Content.Location is built for a version (for
// example to point at a content server that honours Range requests). By
// default the fake serves the zip itself under /content/.
func (s *Server) SetLocation(f func(versionARN string) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.location = f
}

// Calls returns how many requests of operation op were received
// (throttled attempts included).
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// TotalCalls returns the number of Lambda API requests received.
func (s *Server) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[OpList] + s.calls[OpGet] + s.calls[OpGetByArn]
}

// ResetCalls zeroes the counters.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
}

func mustParse(s string) layerarn.ARN {
	a, err := layerarn.Parse(s)
	if err != nil {
		panic(fmt.Sprintf("layerstest: %v", err))
	}
	return a
}

// caller is who sent a request and where: taken from the SigV4
// Authorization header, the way AWS knows them.
type caller struct{ account, region string }

// parseAuth reads "AWS4-HMAC-SHA256 Credential=AKID/date/region/lambda/aws4_request, ...".
func (s *Server) parseAuth(r *http.Request) (caller, bool) {
	h := r.Header.Get("Authorization")
	i := strings.Index(h, "Credential=")
	if i < 0 {
		return caller{}, false
	}
	cred := h[i+len("Credential="):]
	if j := strings.IndexByte(cred, ','); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[3] != "lambda" {
		return caller{}, false
	}
	account, ok := s.callers[parts[0]]
	return caller{account: account, region: parts[2]}, ok
}

// apiError is an AWS error answer.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e apiError) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.code)
	if e.code == "TooManyRequestsException" {
		w.Header().Set("Retry-After", "0")
	}
	w.WriteHeader(e.status)
	fmt.Fprintf(w, `{"Type":"User","message":%q}`, e.msg)
}

// begin counts the request, authenticates it and applies throttling.
func (s *Server) begin(op string, r *http.Request) (caller, *apiError) {
	s.calls[op]++
	c, ok := s.parseAuth(r)
	if !ok {
		return c, &apiError{403, "UnrecognizedClientException", "The security token included in the request is invalid."}
	}
	for _, region := range []string{c.region, ""} {
		if n, ok := s.throttle[region]; ok && n != 0 {
			if n > 0 {
				s.throttle[region] = n - 1
			}
			return c, &apiError{429, "TooManyRequestsException", "Rate exceeded"}
		}
	}
	return c, nil
}

// layerFor resolves the LayerName path parameter (a name or a layer ARN)
// to a layer key, checking that an ARN names the region the request was
// signed for, as AWS requires.
func layerFor(c caller, name string) (layerKey, *apiError) {
	if strings.HasPrefix(name, "arn:") {
		a, err := layerarn.Parse(name)
		if err != nil || a.Version != 0 {
			return layerKey{}, &apiError{400, "InvalidParameterValueException", "invalid layer name " + name}
		}
		if a.Region != c.region || a.Partition != layers.PartitionOf(c.region) {
			return layerKey{}, &apiError{400, "InvalidParameterValueException", fmt.Sprintf("layer %s is not in region %s", name, c.region)}
		}
		return keyOf(a), nil
	}
	return layerKey{layers.PartitionOf(c.region), c.region, c.account, name}, nil
}

// handle answers one API request under the lock: it counts, authenticates
// and throttles it, then lets answer write the result; an error answer is
// written in AWS's shape.
func (s *Server) handle(op string, w http.ResponseWriter, r *http.Request, answer func(caller) *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.begin(op, r)
	if aerr == nil {
		aerr = answer(c)
	}
	if aerr != nil {
		aerr.write(w)
	}
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	s.handle(OpList, w, r, func(c caller) *apiError {
		k, aerr := layerFor(c, r.PathValue("name"))
		switch {
		case aerr != nil:
			return aerr
		case k.account != c.account:
			return &apiError{403, "AccessDeniedException", fmt.Sprintf("User: arn:aws:iam::%s:user/test is not authorized to perform: lambda:ListLayerVersions on resource: %s", c.account, k.arn().LayerARN())}
		}
		return s.writeList(w, r, k)
	})
}

func (s *Server) writeList(w http.ResponseWriter, r *http.Request, k layerKey) *apiError {
	q := r.URL.Query()
	size := maxPageSize
	if v := q.Get("MaxItems"); v != "" {
		if _, err := fmt.Sscan(v, &size); err != nil || size < 1 || size > maxPageSize {
			return &apiError{400, "InvalidParameterValueException", "MaxItems must be between 1 and 50"}
		}
	}
	var nums []int
	for v := range s.layers[k] {
		nums = append(nums, v)
	}
	// AWS lists newest first; clients must not rely on any order.
	sort.Sort(sort.Reverse(sort.IntSlice(nums)))
	start := 0
	if m := q.Get("Marker"); m != "" {
		if _, err := fmt.Sscanf(m, "page-%d", &start); err != nil || start < 0 || start > len(nums) {
			return &apiError{400, "InvalidParameterValueException", "invalid Marker"}
		}
	}
	end := min(start+size, len(nums))
	var items []string
	for _, v := range nums[start:end] {
		items = append(items, versionJSON(k, v, s.layers[k][v], false, ""))
	}
	next := ""
	if end < len(nums) {
		next = fmt.Sprintf(`,"NextMarker":"page-%d"`, end)
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"LayerVersions":[%s]%s}`, strings.Join(items, ","), next)
	return nil
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	s.handle(OpGet, w, r, func(c caller) *apiError {
		k, aerr := layerFor(c, r.PathValue("name"))
		if aerr != nil {
			return aerr
		}
		var v int
		if _, err := fmt.Sscan(r.PathValue("version"), &v); err != nil {
			return &apiError{400, "InvalidParameterValueException", "invalid VersionNumber"}
		}
		return s.writeVersion(w, c, k, v, OpGet)
	})
}

func (s *Server) handleGetByArn(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("find") != "LayerVersion" {
		http.NotFound(w, r)
		return
	}
	s.handle(OpGetByArn, w, r, func(c caller) *apiError {
		a, err := layerarn.Parse(r.URL.Query().Get("Arn"))
		switch {
		case err != nil || a.Version == 0:
			return &apiError{400, "ValidationException", "invalid Arn"}
		case a.Region != c.region || a.Partition != layers.PartitionOf(c.region):
			return &apiError{400, "InvalidParameterValueException", fmt.Sprintf("layer %s is not in region %s", a, c.region)}
		}
		return s.writeVersion(w, c, keyOf(a), a.Version, OpGetByArn)
	})
}

// writeVersion answers one version. To another account, a version that
// does not exist (or is not shared) is access denied, not "not found":
// that is what AWS answers, and why probing treats both as "absent".
func (s *Server) writeVersion(w http.ResponseWriter, c caller, k layerKey, v int, op string) *apiError {
	arn := k.arn().WithVersion(v).String()
	m, ok := s.layers[k][v]
	owner := k.account == c.account
	switch {
	case !owner && (!ok || !s.public[k]):
		return &apiError{403, "AccessDeniedException", fmt.Sprintf("User: arn:aws:iam::%s:user/test is not authorized to perform: lambda:GetLayerVersion on resource: %s", c.account, arn)}
	case !ok:
		return &apiError{404, "ResourceNotFoundException", "The resource you requested does not exist."}
	}
	loc := s.URL + "/content/" + url.PathEscape(arn)
	if s.location != nil {
		loc = s.location(arn)
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, versionJSON(k, v, m, true, loc))
	return nil
}

// versionJSON renders a GetLayerVersion answer (full) or a list item.
func versionJSON(k layerKey, v int, m Meta, full bool, location string) string {
	created := m.CreatedDate
	if created == "" {
		created = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(v) * time.Hour).Format("2006-01-02T15:04:05.000-0700")
	}
	fields := []string{
		fmt.Sprintf(`"LayerVersionArn":%q`, k.arn().WithVersion(v).String()),
		fmt.Sprintf(`"Version":%d`, v),
		fmt.Sprintf(`"Description":%q`, m.Description),
		fmt.Sprintf(`"CreatedDate":%q`, created),
		fmt.Sprintf(`"CompatibleRuntimes":%s`, jsonList(m.Runtimes)),
		fmt.Sprintf(`"CompatibleArchitectures":%s`, jsonList(m.Architectures)),
	}
	if m.License != "" {
		fields = append(fields, fmt.Sprintf(`"LicenseInfo":%q`, m.License))
	}
	if full {
		sum := sha256.Sum256(m.Zip)
		fields = append(fields,
			fmt.Sprintf(`"LayerArn":%q`, k.arn().LayerARN()),
			fmt.Sprintf(`"Content":{"Location":%q,"CodeSha256":%q,"CodeSize":%d}`,
				location, base64.StdEncoding.EncodeToString(sum[:]), len(m.Zip)))
	}
	return "{" + strings.Join(fields, ",") + "}"
}

func jsonList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// handleContent serves a version's zip; http.ServeContent honours Range,
// as S3 does for the presigned Location.
func (s *Server) handleContent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls[OpContent]++
	a, err := layerarn.Parse(r.PathValue("arn"))
	var m Meta
	ok := err == nil
	if ok {
		m, ok = s.layers[keyOf(a)][a.Version]
	}
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.ServeContent(w, r, "layer.zip", time.Time{}, strings.NewReader(string(m.Zip)))
}
