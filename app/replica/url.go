// Package replica is depot's off-site replication: Litestream's library
// run in its own process (Replicate), the supervisor that keeps that process
// running beside depot serve (Supervisor), and restores from a replica
// (Restore). Litestream brings its own SQLite (modernc); it never runs in a
// process that writes the database through mattn/go-sqlite3.
package replica

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	"github.com/benbjohnson/litestream/s3"

	"depot/app"
)

// Target is a parsed replica URL: s3://bucket/path?endpoint=...&region=...
// or file:///absolute/path.
type Target struct {
	raw    string
	Scheme string // "s3" or "file"
	Bucket string // s3 only
	Path   string // the key prefix (s3) or the directory (file)
}

// s3Params are the query parameters an s3 replica URL may carry (those
// Litestream reads). A misspelt one is refused rather than ignored.
var s3Params = map[string]bool{
	"endpoint": true, "region": true, "force-path-style": true, "forcePathStyle": true,
	"skip-verify": true, "skipVerify": true, "sign-payload": true, "signPayload": true,
	"require-content-md5": true, "requireContentMD5": true, "concurrency": true,
	"part-size": true, "partSize": true, "storage-class": true, "storageClass": true,
	"sse-customer-algorithm": true, "sseCustomerAlgorithm": true,
	"sse-customer-key": true, "sseCustomerKey": true,
	"sse-customer-key-md5": true, "sseCustomerKeyMD5": true,
	"sse-kms-key-id": true, "sseKmsKeyId": true,
}

// ParseURL checks a replica URL. Errors name the field "replica" and say
// what is wrong; they never repeat a credential.
func ParseURL(raw string) (Target, error) {
	bad := func(format string, args ...any) (Target, error) {
		return Target{}, app.FieldErrorf("replica", format, args...)
	}
	if raw == "" {
		return bad("no replica URL given: use s3://bucket/path?endpoint=... or file:///path")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("not a URL: use s3://bucket/path?endpoint=... or file:///path")
	}
	if u.User != nil {
		return bad("credentials do not belong in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or use a credentials file")
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return bad("file URL has host %q: use file:///absolute/path", u.Host)
		}
		if !filepath.IsAbs(u.Path) || u.RawQuery != "" {
			return bad("use file:///absolute/path (an absolute directory, no query)")
		}
		return Target{raw: raw, Scheme: "file", Path: filepath.Clean(u.Path)}, nil
	case "s3":
		if u.Host == "" {
			return bad("s3 URL has no bucket: use s3://bucket/path")
		}
		q := u.Query()
		for k := range q {
			if !s3Params[k] {
				return bad("unknown s3 parameter %q: use endpoint, region, force-path-style and the others Litestream documents", k)
			}
		}
		if ep := q.Get("endpoint"); ep != "" {
			eu, err := url.Parse(ep)
			if err != nil || (eu.Scheme != "http" && eu.Scheme != "https") || eu.Host == "" {
				return bad("endpoint %q is not an http:// or https:// URL", redactEndpoint(ep))
			}
			if eu.User != nil {
				return bad("credentials do not belong in the endpoint")
			}
		}
		for _, k := range []string{"force-path-style", "forcePathStyle", "skip-verify", "skipVerify"} {
			if v := q.Get(k); v != "" && v != "true" && v != "false" {
				return bad("%s must be true or false, not %q", k, v)
			}
		}
		return Target{raw: raw, Scheme: "s3", Bucket: u.Host, Path: strings.Trim(u.Path, "/")}, nil
	case "":
		return bad("%q has no scheme: use s3://bucket/path?endpoint=... or file:///path", Redact(raw))
	default:
		return bad("scheme %q is not supported: use s3:// or file://", u.Scheme)
	}
}

// String is the URL with secrets removed, safe for logs and the UI.
func (t Target) String() string { return Redact(t.raw) }

// Redact returns a URL with any user info and the values of query
// parameters that hold keys removed. Text that is not a URL comes back as
// "(unparsable URL)", since it might be anything.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	q := u.Query()
	redacted := false
	for k := range q {
		if secretParam(k) {
			q.Set(k, "REDACTED")
			redacted = true
		}
	}
	if redacted {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func redactEndpoint(ep string) string {
	if u, err := url.Parse(ep); err == nil {
		u.User = nil
		return u.String()
	}
	return "(unparsable)"
}

func secretParam(k string) bool {
	k = strings.ToLower(k)
	if strings.Contains(k, "md5") || strings.Contains(k, "algorithm") {
		return false
	}
	for _, s := range []string{"key", "secret", "token", "password", "signature", "credential"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// Credentials are the keys of an S3 replica.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

// String never shows the secret.
func (c Credentials) String() string { return "credentials(" + c.AccessKeyID + ", secret hidden)" }

// LoadCredentials reads a credentials file: lines of KEY=VALUE in the form
// systemd's EnvironmentFile takes (AWS_ACCESS_KEY_ID=..., AWS_SECRET_ACCESS_KEY=...)
// or the AWS shared credentials form (aws_access_key_id = ...). Comments
// (#, ;) and [section] lines are skipped. Errors name the file and line,
// never a value.
func LoadCredentials(path string) (Credentials, error) {
	f, err := os.Open(path)
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials file: %w", err)
	}
	defer f.Close()
	var c Credentials
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			return Credentials{}, fmt.Errorf("credentials file %s line %d: not KEY=VALUE", path, n)
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "aws_access_key_id":
			c.AccessKeyID = v
		case "aws_secret_access_key":
			c.SecretAccessKey = v
		}
	}
	if err := sc.Err(); err != nil {
		return Credentials{}, fmt.Errorf("credentials file %s: %w", path, err)
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return Credentials{}, fmt.Errorf("credentials file %s: needs both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", path)
	}
	return c, nil
}

// newClient returns Litestream's client for t. Credentials, when given,
// override those of the environment (which Litestream reads itself).
func newClient(t Target, creds *Credentials) (litestream.ReplicaClient, error) {
	switch t.Scheme {
	case "file":
		return file.NewReplicaClient(t.Path), nil
	case "s3":
		c, err := litestream.NewReplicaClientFromURL(t.raw)
		if err != nil {
			return nil, app.FieldErrorf("replica", "%v", err)
		}
		sc := c.(*s3.ReplicaClient)
		if creds != nil {
			sc.AccessKeyID, sc.SecretAccessKey = creds.AccessKeyID, creds.SecretAccessKey
		}
		return sc, nil
	}
	return nil, app.FieldErrorf("replica", "scheme %q is not supported", t.Scheme)
}
