package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/app/web"
)

func TestFirstRun(t *testing.T) {
	e := newUIEnv(t, false)
	b := e.browser()
	if r := b.get("/variants/X"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/setup" {
		t.Fatalf("first visit: %d to %q, want 303 to /setup", r.Status, r.Header.Get("Location"))
	}
	if r := b.get("/login"); r.Header.Get("Location") != "/setup" {
		t.Errorf("sign-in page on a box without accounts sends to %q, want /setup", r.Header.Get("Location"))
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		texts  []string
	}{
		{"WrongCode", url.Values{"code": {"AAAA-BBBB"}, "username": {"olga"}, "password": {"owner password"}, "confirm": {"owner password"}},
			403, []string{"Setup code: is not the code depot serve printed", `value="olga"`, `value="AAAA-BBBB"`}},
		{"Mismatch", url.Values{"code": {setupCode}, "username": {"olga"}, "password": {"owner password"}, "confirm": {"other password"}},
			400, []string{"Password again: does not match the password", `value="olga"`}},
		{"ShortPassword", url.Values{"code": {setupCode}, "username": {"olga"}, "password": {"short"}, "confirm": {"short"}},
			400, []string{"Password (10 to 72 characters): must be at least 10 characters", `value="olga"`}},
		{"BadUsername", url.Values{"code": {setupCode}, "username": {"ol ga"}, "password": {"owner password"}, "confirm": {"owner password"}},
			400, []string{"Owner username: must be 1 to 64 characters", `aria-invalid="true"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.post("/setup", "/setup", tt.form)
			r.has(t, tt.status, tt.texts...)
			if strings.Contains(string(r.Body), "owner password") {
				t.Error("the refused form echoes the password")
			}
			if n := e.count("users"); n != 0 {
				t.Errorf("%d users after a refused setup", n)
			}
		})
	}
	t.Run("NoCSRF", func(t *testing.T) {
		r := b.send("POST", "/setup", url.Values{"code": {setupCode}, "username": {"olga"}, "password": {"owner password"}, "confirm": {"owner password"}}, nil)
		r.has(t, 403, "csrf: the form was out of date")
		if n := e.count("users"); n != 0 {
			t.Errorf("%d users after a setup without a CSRF token", n)
		}
	})
	t.Run("Done", func(t *testing.T) {
		owner := e.owner()
		owner.get("/").has(t, 200, "Welcome, olga", "olga · owner", `href="/users"`)
		if r := e.browser().get("/setup"); r.Header.Get("Location") != "/login" {
			t.Errorf("setup after the owner exists: %d to %q, want /login", r.Status, r.Header.Get("Location"))
		}
		other := e.browser()
		r := other.post("/login", "/setup", url.Values{"code": {setupCode}, "username": {"mallory"}, "password": {"owner password"}, "confirm": {"owner password"}})
		r.has(t, 409, "already has an owner")
		if n := e.count("users"); n != 1 {
			t.Errorf("%d users, want the one owner", n)
		}
	})
}

func TestSignInAndOut(t *testing.T) {
	e := newUIEnv(t, true)
	e.owner()
	if _, err := e.db.AddUser(context.Background(), "cy", app.Clerk, "password of cy"); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	r := b.get("/variants/ABC?x=1")
	if r.Status != 303 || r.Header.Get("Location") != "/login?next=%2Fvariants%2FABC%3Fx%3D1" {
		t.Fatalf("no session: %d to %q", r.Status, r.Header.Get("Location"))
	}
	r = b.post("/login", "/login", url.Values{"username": {"cy"}, "password": {"wrong password"}})
	r.has(t, 401, "wrong username or password", `value="cy"`)
	r = b.post("/login", "/login", url.Values{"username": {"cy"}, "password": {"password of cy"}, "next": {"https://evil.example/"}})
	if r.Status != 303 || r.Header.Get("Location") != "/" {
		t.Fatalf("sign in: %d to %q, want 303 to / (not off-site)", r.Status, r.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "depot_session" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode || cookie.Expires.IsZero() {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax, an expiry", cookie)
	}
	if strings.Contains(e.logs.String(), cookie.Value) || strings.Contains(e.logs.String(), "password of cy") {
		t.Error("the log holds the session token or the password")
	}
	b.get("/").has(t, 200, "cy · clerk")
	r = b.post("/", "/logout", url.Values{})
	if r.Status != 303 || r.Header.Get("Location") != "/login" {
		t.Fatalf("sign out: %d to %q", r.Status, r.Header.Get("Location"))
	}
	// The old token is dead on the server, not only forgotten by the browser.
	stale := e.browser()
	req, _ := http.NewRequest("GET", e.srv.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "depot_session", Value: cookie.Value})
	res, err := stale.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Errorf("signed-out token: status %d, want 303 to sign in", res.StatusCode)
	}
}

func TestSignInLockout(t *testing.T) {
	e := newUIEnv(t, false)
	e.owner()
	ctx := context.Background()
	e.db.AddUser(ctx, "dee", app.Picker, "password of dee")
	e.db.AddUser(ctx, "eve", app.Picker, "password of eve")
	b := e.browser()
	for i := 0; i < 5; i++ {
		b.post("/login", "/login", url.Values{"username": {"dee"}, "password": {fmt.Sprint("guess ", i)}}).has(t, 401)
	}
	r := b.post("/login", "/login", url.Values{"username": {"dee"}, "password": {"password of dee"}})
	r.has(t, 429, "too many failed sign-ins; try again in 15 minutes", `value="dee"`)
	// Another account from the same address is not locked yet (5 < 10)...
	b.post("/login", "/login", url.Values{"username": {"eve"}, "password": {"password of eve"}}).has(t, 303)
	// ...until the address itself has failed 10 times.
	c := e.browser()
	for i := 0; i < 5; i++ {
		c.post("/login", "/login", url.Values{"username": {fmt.Sprint("nobody", i)}, "password": {"x"}}).has(t, 401)
	}
	c.post("/login", "/login", url.Values{"username": {"olga"}, "password": {"owner password"}}).has(t, 429)
}

func TestRolesOnPages(t *testing.T) {
	e := newUIEnv(t, false)
	owner := e.owner()
	picker := e.signIn("pia", app.Picker)
	manager := e.signIn("max", app.Manager)
	olga, _ := e.db.Account(context.Background(), 1)

	t.Run("PickerCannotReachUsers", func(t *testing.T) {
		picker.get("/users").has(t, 403, "role picker may not manage accounts")
		before := e.count("users")
		r := picker.post("/", "/users", url.Values{"username": {"sneaky"}, "role": {"owner"}, "password": {"long enough pw"}})
		r.has(t, 403)
		if e.count("users") != before {
			t.Error("a picker created an account")
		}
		if strings.Contains(string(picker.get("/").Body), `href="/users"`) {
			t.Error("the picker's navigation links to user management")
		}
	})
	t.Run("ManagerCannotMakeOwners", func(t *testing.T) {
		before := e.count("users")
		r := manager.post("/users", "/users", url.Values{"username": {"newboss"}, "role": {"owner"}, "password": {"long enough pw"}})
		r.has(t, 403, "Role: only an owner may make an owner", `value="newboss"`)
		if e.count("users") != before {
			t.Error("a manager created an owner")
		}
		r = manager.post("/users", fmt.Sprintf("/users/%d/role", olga.ID), url.Values{"role": {"viewer"}})
		r.has(t, 403, "only an owner may change an owner")
		if a, _ := e.db.Account(context.Background(), olga.ID); a.Role != app.Owner {
			t.Errorf("owner's role is now %s", a.Role)
		}
	})
	t.Run("ManagerCreatesClerkAndDisablesPicker", func(t *testing.T) {
		r := manager.post("/users", "/users", url.Values{"username": {"cleo"}, "role": {"clerk"}, "password": {"long enough pw"}})
		if r.Status != 303 {
			t.Fatalf("create clerk: %d %s", r.Status, r.Body)
		}
		manager.get("/users").has(t, 200, "Account cleo created with role clerk", "cleo")
		pia, _ := e.db.CheckPassword(context.Background(), "pia", "password of pia")
		r = manager.post("/users", fmt.Sprintf("/users/%d/disabled", pia.ID), url.Values{"disabled": {"true"}})
		if r.Status != 303 {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		if r := picker.get("/"); r.Status != 303 {
			t.Errorf("disabled picker's session still works: %d", r.Status)
		}
	})
	t.Run("NobodyChangesThemselves", func(t *testing.T) {
		owner.post("/users", fmt.Sprintf("/users/%d/role", olga.ID), url.Values{"role": {"viewer"}}).has(t, 403, "your own role")
	})
	t.Run("DuplicateUsernameKeepsForm", func(t *testing.T) {
		r := owner.post("/users", "/users", url.Values{"username": {"cleo"}, "role": {"viewer"}, "password": {"long enough pw"}})
		r.has(t, 409, "Username: username cleo is taken", `value="cleo"`, `<option value="viewer" selected>`)
	})
}

func TestCSRF(t *testing.T) {
	e := newUIEnv(t, false)
	owner := e.owner()
	form := url.Values{"username": {"zed"}, "role": {"viewer"}, "password": {"long enough pw"}}
	tests := []struct {
		name   string
		token  string
		header map[string]string
		status int
	}{
		{"Missing", "", nil, 403},
		{"Wrong", "not-the-token", nil, 403},
		{"OtherSessions", e.signIn("yan", app.Manager).csrf("/users"), nil, 403},
		{"CrossSite", owner.csrf("/users"), map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.count("users")
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if tt.token != "" {
				f.Set("csrf", tt.token)
			}
			r := owner.send("POST", "/users", f, tt.header)
			r.has(t, tt.status)
			if e.count("users") != before {
				t.Error("a refused post created an account")
			}
		})
	}
	t.Run("HeaderAsHtmxSendsIt", func(t *testing.T) {
		r := owner.send("POST", "/users", form, map[string]string{"X-CSRF-Token": owner.csrf("/users"), "HX-Request": "true"})
		if r.Status != 303 || e.count("users") != 3 {
			t.Errorf("post with the header: %d, %d users", r.Status, e.count("users"))
		}
	})
}

func TestPasswordChange(t *testing.T) {
	e := newUIEnv(t, false)
	owner := e.owner()
	r := owner.post("/account", "/account/password", url.Values{"current": {"not it"}, "password": {"new owner password"}, "confirm": {"new owner password"}})
	r.has(t, 401, "Current password: is not your current password")
	r = owner.post("/account", "/account/password", url.Values{"current": {"owner password"}, "password": {"new owner password"}, "confirm": {"typo"}})
	r.has(t, 400, "New password again: does not match")
	r = owner.post("/account", "/account/password", url.Values{"current": {"owner password"}, "password": {"new owner password"}, "confirm": {"new owner password"}})
	if r.Status != 303 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if _, err := e.db.CheckPassword(context.Background(), "olga", "new owner password"); err != nil {
		t.Error(err)
	}
	owner.get("/account").has(t, 200, "Password changed")
}

func TestVariantPage(t *testing.T) {
	e := newUIEnv(t, false)
	seedStock(t, e)
	viewer := e.signIn("vic", app.Viewer)
	r := viewer.get("/search?q=mug-blu")
	if r.Status != 303 || r.Header.Get("Location") != "/variants/MUG-BLU" {
		t.Fatalf("exact SKU search: %d to %q", r.Status, r.Header.Get("Location"))
	}
	viewer.get("/search?q=mug").has(t, 200, `href="/variants/MUG-BLU"`, `href="/variants/MUG-RED"`, "Ceramic mug")
	viewer.get("/search?q=zzz").has(t, 200, "Nothing found for “zzz”")
	r = viewer.get("/variants/mug-blu")
	r.has(t, 200, "MUG-BLU", "Ceramic mug", `data-location="A-01"`, `data-location="A-02"`, "PO-1", "reason damaged", "“dropped”", "system")
	body := string(r.Body)
	if i, j := strings.Index(body, `data-movement="3"`), strings.Index(body, `data-movement="1"`); i < 0 || j < 0 || i > j {
		t.Errorf("ledger card is not newest first (movement 3 at %d, 1 at %d)", i, j)
	}
	if !strings.Contains(body, `id="total-on-hand">9<`) {
		t.Errorf("total on hand is not 9:\n%s", body)
	}
	viewer.get("/variants/NOPE").has(t, 404, "no variant has SKU")
	viewer.get("/variants/MUG-BLU?before=x").has(t, 400, "before: must be a movement id")
	viewer.get("/variants/MUG-BLU/live").has(t, 200, `id="ledger-card"`)
	if r := viewer.get("/search?q=a-01"); r.Status != 303 || r.Header.Get("Location") != "/locations/A-01" {
		t.Errorf("location code search: %d to %q", r.Status, r.Header.Get("Location"))
	}
	viewer.get("/locations/A-01").has(t, 200, `href="/variants/MUG-BLU"`, `id="total-on-hand">6<`, `sse-connect="/events"`)
	viewer.get("/locations/A-01/live").has(t, 200, `id="total-on-hand">6<`)
	viewer.get("/locations/NOPE").has(t, 404, "no location has code")
	older := viewer.get("/variants/MUG-BLU?before=3")
	older.has(t, 200, "Newest movements", `data-movement="2"`, `data-movement="1"`)
	if strings.Contains(string(older.Body), `data-movement="3"`) {
		t.Error("the page before movement 3 shows movement 3")
	}
}

// seedStock makes two mug variants with three movements of MUG-BLU.
func seedStock(t testing.TB, e *uiEnv) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.db.CreateProduct(ctx, app.NewProduct{Name: "Ceramic mug", Variants: []app.NewVariant{{SKU: "MUG-BLU"}, {SKU: "MUG-RED"}}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"A-01", "A-02"} {
		if _, err := e.db.CreateLocation(ctx, app.NewLocation{Code: c, Kind: app.KindBin}); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range []app.PostMovement{
		{Kind: app.Receive, Reference: &app.Reference{Type: "purchase_order", ID: "PO-1"}, Lines: []app.MovementLine{{SKU: "MUG-BLU", Qty: 10, To: "A-01"}}},
		{Kind: app.Move, Lines: []app.MovementLine{{SKU: "MUG-BLU", Qty: 4, From: "A-01", To: "A-02"}}},
		{Kind: app.Adjust, Reason: "damaged", Note: "dropped", Lines: []app.MovementLine{{SKU: "MUG-BLU", Qty: 1, From: "A-02"}}},
	} {
		cmd.IdempotencyKey = fmt.Sprint("seed-", i)
		if _, _, err := e.db.PostMovement(ctx, cmd); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEventsStream(t *testing.T) {
	e := newUIEnv(t, false)
	seedStock(t, e)
	b := e.signIn("vic", app.Viewer)
	blu, _ := e.db.Variant(context.Background(), "MUG-BLU")
	if r := e.browser().get(fmt.Sprintf("/events?variant=%d", blu.ID)); r.Status != 401 {
		t.Errorf("events without a session: %d, want 401", r.Status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/events?variant=%d", e.srv.URL, blu.ID), nil)
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for e.broker.Watchers() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	post := func(sku string) int64 {
		m, _, err := e.db.PostMovement(context.Background(), app.PostMovement{Kind: app.Receive,
			IdempotencyKey: "live-" + sku, Lines: []app.MovementLine{{SKU: sku, Qty: 1, To: "A-01"}}})
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	post("MUG-RED") // another variant: no event for this stream
	id := post("MUG-BLU")
	want := []string{"event: stock", fmt.Sprintf("data: %d", id)}
	var got []string
	for len(got) < 2 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended; got %q", got)
			}
			if strings.HasPrefix(l, "event:") || strings.HasPrefix(l, "data:") {
				got = append(got, l)
			}
		case <-ctx.Done():
			t.Fatalf("no event; got %q", got)
		}
	}
	if got[0] != want[0] || got[1] != want[1] {
		t.Errorf("events %q, want %q (MUG-RED's movement must not be announced)", got, want)
	}
}

func TestStaticAndPlain(t *testing.T) {
	e := newUIEnv(t, false)
	b := e.browser()
	r := b.get("/static/app.css?v=whatever")
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "text/css") || r.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Errorf("css: %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
	}
	page := string(e.owner().get("/").Body)
	i := strings.Index(page, "/static/htmx.min.js?v=")
	if i < 0 {
		t.Fatal("no versioned htmx link on the page")
	}
	link := page[i : i+len("/static/htmx.min.js?v=")+12]
	if r := b.get(link); r.Status != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || len(r.Body) < 40000 {
		t.Errorf("%s: %d %q, %d bytes", link, r.Status, r.Header.Get("Cache-Control"), len(r.Body))
	}
	b.get("/static/../views.go").has(t, 404)
	b.get("/no/such/page").has(t, 404, "there is no page")
	if r := b.get("/api/v1/nothing"); r.Status != 404 || !strings.Contains(r.Header.Get("Content-Type"), "json") {
		t.Errorf("API 404 is not JSON: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	if r := b.get("/ca.crt"); r.Status != 200 || r.Header.Get("Content-Type") != "application/x-x509-ca-cert" {
		t.Errorf("/ca.crt on the HTTPS side: %d %q", r.Status, r.Header.Get("Content-Type"))
	}

	plain := newPlain(t)
	for _, tt := range []struct{ path, loc string }{
		{"/", "https://example.lan:8443/"},
		{"/variants/A?b=1", "https://example.lan:8443/variants/A?b=1"},
	} {
		req, _ := http.NewRequest("GET", plain.URL+tt.path, nil)
		req.Host = "example.lan:8080"
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 301 || res.Header.Get("Location") != tt.loc {
			t.Errorf("plain %s: %d to %q, want 301 to %q", tt.path, res.StatusCode, res.Header.Get("Location"), tt.loc)
		}
	}
	res, err := http.Get(plain.URL + "/ca")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	bufio.NewReader(res.Body).WriteTo(&sb)
	res.Body.Close()
	for _, s := range []string{"Android", "iPhone", "Certificate Trust Settings", "Firefox", "AA:BB", `href="/ca.crt"`} {
		if !strings.Contains(sb.String(), s) {
			t.Errorf("/ca lacks %q", s)
		}
	}
}

func newPlain(t *testing.T) *httptestServer {
	t.Helper()
	h := web.NewPlainHandler(web.PlainHTTP{CACert: []byte("pem"), Fingerprint: "AA:BB", HTTPSPort: "8443"}, nil)
	return startTest(t, h)
}

func TestSessionIsExtendedWhileUsed(t *testing.T) {
	e := newUIEnv(t, false)
	owner := e.owner()
	u, _ := url.Parse(e.srv.URL)
	var token string
	for _, c := range owner.c.Jar.Cookies(u) {
		if c.Name == "depot_session" {
			token = c.Value
		}
	}
	ctx := context.Background()
	// An hour left: past half its life, so the next page extends it.
	if err := e.db.ExtendSession(ctx, token, time.Hour); err != nil {
		t.Fatal(err)
	}
	r := owner.get("/account")
	r.has(t, 200)
	var renewed *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "depot_session" {
			renewed = c
		}
	}
	if renewed == nil || renewed.Value != token || time.Until(renewed.Expires) < 11*time.Hour {
		t.Fatalf("renewed cookie %+v, want the same token for about 12 more hours", renewed)
	}
	s, err := e.db.Session(ctx, token)
	if err != nil || time.Until(s.ExpiresAt) < 11*time.Hour {
		t.Errorf("stored session expires %v (%v), want about 12 hours from now", s, err)
	}
	// A fresh session is left alone: no write per request.
	r = owner.get("/account")
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "depot_session" {
			t.Errorf("a fresh session was extended again: %+v", c)
		}
	}
}
