package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

// The S3 keys of the test server. The secret must appear in no log line,
// no command output and no health answer.
const (
	s3Access = "depot-test-access"
	s3Secret = "depot-test-s3cr3t-Zq9xW2"
)

var (
	vgwOnce sync.Once
	vgwBin  string
	vgwErr  error
)

// versitygw builds the S3 server pinned as a tool in go.mod, once per run.
func versitygw(t testing.TB) string {
	t.Helper()
	vgwOnce.Do(func() {
		vgwBin = filepath.Join(filepath.Dir(depotBin), "versitygw")
		out, err := exec.Command("go", "build", "-o", vgwBin, "github.com/versity/versitygw/cmd/versitygw").CombinedOutput()
		if err != nil {
			vgwErr = fmt.Errorf("build versitygw: %v\n%s", err, out)
		}
	})
	if vgwErr != nil {
		t.Fatal(vgwErr)
	}
	return vgwBin
}

// s3Server is a real S3-compatible server (versitygw's posix backend) on
// 127.0.0.1, which a test may stop and start again on the same port.
type s3Server struct {
	t         testing.TB
	bin, dir  string
	addr      string
	certFiles []string // cert and key, for TLS
	cmd       *exec.Cmd
	scheme    string
}

// startS3 starts a server with one bucket, "depot"; with tlsDir set it
// serves HTTPS with a certificate from a CA it writes to tlsDir/ca.pem.
func startS3(t testing.TB, tlsDir string) *s3Server {
	t.Helper()
	s := &s3Server{t: t, bin: versitygw(t), dir: t.TempDir(), scheme: "http"}
	if err := os.Mkdir(filepath.Join(s.dir, "depot"), 0o755); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	ln.Close()
	if tlsDir != "" {
		s.scheme = "https"
		s.certFiles = writeTestCA(t, tlsDir)
	}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *s3Server) start() {
	s.t.Helper()
	args := []string{"--port", s.addr, "--access", s3Access, "--secret", s3Secret}
	if s.certFiles != nil {
		args = append(args, "--cert", s.certFiles[0], "--key", s.certFiles[1])
	}
	s.cmd = exec.Command(s.bin, append(args, "posix", s.dir)...)
	s.cmd.Stdout, s.cmd.Stderr = io.Discard, io.Discard
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", s.addr)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("versitygw did not listen on %s", s.addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *s3Server) stop() {
	if s.cmd != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// url is the replica URL of path in the bucket.
func (s *s3Server) url(path string) string {
	return fmt.Sprintf("s3://depot/%s?endpoint=%s://%s&region=us-east-1&force-path-style=true", path, s.scheme, s.addr)
}

// writeTestCA writes ca.pem and a certificate for 127.0.0.1 signed by it;
// it returns the certificate's and key's files.
func writeTestCA(t testing.TB, dir string) []string {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "depot test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	caCert, _ := x509.ParseCertificate(caDER)
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	files := map[string][]byte{
		"ca.pem":   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		"cert.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}),
		"key.pem":  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return []string{filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")}
}

// syncBuffer collects a process's output for later checks.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// replicaServer is a running depot serve --replica.
type replicaServer struct {
	cmd  *exec.Cmd
	base string
	logs *syncBuffer
	// closed is closed when stderr is closed by the server and its
	// replicator (which shares it): both have exited.
	closed chan struct{}
}

// replicaEnv is the environment with the test server's keys.
func replicaEnv(extra ...string) []string {
	env := append(os.Environ(), "AWS_ACCESS_KEY_ID="+s3Access, "AWS_SECRET_ACCESS_KEY="+s3Secret)
	return append(env, extra...)
}

func serveReplica(t testing.TB, path, replicaURL string, env []string, extra ...string) *replicaServer {
	t.Helper()
	args := append([]string{"serve", "--db", path, "--addr", "127.0.0.1:0", "--tls", "off", "--replica", replicaURL}, extra...)
	cmd := exec.Command(depotBin, args...)
	cmd.Env = env
	// A pipe of our own rather than StderrPipe, which Wait closes: the
	// replicator shares it and may log after the server has exited.
	stderr, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	s := &replicaServer{cmd: cmd, logs: &syncBuffer{}, closed: make(chan struct{})}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		select {
		case <-s.closed:
		case <-time.After(60 * time.Second):
		}
	})
	addrRe := regexp.MustCompile(`addr=(http://[0-9.:]+)`)
	found := make(chan string, 1)
	go func() {
		defer close(s.closed)
		defer stderr.Close()
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(s.logs, sc.Text())
			if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case s.base = <-found:
	case <-time.After(20 * time.Second):
		t.Fatalf("depot serve did not report its address:\n%s", s.logs)
	}
	return s
}

// stop sends SIGTERM and waits for the server and its replicator to exit.
func (s *replicaServer) stop(t testing.TB) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
	s.waitClosed(t)
}

func (s *replicaServer) waitClosed(t testing.TB) {
	t.Helper()
	select {
	case <-s.closed:
	case <-time.After(90 * time.Second):
		t.Fatalf("the replicator did not exit:\n%s", s.logs)
	}
}

