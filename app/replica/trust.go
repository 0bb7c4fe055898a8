package replica

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// CABundleEnv is the variable AWS tools read for extra CA certificates.
// With it set, the AWS SDK refuses the HTTP client Litestream gives it
// ("unable to add custom RootCAs HTTPClient"), so depot loads the bundle into
// the process's trust itself and clears the variable.
const CABundleEnv = "AWS_CA_BUNDLE"

// systemBundles are where Go looks for the system's CA file on Linux, in
// its order.
var systemBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
}

// TrustCABundle adds the PEM certificates in path to the roots this
// process's TLS clients trust, keeping the system's, and unsets
// AWS_CA_BUNDLE. It must run before the process makes its first TLS
// connection (Go reads the system roots once): it writes the system bundle
// and path into one file and points SSL_CERT_FILE at it. The returned
// cleanup removes that file; call it when the process is done.
func TrustCABundle(path string) (cleanup func(), err error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CABundleEnv, err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: %s holds no PEM certificate", CABundleEnv, path)
	}
	var system []byte
	candidates := systemBundles
	if f := os.Getenv("SSL_CERT_FILE"); f != "" {
		candidates = []string{f}
	}
	for _, f := range candidates {
		if system, err = os.ReadFile(f); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read system CA bundle: %w", err)
		}
	}
	out, err := os.CreateTemp("", "depot-ca-*.pem")
	if err != nil {
		return nil, fmt.Errorf("combine CA bundles: %w", err)
	}
	cleanup = func() { os.Remove(out.Name()) }
	_, err = out.Write(append(append(system, '\n'), pem...))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("combine CA bundles: %w", err)
	}
	os.Setenv("SSL_CERT_FILE", out.Name())
	os.Unsetenv(CABundleEnv)
	return cleanup, nil
}

// withoutEnv returns env less the variables named.
func withoutEnv(env []string, names ...string) []string {
	out := env[:0:0]
outer:
	for _, kv := range env {
		for _, n := range names {
			if len(kv) > len(n) && kv[:len(n)+1] == n+"=" {
				continue outer
			}
		}
		out = append(out, kv)
	}
	return out
}
