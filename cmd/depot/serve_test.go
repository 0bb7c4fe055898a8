package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"depot/app/web/tlsca"
)

func TestServeRefusesBadTLSFlags(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "depot.db")
	other := t.TempDir()
	if _, err := tlsca.Ensure(other, tlsca.Names{DNS: []string{"localhost"}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, tls, want string
	}{
		{"UnknownMode", "maybe", `--tls: "maybe" is not auto, off or CERT.pem,KEY.pem`},
		{"MissingCert", filepath.Join(dir, "no.pem") + "," + filepath.Join(dir, "no.key"), "no.pem: no such file"},
		{"KeyOfAnotherCert", filepath.Join(other, tlsca.ServerCertFile) + "," + filepath.Join(other, tlsca.CAKeyFile), "private key does not match public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runDepot(t, "", "serve", "--db", db, "--addr", "127.0.0.1:0", "--http-addr", "", "--tls", tt.tls)
			if code != 1 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errOut, tt.want)
			}
			if _, err := os.Stat(db); err == nil {
				t.Error("a refused start created the database")
			}
		})
	}
}