func (s *replicaServer) health(t testing.TB, token string) (app.ReplicationStatus, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.base+"/api/v1/replication", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("health: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var st app.ReplicationStatus
	if resp.StatusCode != 200 || json.Unmarshal(body, &st) != nil {
		t.Fatalf("health: %d %s", resp.StatusCode, body)
	}
	return st, string(body)
}

// waitCaughtUp polls the health until everything written is replicated.
func (s *replicaServer) waitCaughtUp(t testing.TB, token string) app.ReplicationStatus {
	t.Helper()
	return s.waitLag(t, token, 0)
}

// waitLag polls the health until the replicator has uploaded all it has
// read from the WAL and the lag is at most maxLag seconds: under steady
// writes the lag is never 0, only less than a sync interval or two.
func (s *replicaServer) waitLag(t testing.TB, token string, maxLag float64) app.ReplicationStatus {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		st, _ := s.health(t, token)
		if st.State == app.ReplicationOK && st.LocalTXID > 0 && st.ReplicatedTXID == st.LocalTXID && st.LagSeconds <= maxLag {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("replication did not catch up: %+v\n%s", st, s.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// replicaFixture is a database with a manager (whose token can post and
// read the health), three SKUs and four bins.
func replicaFixture(t testing.TB) (path, token string) {
	t.Helper()
	ctx := context.Background()
	sqlite.BcryptCost = 4
	path = filepath.Join(t.TempDir(), "depot.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddUser(ctx, "mgr", app.Manager, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	if token, err = db.CreateToken(ctx, "mgr", "replica-test"); err != nil {
		t.Fatal(err)
	}
	for _, sku := range skus {
		if _, err := db.CreateProduct(ctx, app.NewProduct{Name: sku, Variants: []app.NewVariant{{SKU: sku}}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, bin := range bins {
		if _, err := db.CreateLocation(ctx, app.NewLocation{Code: bin, Kind: app.KindBin}); err != nil {
			t.Fatal(err)
		}
	}
	return path, token
}

var (
	skus = []string{"W-1", "W-2", "W-3"}
	bins = []string{"A-01", "A-02", "B-01", "B-02"}
)

// acker posts receipts to a server and remembers which were answered 2xx.
type acker struct {
	base, token, prefix string
	seq                 atomic.Int64
	acked               sync.Map
	nAcked              atomic.Int64
	client              *http.Client
}

func newAcker(base, token, prefix string) *acker {
	return &acker{base: base, token: token, prefix: prefix, client: &http.Client{Timeout: 10 * time.Second}}
}

// post sends one receipt; it reports whether it was answered 2xx.
func (p *acker) post() bool {
	i := p.seq.Add(1)
	key := fmt.Sprintf("%s-%d", p.prefix, i)
	body := fmt.Sprintf(`{"kind":"receive","idempotency_key":%q,"lines":[{"sku":%q,"qty":%d,"to":%q}]}`,
		key, skus[i%3], 1+i%5, bins[(i/3)%4])
	req, _ := http.NewRequest("POST", p.base+"/api/v1/movements", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return false
	}
	p.acked.Store(key, true)
	p.nAcked.Add(1)
	return true
}

// postN posts n receipts over the given number of clients; all must succeed.
func (p *acker) postN(t *testing.T, n, clients int) {
	t.Helper()
	var wg sync.WaitGroup
	var failed atomic.Int64
	var next atomic.Int64
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if !p.post() {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d postings failed", failed.Load(), n)
	}
}

// stream posts until stop is closed, pausing between postings.
func (p *acker) stream(stop <-chan struct{}, clients int, pause time.Duration) *sync.WaitGroup {
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				p.post()
				time.Sleep(pause)
			}
		}()
	}
	return &wg
}

// missing returns the acknowledged keys that are not in the database.
func (p *acker) missing(t *testing.T, path string) []string {
	t.Helper()
	stored := keysIn(t, path)
	var out []string
	p.acked.Range(func(k, _ any) bool {
		if !stored[k.(string)] {
			out = append(out, k.(string))
		}
		return true
	})
	return out
}

func keysIn(t *testing.T, path string) map[string]bool {
	t.Helper()
	rows, err := mustOpenRaw(t, path).Query(`SELECT idempotency_key FROM movements`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored := map[string]bool{}
	for rows.Next() {
		var k string
		rows.Scan(&k)
		stored[k] = true
	}
	return stored
}

// levels lists every inventory level of a database, one line each.
func levels(t *testing.T, path string) string {
	t.Helper()
	rows, err := mustOpenRaw(t, path).Query(`SELECT v.sku, l.code, ifnull(lv.lot_id, 0), lv.on_hand, lv.reserved
		FROM inventory_levels lv JOIN variants v ON v.id = lv.variant_id JOIN locations l ON l.id = lv.location_id
		ORDER BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var sku, loc string
		var lot, onHand, reserved int64
		if err := rows.Scan(&sku, &loc, &lot, &onHand, &reserved); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s lot %d: %d on hand, %d reserved\n", sku, loc, lot, onHand, reserved)
	}
	return b.String()
}

func movementCount(t *testing.T, path string) int64 {
	t.Helper()
	var n int64
	if err := mustOpenRaw(t, path).QueryRow(`SELECT count(*) FROM movements`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// noSecrets fails the test when any text shows the S3 secret.
func noSecrets(t *testing.T, where string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, s3Secret) {
			t.Errorf("%s shows the S3 secret", where)
		}
	}
}

// runDepotEnv is runDepot with an environment.
func runDepotEnv(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(depotBin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}
