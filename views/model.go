package views

import (
	"embed"
	"encoding/json"
	"strings"

	"depot/app"
)

// Static holds the files under static/: CSS, the vendored htmx and its SSE
// extension, and depot's own script. app/web serves them under /static/.
//
//go:embed static
var Static embed.FS

// Page is what the base layout needs from every page.
type Page struct {
	Title string
	// User is the signed-in account; nil on the sign-in and setup pages.
	User *app.User
	// CSRF is the session's token, put in a meta tag for htmx requests and
	// in every form. Empty without a session.
	CSRF string
	// Path is the request path, to mark the current navigation entry.
	Path string
	// Flash is a one-line message at the top of the page (after a redirect).
	Flash string
	// Banner is a warning every page shows at its top: off-site
	// replication down, failing or behind, for those who may see its
	// health. Empty when all is well.
	Banner string
	// AssetVersion is appended to static URLs so that a new build is
	// fetched despite long cache lifetimes.
	AssetVersion string
}

// NavItem is one entry of the navigation.
type NavItem struct {
	Href, Label string
	// Need is the action a role must be granted to see the entry.
	Need app.Action
}

// Nav lists the navigation entries; the layout shows those the user may use.
var Nav = []NavItem{
	{Href: "/", Label: "Stock", Need: app.ReadStock},
	{Href: "/catalog", Label: "Catalog", Need: app.ReadStock},
	{Href: "/floor", Label: "Floor", Need: app.UseFloor},
	{Href: "/places", Label: "Places", Need: app.ReadStock},
	{Href: "/lots", Label: "Lots", Need: app.ReadStock},
	{Href: "/purchasing", Label: "Purchasing", Need: app.ReadStock},
	{Href: "/orders", Label: "Orders", Need: app.ReadStock},
	{Href: "/devices", Label: "Devices", Need: app.ReadStock},
	{Href: "/users", Label: "Users", Need: app.ManageAccounts},
	{Href: "/replication", Label: "Replication", Need: app.ViewReplication},
	{Href: "/account", Label: "Account", Need: ""},
}

// navFor returns the entries u may use.
func navFor(u *app.User) []NavItem {
	var out []NavItem
	for _, n := range Nav {
		if n.Need == "" || u.Authorize(n.Need) == nil {
			out = append(out, n)
		}
	}
	return out
}

// current reports whether href is the page at path (or a parent of it).
func current(path, href string) bool {
	if href == "/" {
		return path == "/" || strings.HasPrefix(path, "/variants/") || strings.HasPrefix(path, "/search")
	}
	if href == "/places" && strings.HasPrefix(path, "/locations/") {
		return true
	}
	if href == "/orders" && (path == "/customers" || strings.HasPrefix(path, "/customers/")) {
		return true
	}
	return path == href || strings.HasPrefix(path, href+"/")
}

// Form is a submitted form's state: what was typed, and the error of the
// field at fault, so that a refused form comes back filled in with the
// error beside its field.
type Form struct {
	Values map[string]string
	// Field and Error are the field at fault and why; Error without Field
	// is about the whole form.
	Field, Error string
}

// Value returns what was typed into name.
func (f Form) Value(name string) string { return f.Values[name] }

// ErrorFor returns the error message for the field, or "".
func (f Form) ErrorFor(name string) string {
	if f.Field == name {
		return f.Error
	}
	return ""
}

// FormError returns the error not tied to a field of this form.
func (f Form) FormError(fields ...string) string {
	for _, n := range fields {
		if f.Field == n {
			return ""
		}
	}
	return f.Error
}

func static(p Page, name string) string {
	return "/static/" + name + "?v=" + p.AssetVersion
}

func fieldID(name string) string { return "f-" + strings.ReplaceAll(name, ".", "-") }

// csrfHeaders is the hx-headers value that sends the token with every htmx
// request.
func csrfHeaders(token string) string {
	if token == "" {
		return ""
	}
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

// htmxConfig keeps htmx within the pages' Content-Security-Policy: no
// injected <style>, no eval.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}`
