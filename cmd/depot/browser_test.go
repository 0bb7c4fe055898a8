package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var screenshotDir = flag.String("screenshots", "", "write the browser tests' screenshots to this `folder` (make screenshots)")

// served is a running `depot serve` with TLS on.
type served struct {
	base, caURL, setupCode string
	client                 *http.Client // trusts the box's CA
}

// startServeTLS starts the real binary with --tls auto on free ports and
// reads its console for the addresses and the setup code.
func startServeTLS(t *testing.T, path string) *served {
	t.Helper()
	cmd := exec.Command(depotBin, "serve", "--db", path, "--addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	s := &served{}
	codeRe := regexp.MustCompile(`^\s+([A-Z2-7]{4}-[A-Z2-7]{4})$`)
	addrRe := regexp.MustCompile(`ca_url=(http://\S+) addr=(https://\S+)`)
	code, addr := make(chan string, 1), make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := codeRe.FindStringSubmatch(sc.Text()); m != nil {
				code <- m[1]
			}
		}
	}()
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1:]
			}
		}
	}()
	for s.base == "" || s.setupCode == "" {
		select {
		case m := <-addr:
			s.caURL, s.base = m[0], m[1]
		case s.setupCode = <-code:
		case <-time.After(15 * time.Second):
			t.Fatal("depot serve did not print its address and setup code")
		}
	}
	pem, err := os.ReadFile(filepath.Join(filepath.Dir(path), "depot-ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("depot-ca.crt does not parse")
	}
	s.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return s
}

// api sends a JSON request with a bearer token and decodes the answer.
func (s *served) api(t *testing.T, token, method, path, body string, status int) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, status, b)
	}
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

// newBrowser starts Debian's chromium headless with a fresh profile. The
// box's certificate is made by its own CA, which this profile does not
// know; the TLS chain itself is checked by the Go client above.
func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed: run make deps (apt-get install chromium): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// step runs actions with a time limit, failing the test with what.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitText waits until the element's text contains want. Evaluation
// errors while a page loads are retried.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q); })()`, sel, want)
	waitJS(t, ctx, js, fmt.Sprintf("%q in %s", want, sel))
}

