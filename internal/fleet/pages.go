package fleet

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"slices"
	"strings"
)

// The pages are plain HTML tables, escaped by html/template: repository
// and layer names come from other people's files. They work without
// JavaScript (filters are a GET form, every view has its own URL); the
// one inline script adds sorting by a column and a text filter.
const layout = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{block "title" .}}bumpbot fleet{{end}}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#1f2328}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}th[data-sort]{cursor:pointer}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.violation,.deleted,.error{color:#cf222e;font-weight:600}.behind{color:#9a6700}.current{color:#1a7f37}
nav a{margin-right:1em}header{display:flex;justify-content:space-between;align-items:baseline}
form.filters{margin:1em 0}form.filters label{margin-right:1em}svg text{font:11px system-ui,sans-serif}
</style></head><body>
<header><nav><a href="/fleet">layers</a>
<a href="/fleet?status=violation">violations</a><a href="/fleet?status=deleted">deleted pins</a>
<a href="/fleet?status=behind">behind</a><a href="/fleet?status=error">errors</a><a href="/fleet?status=current">current</a></nav>
{{if .User}}<span class="user">signed in as <strong>{{.User}}</strong> · <a href="/fleet/logout">sign out</a></span>{{end}}</header>
{{block "body" .}}{{end}}
<script>` + script + `</script>
</body></html>`

// script sorts a table by the column whose header is clicked (numbers as
// numbers) and hides the rows a filter box's text is not in.
const script = `
document.querySelectorAll("table.sortable th").forEach(function (th, _) {
  th.dataset.sort = "";
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var key = function (tr) { var c = tr.children[i]; return c.dataset.key !== undefined ? c.dataset.key : c.textContent.trim(); };
    Array.from(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      var d = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? d : -d;
    }).forEach(function (tr) { body.appendChild(tr); });
  });
});
document.querySelectorAll("input[data-filter]").forEach(function (input) {
  input.hidden = false;
  input.addEventListener("input", function () {
    var q = input.value.toLowerCase();
    document.querySelectorAll(input.dataset.filter + " tbody tr").forEach(function (tr) {
      tr.hidden = q !== "" && tr.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
});
`

// contentPolicy allows nothing from elsewhere, the inline style and
// exactly the one script above.
var contentPolicy = func() string {
	sum := sha256.Sum256([]byte(script))
	return "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

const parts = `
{{define "filters"}}<form class="filters" method="get">
<label>org <select name="org"><option value="">all</option>{{range .Orgs}}<option{{if eq . ($.Filter.org)}} selected{{end}}>{{.}}</option>{{end}}</select></label>
<label>status <select name="status"><option value="">all</option>{{range statuses}}<option{{if eq (print .) ($.Filter.status)}} selected{{end}}>{{.}}</option>{{end}}</select></label>
{{if not .Layer}}<label>layer <select name="layer"><option value="">all</option>{{range .LayerNames}}<option{{if eq . ($.Filter.layer)}} selected{{end}}>{{.}}</option>{{end}}</select></label>{{end}}
<button type="submit">filter</button> <input type="search" placeholder="find in the table" data-filter="#pins" hidden></form>{{end}}
{{define "pins"}}{{if .PullsNote}}<p class="note">{{.PullsNote}}</p>{{end}}<table class="sortable" id="pins"><thead><tr><th>status</th><th>repository</th><th>where</th><th>layer</th><th>pinned</th><th>newest</th><th>why</th>{{if .ShowPulls}}<th>pull request</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr><td class="{{.Status}}" data-key="{{rank .Status}}">{{.Status}}</td><td><a href="/fleet/repos/{{.Repository}}">{{.Repository}}</a></td><td>{{.File}}:{{.Line}}</td>
<td><a href="/fleet/layers/{{.Layer}}">{{.Layer}}</a></td><td>{{.Pinned}}</td><td>{{.Newest}}</td><td>{{if .Rule}}{{.Rule}}{{else}}{{.Detail}}{{end}}</td>{{if $.ShowPulls}}<td>{{with .Pull}}<a href="{{.URL}}">#{{.Number}}</a>, open {{.Age}}{{end}}</td>{{end}}</tr>
{{else}}<tr><td colspan="8">No pins match.</td></tr>{{end}}</tbody></table>{{end}}
{{define "layers"}}<table class="sortable" id="layers"><thead><tr><th>layer</th><th>repositories</th><th>pins</th><th>newest per region</th><th>repositories per version</th><th>behind</th><th>deleted</th><th>violations</th></tr></thead><tbody>
{{range .Layers}}<tr><td><a href="/fleet/layers/{{.Layer}}">{{.Layer}}</a></td><td>{{.Repositories}}</td><td>{{.Pins}}</td>
<td>{{range .NewestByRegion}}{{.Region}}: {{.Version}}<br>{{else}}not resolved yet{{end}}</td><td data-key="{{len .Versions}}">{{chart .}}</td>
<td class="{{if .Behind}}behind{{end}}">{{.Behind}}</td><td class="{{if .Deleted}}deleted{{end}}">{{.Deleted}}</td><td class="{{if .Violations}}violation{{end}}">{{.Violations}}</td></tr>
{{end}}</tbody></table>{{end}}`

var funcs = template.FuncMap{
	"chart":    chart,
	"rank":     func(s Status) int { return order[s] },
	"statuses": func() []Status { return []Status{Violation, Deleted, Error, Behind, Current} },
}

func pageOf(name, body string) *template.Template {
	return template.Must(template.Must(template.New(name).Funcs(funcs).Parse(layout)).Parse(parts + body))
}

var overviewPage = pageOf("overview", `
{{define "title"}}bumpbot fleet{{end}}
{{define "body"}}<h1>Lambda layers across the fleet</h1>
<p class="summary">{{.Summary}}</p>{{template "filters" .}}
<h2>Layers</h2>{{template "layers" .}}
<h2>Pins, worst first</h2>{{template "pins" .}}{{end}}`)

var layerPage = pageOf("layer", `
{{define "title"}}{{.Layer}} · bumpbot fleet{{end}}
{{define "body"}}<h1>Layer {{.Layer}}</h1>
<p class="summary">{{.Summary}}</p>{{template "filters" .}}{{template "layers" .}}
<h2>Every pin of {{.Layer}}</h2>{{template "pins" .}}{{end}}`)

var repoPage = pageOf("repo", `
{{define "title"}}{{.Repo}} · bumpbot fleet{{end}}
{{define "body"}}<h1>{{.Repo}}</h1>
<p class="summary">{{.Summary}}</p>{{template "filters" .}}{{template "pins" .}}
{{if .ShowPulls}}<h2>Open pull requests</h2>
{{if .Pulls}}<table class="sortable" id="pulls"><thead><tr><th>pull request</th><th>branch</th><th>open for</th></tr></thead><tbody>
{{range .Pulls}}<tr><td><a href="{{.URL}}">#{{.Number}} {{.Title}}</a></td><td>{{.Branch}}</td><td data-key="{{.Opened.Unix}}">{{.Age}}</td></tr>
{{end}}</tbody></table>{{else}}<p>None.</p>{{end}}{{end}}
<h2>Problems of the last reconcile</h2>
{{if .Problems}}<table class="sortable" id="problems"><thead><tr><th>severity</th><th>kind</th><th>where</th><th>message</th></tr></thead><tbody>
{{range .Problems}}<tr><td>{{.Severity}}</td><td>{{.Kind}}</td><td>{{.Location}}</td><td>{{.Message}}</td></tr>
{{end}}</tbody></table>{{else}}<p>None.</p>{{end}}
<h2>Not bumped</h2>
{{if .Ignores}}<table class="sortable" id="ignores"><thead><tr><th>layer</th><th>versions</th><th>from</th></tr></thead><tbody>
{{range .Ignores}}<tr><td>{{.Layer}}</td><td>{{if .Versions}}{{.Versions}}{{else}}every version{{end}}</td><td>{{.From}}</td></tr>
{{end}}</tbody></table>{{else}}<p>No layer or version is ignored.</p>{{end}}{{end}}`)

var signedOutPage = template.Must(template.New("out").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signed out · bumpbot fleet</title></head>
<body><p>You are signed out. <a href="/fleet/login">Sign in with GitHub</a></p></body></html>`))

// chart draws how many repositories pin each version of a layer as a
// horizontal bar chart in inline SVG. It holds only numbers, so building
// it as text is safe.
func chart(l LayerRow) template.HTML {
	const barMax, row = 160, 16
	most := 1
	for _, v := range l.Versions {
		most = max(most, v.Repositories)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg role="img" width="%d" height="%d" aria-label="repositories per pinned version">`, barMax+90, row*len(l.Versions)+2)
	for i, v := range l.Versions {
		y := i * row
		// Green: the newest version of some region (numbers differ
		// between regions); amber: older than every region's newest.
		fill := "#bf8700"
		if v.Version >= l.Newest || slices.ContainsFunc(l.NewestByRegion, func(r RegionVersion) bool { return r.Version == v.Version }) {
			fill = "#1a7f37"
		}
		w := max(2, v.Repositories*barMax/most)
		fmt.Fprintf(&b, `<text x="0" y="%d">v%d</text><rect x="40" y="%d" width="%d" height="%d" fill="%s"><title>version %d: %d repositories</title></rect><text x="%d" y="%d">%d</text>`,
			y+12, v.Version, y+2, w, row-4, fill, v.Version, v.Repositories, 44+w, y+12, v.Repositories)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // numbers and constants only
}
