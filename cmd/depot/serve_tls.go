package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"depot/app/web/tlsca"
)

// tlsSetup is how depot serve does HTTPS.
type tlsSetup struct {
	config      *tls.Config
	caPEM       []byte // nil with an operator's certificate
	fingerprint string
}

// setupTLS reads --tls: "auto" makes (or reuses) a local CA and a server
// certificate for the box's names and addresses in the database's folder;
// "off" serves plain HTTP (nil); "CERT.pem,KEY.pem" uses the operator's.
func setupTLS(mode, dbPath string, log *slog.Logger) (*tlsSetup, error) {
	switch {
	case mode == "off":
		return nil, nil
	case mode == "auto":
		dir := filepath.Dir(dbPath)
		res, err := tlsca.Ensure(dir, tlsca.LocalNames(), time.Now())
		if err != nil {
			return nil, fmt.Errorf("--tls auto: %w", err)
		}
		if res.CreatedCA {
			log.Info("tls: created a local CA", "file", filepath.Join(dir, tlsca.CACertFile))
		}
		if res.RenewedServer {
			log.Info("tls: made a server certificate", "names", strings.Join(res.Leaf.DNSNames, ","),
				"ips", fmt.Sprint(res.Leaf.IPAddresses), "expires", res.Leaf.NotAfter.Format(time.DateOnly))
		}
		cert := res.Certificate
		return &tlsSetup{config: tlsConfig(cert), caPEM: res.CACertPEM, fingerprint: res.Fingerprint()}, nil
	case strings.Contains(mode, ","):
		certFile, keyFile, _ := strings.Cut(mode, ",")
		for _, f := range []string{certFile, keyFile} {
			if _, err := os.Stat(f); err != nil {
				return nil, fmt.Errorf("--tls: %w", err)
			}
		}
		cert, err := tlsca.LoadKeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("--tls: %w", err)
		}
		return &tlsSetup{config: tlsConfig(cert)}, nil
	}
	return nil, fmt.Errorf("--tls: %q is not auto, off or CERT.pem,KEY.pem", mode)
}

func tlsConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
	}
}

// consoleHost is the name printed in the URL on the console: the first
// LAN address, so a phone can type it; localhost when there is none.
func consoleHost() string {
	for _, ip := range tlsca.LocalNames().IPs {
		if v4 := ip.To4(); v4 != nil && !ip.IsLoopback() {
			return v4.String()
		}
	}
	return "localhost"
}