// waitJS waits until the expression is true.
func waitJS(t *testing.T, ctx context.Context, js, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
			t.Fatalf("waiting for %s: %v; page text:\n%s", what, err, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shot saves a full-page screenshot at width when -screenshots is given,
// and checks in any case that the page does not scroll sideways.
func shot(t *testing.T, ctx context.Context, name string, width int64) {
	t.Helper()
	step(t, ctx, "viewport", chromedp.EmulateViewport(width, 800))
	if over := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`); over {
		t.Errorf("%s at %d px scrolls sideways (scrollWidth %v)", name, width, eval[float64](t, ctx, `document.documentElement.scrollWidth`))
	}
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil || len(png) < 1000 {
		t.Fatalf("screenshot %s: %d bytes, %v", name, len(png), err)
	}
	if *screenshotDir != "" {
		if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*screenshotDir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// ownerToken makes an API token for the owner olga with depot's own
// command, as an operator would, and returns it.
func ownerToken(t *testing.T, path, name string) string {
	t.Helper()
	out, errOut, code := runDepot(t, "", "token", "create", "--db", path, "--username", "olga", "--name", name)
	if code != 0 {
		t.Fatalf("token create: %s %s", out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// press clicks the element inside the page, in one script, once it exists.
// Use it where live events re-render the element: chromedp's Click finds a
// node first and clicks it later, and a swap between the two fails with
// "Could not find node with given id".
func press(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.click(); return true; })()`, sel)
	waitJS(t, ctx, js, "a click on "+sel)
}

// fill types into the form fields by id and submits with the button.
func fill(t *testing.T, ctx context.Context, what string, fields map[string]string, button string) {
	t.Helper()
	var actions []chromedp.Action[chromedp.Void]
	for id, v := range fields {
		clear := fmt.Sprintf(`document.querySelector("#%s").value = ""`, id)
		actions = append(actions, discard(chromedp.Evaluate[string](clear)), chromedp.SendKeys(chromedp.CSS("#"+id), v))
	}
	actions = append(actions, chromedp.Click(chromedp.CSS(button)))
	step(t, ctx, what, actions...)
}

// TestBrowser drives chromium against the real `depot serve` over HTTPS:
// first run with the setup code, an account made in the UI, a CSRF-less
// post refused, a second tab that sees stock change live when a movement is
// posted through the API, a picker refused user management.
func TestBrowser(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "depot.db")
	s := startServeTLS(t, path)

	t.Run("PlainHTTPOffersTheCA", func(t *testing.T) {
		res, err := http.Get(s.caURL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), "Certificate Trust Settings") {
			t.Errorf("%s: %d", s.caURL, res.StatusCode)
		}
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err = noFollow.Get(strings.TrimSuffix(s.caURL, "/ca") + "/variants/X")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != 301 || !strings.HasPrefix(loc, s.base) {
			t.Errorf("plain HTTP: %d to %q, want 301 to %s", res.StatusCode, loc, s.base)
		}
	})

	ctx := newBrowser(t)
	step(t, ctx, "CA page", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.caURL))
	waitText(t, ctx, "main", "Certificate Trust Settings")
	shot(t, ctx, "ca", 360)
	step(t, ctx, "open depot", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	shot(t, ctx, "setup", 360)

	// First run: a wrong code is refused with the field named and the
	// username kept; the right one creates the owner and signs in.
	fill(t, ctx, "setup with a wrong code", map[string]string{"f-code": "AAAA-AAAA", "f-username": "olga",
		"f-password": "owner password", "f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, "#f-code-error", "Setup code: is not the code")
	if v := eval[string](t, ctx, `document.querySelector("#f-username").value`); v != "olga" {
		t.Errorf("refused setup form lost the username: %q", v)
	}
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")

	// A token for the API, made by the CLI beside the running server.
	token := ownerToken(t, path, "browser-test")
	s.api(t, token, "POST", "/api/v1/locations", `{"code":"WH","kind":"site"}`, 201)
	s.api(t, token, "POST", "/api/v1/locations", `{"code":"A-01","kind":"bin","parent":"WH"}`, 201)
	s.api(t, token, "POST", "/api/v1/products", `{"name":"Ceramic mug","category":"Kitchen","variants":[
		{"sku":"MUG-BLU","gtin":"4006381333931","unit_weight_mg":350000,"unit_cost_minor":290,
		 "packagings":[{"name":"case of 12","qty":12,"barcode":"CASE-MUG-BLU"}]},{"sku":"MUG-RED"}]}`, 201)
	s.api(t, token, "POST", "/api/v1/movements", `{"kind":"receive","idempotency_key":"b-1",
		"reference":{"type":"purchase_order","id":"PO-1001"},"lines":[{"sku":"MUG-BLU","qty":24,"to":"A-01"}]}`, 201)

	t.Run("CreatePickerInTheUI", func(t *testing.T) {
		step(t, ctx, "users page", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/users"),
			chromedp.WaitVisible(chromedp.CSS("#f-username")),
			discard(chromedp.Evaluate[string](`document.querySelector("#f-role").value = "picker"`)))
		fill(t, ctx, "create picker", map[string]string{"f-username": "pia", "f-password": "picker password"},
			"form[action='/users'] button[type=submit]")
		waitText(t, ctx, ".flash", "Account pia created with role picker")
		shot(t, ctx, "users", 1280)
		shot(t, ctx, "users", 360)
	})

	t.Run("PostWithoutCSRFTokenIsRefused", func(t *testing.T) {
		status := eval[int](t, ctx, `fetch("/users", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
			body: "username=mallory&role=owner&password=mallory+password"}).then(r => r.status)`)
		if status != 403 {
			t.Errorf("POST /users without the token: %d, want 403", status)
		}
		withToken := eval[int](t, ctx, `fetch("/users", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded",
			"X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content},
			body: "username=trent&role=viewer&password=trent+password"}).then(r => r.status)`)
		if withToken != 200 { // fetch follows the 303 to the users page
			t.Errorf("the same post with the token: %d, want 200 after the redirect", withToken)
		}
		step(t, ctx, "reload users", chromedp.Navigate(s.base+"/users"), chromedp.WaitVisible(chromedp.CSS(".cards")))
		text := eval[string](t, ctx, `document.querySelector(".cards").innerText`)
		if strings.Contains(text, "mallory") || !strings.Contains(text, "trent") {
			t.Errorf("accounts after the posts:\n%s\nwant trent and no mallory", text)
		}
	})

	t.Run("SecondTabSeesStockLive", func(t *testing.T) {
		step(t, ctx, "search list", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/search?q=mug"))
		waitText(t, ctx, "main table", "MUG-RED")
		shot(t, ctx, "search", 360)
		step(t, ctx, "search", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/"),
			chromedp.WaitVisible(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "mug-blu\n"))
		waitText(t, ctx, "#total-on-hand", "24")
		tab2, cancel := chromedp.NewContext(ctx)
		defer cancel()
		// The first run on a tab opens it and must have no deadline: a
		// deadline on it closes the tab when it passes.
		if err := chromedp.Do(tab2); err != nil {
			t.Fatal(err)
		}
		step(t, tab2, "second tab", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/variants/MUG-BLU"))
		waitText(t, tab2, "#total-on-hand", "24")
		// The stream is open once htmx has connected; wait for it so the
		// posting below cannot slip in before.
		waitJS(t, tab2, `(() => { const e = document.querySelector("[sse-connect]");
			return !!e && !!e["htmx-internal-data"] && !!e["htmx-internal-data"].sseEventSource &&
				e["htmx-internal-data"].sseEventSource.readyState === 1; })()`, "the variant page's event stream")
		s.api(t, token, "POST", "/api/v1/movements", `{"kind":"ship","idempotency_key":"b-2",
			"reference":{"type":"sales_order","id":"SO-77"},"lines":[{"sku":"MUG-BLU","qty":5,"from":"A-01"}]}`, 201)
		waitText(t, tab2, "#total-on-hand", "19")
		waitText(t, tab2, "#ledger-card li:first-child", "sales order SO-77")
		waitText(t, ctx, "#total-on-hand", "19")
		shot(t, tab2, "variant", 1280)
		shot(t, ctx, "variant", 360)
		step(t, ctx, "location by code", chromedp.Navigate(s.base+"/search?q=wh"))
		waitText(t, ctx, "#children", "A-01")
		waitText(t, ctx, "#total-on-hand", "19")
		shot(t, ctx, "location", 360)
	})

	t.Run("PickerCannotReachUserManagement", func(t *testing.T) {
		step(t, ctx, "sign out", chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.CSS("#f-username")))
		waitText(t, ctx, ".flash", "You are signed out")
		shot(t, ctx, "login", 360)
		// Keyboard alone: type the username, Tab to the password, Enter.
		step(t, ctx, "sign in as pia", chromedp.SendKeys(chromedp.CSS("#f-username"), "pia\tpicker password\r"))
		waitText(t, ctx, ".who", "pia · picker")
		if nav := eval[string](t, ctx, `document.querySelector("nav").innerText`); strings.Contains(nav, "Users") {
			t.Errorf("the picker's navigation offers Users: %q", nav)
		}
		if status := eval[int](t, ctx, `fetch("/users").then(r => r.status)`); status != 403 {
			t.Errorf("GET /users as a picker: %d, want 403", status)
		}
		step(t, ctx, "open /users", chromedp.Navigate(s.base+"/users"))
		waitText(t, ctx, "main", "role picker may not manage accounts")
	})
}

// discard turns an action with a value into a step.
func discard[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}
