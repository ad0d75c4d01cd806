// Package bumpbot holds what the module ships beside its code: the GitHub
// App manifest, which `bumpbot app register` posts to GitHub.
package bumpbot

import _ "embed"

// AppManifest is app.yml: the App's name, events and permissions.
//
//go:embed app.yml
var AppManifest []byte
