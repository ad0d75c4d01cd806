package fleet

import "html/template"

// The pages are plain HTML tables, escaped by html/template: repository
// and layer names come from other people's files.
const layout = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{block "title" .}}bumpbot fleet{{end}}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#1f2328}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
th{background:#f6f8fa}.violation,.deleted,.error{color:#cf222e;font-weight:600}.behind{color:#9a6700}.current{color:#1a7f37}
nav a{margin-right:1em}
</style></head><body>
<nav><a href="/fleet">all pins</a>
<a href="/fleet?status=violation">violations</a><a href="/fleet?status=deleted">deleted pins</a>
<a href="/fleet?status=behind">behind</a><a href="/fleet?status=error">errors</a><a href="/fleet?status=current">current</a></nav>
{{block "body" .}}{{end}}
</body></html>`

const pinsTable = `{{define "pins"}}<table><thead><tr><th>status</th><th>repository</th><th>where</th><th>layer</th><th>pinned</th><th>newest</th><th>why</th></tr></thead><tbody>
{{range .Rows}}<tr><td class="{{.Status}}">{{.Status}}</td><td><a href="/fleet/repos/{{.Repository}}">{{.Repository}}</a></td><td>{{.File}}:{{.Line}}</td>
<td><a href="/fleet?layer={{.Layer}}">{{.Layer}}</a></td><td>{{.Pinned}}</td><td>{{.Newest}}</td><td>{{if .Rule}}{{.Rule}}{{else}}{{.Detail}}{{end}}</td></tr>
{{end}}</tbody></table>{{end}}`

var overviewPage = template.Must(template.Must(template.New("overview").Parse(layout)).Parse(pinsTable + `
{{define "title"}}bumpbot fleet{{end}}
{{define "body"}}<h1>Lambda layers across the fleet</h1>
<p>{{.Summary}}</p>
<h2>Layers</h2>
<table><thead><tr><th>layer</th><th>repositories</th><th>pins</th><th>versions pinned</th><th>newest</th><th>behind</th></tr></thead><tbody>
{{range .Layers}}<tr><td><a href="/fleet?layer={{.Layer}}">{{.Layer}}</a></td><td>{{.Repositories}}</td><td>{{.Pins}}</td><td>{{range $i, $v := .Pinned}}{{if $i}}, {{end}}{{$v}}{{end}}</td><td>{{.Newest}}</td><td>{{.Behind}}</td></tr>
{{end}}</tbody></table>
<h2>Pins, worst first</h2>{{template "pins" .}}{{end}}`))

var repoPage = template.Must(template.Must(template.New("repo").Parse(layout)).Parse(pinsTable + `
{{define "title"}}{{.Repo}} · bumpbot fleet{{end}}
{{define "body"}}<h1>{{.Repo}}</h1>
<p>{{.Summary}}</p>{{template "pins" .}}
<h2>Problems of the last reconcile</h2>
{{if .Problems}}<table><thead><tr><th>severity</th><th>kind</th><th>where</th><th>message</th></tr></thead><tbody>
{{range .Problems}}<tr><td>{{.Severity}}</td><td>{{.Kind}}</td><td>{{.Location}}</td><td>{{.Message}}</td></tr>
{{end}}</tbody></table>{{else}}<p>None.</p>{{end}}{{end}}`))
