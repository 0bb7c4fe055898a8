// Package views holds depot's templ components and static assets, embedded in
// the binary. Views take view models built by app/web and never touch the
// database. The back-office UI (sign-in, catalog, stock, floor screens)
// lands here; `make generate` regenerates the committed *_templ.go files.
package views
