package replica

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"depot/app"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name, raw       string
		scheme, bucket  string
		path, wantError string
	}{
		{"S3", "s3://bkt/site/depot?endpoint=http://127.0.0.1:9000&region=eu-1&force-path-style=true", "s3", "bkt", "site/depot", ""},
		{"S3NoPath", "s3://bkt", "s3", "bkt", "", ""},
		{"File", "file:///mnt/usb/depot", "file", "", "/mnt/usb/depot", ""},
		{"FileRelative", "file://mnt/usb", "", "", "", `file URL has host "mnt"`},
		{"Empty", "", "", "", "", "no replica URL given"},
		{"NoScheme", "/var/backups", "", "", "", "has no scheme"},
		{"Scheme", "gs://bkt/x", "", "", "", `scheme "gs" is not supported`},
		{"NoBucket", "s3:///path", "", "", "", "no bucket"},
		{"UserInfo", "s3://AKIA:hunter2hunter2@bkt/x", "", "", "", "credentials do not belong in the URL"},
		{"Typo", "s3://bkt/x?endpiont=http://h:1", "", "", "", `unknown s3 parameter "endpiont"`},
		{"Endpoint", "s3://bkt/x?endpoint=127.0.0.1:9000", "", "", "", "is not an http:// or https:// URL"},
		{"PathStyle", "s3://bkt/x?force-path-style=yes", "", "", "", "force-path-style must be true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseURL(tt.raw)
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) || app.ErrorField(err) != "replica" {
					t.Fatalf("ParseURL(%q) = %v, want an error on field replica containing %q", tt.raw, err, tt.wantError)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error repeats the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Scheme != tt.scheme || got.Bucket != tt.bucket || got.Path != tt.path {
				t.Errorf("ParseURL(%q) = %+v, want %s %q %q", tt.raw, got, tt.scheme, tt.bucket, tt.path)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"s3://bkt/x?endpoint=http://127.0.0.1:9000&region=us-east-1", "s3://bkt/x?endpoint=http://127.0.0.1:9000&region=us-east-1"},
		{"s3://AKIA:hunter2hunter2@bkt/x", "s3://bkt/x"},
		{"s3://bkt/x?sse-customer-key=c2VjcmV0c2VjcmV0&sse-customer-algorithm=AES256", "s3://bkt/x?sse-customer-algorithm=AES256&sse-customer-key=REDACTED"},
		{"file:///mnt/usb", "file:///mnt/usb"},
		{"s3://bkt/%zz", "(unparsable URL)"},
	}
	for _, tt := range tests {
		if got := Redact(tt.raw); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestLoadCredentials(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, text, wantID, wantSecret, wantError string
	}{
		{"EnvFile", "# depot\nAWS_ACCESS_KEY_ID=AKIA1\nexport AWS_SECRET_ACCESS_KEY=\"s3cr3t-value\"\n", "AKIA1", "s3cr3t-value", ""},
		{"AWSINI", "[default]\naws_access_key_id = AKIA2\naws_secret_access_key = other-s3cr3t\n; note\n", "AKIA2", "other-s3cr3t", ""},
		{"MissingSecret", "AWS_ACCESS_KEY_ID=AKIA3\n", "", "", "needs both"},
		{"NotKeyValue", "AWS_ACCESS_KEY_ID AKIA3 s3cr3t-in-line\n", "", "", "line 1: not KEY=VALUE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadCredentials(write(tt.name, tt.text))
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("err %v, want %q", err, tt.wantError)
				}
				if strings.Contains(err.Error(), "s3cr3t") {
					t.Errorf("error shows the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.AccessKeyID != tt.wantID || c.SecretAccessKey != tt.wantSecret {
				t.Errorf("got %q %q, want %q %q", c.AccessKeyID, c.SecretAccessKey, tt.wantID, tt.wantSecret)
			}
			if strings.Contains(c.String(), tt.wantSecret) {
				t.Errorf("String() shows the secret: %s", c)
			}
		})
	}
	if _, err := LoadCredentials(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file loads")
	}
}

func TestTrustCABundleRefusesNonPEM(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(p, []byte("not a certificate"), 0o600)
	if _, err := TrustCABundle(p); err == nil || !strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("err %v, want no PEM certificate", err)
	}
	if _, err := TrustCABundle(p + ".missing"); err == nil || !strings.Contains(err.Error(), CABundleEnv) {
		t.Errorf("err %v, want one naming %s", err, CABundleEnv)
	}
}

func TestWithoutEnv(t *testing.T) {
	got := withoutEnv([]string{"AWS_CA_BUNDLE=/x", "AWS_CA_BUNDLE_X=1", "HOME=/root", "AWS_CA_BUNDLE="}, CABundleEnv)
	want := []string{"AWS_CA_BUNDLE_X=1", "HOME=/root"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %v, want %v", got, want)
	}
}
