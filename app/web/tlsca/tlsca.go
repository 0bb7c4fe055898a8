// Package tlsca gives depot HTTPS on a LAN without a public name: a local
// certificate authority made on first start, and a server certificate it
// signs for the box's host names and IP addresses. Phones install the CA once
// (served on the plain-HTTP port as /ca.crt); after that every server
// certificate the box makes is trusted, which gives browsers the secure
// context the camera needs.
//
// Keys are ECDSA P-256. The CA is valid ten years; a server certificate
// 397 days (browsers refuse longer ones) and is made again when the names or
// addresses change or when it is within 30 days of expiry.
package tlsca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// File names inside the directory given to Ensure.
const (
	CACertFile     = "depot-ca.crt"
	CAKeyFile      = "depot-ca.key"
	ServerCertFile = "depot-server.crt"
	ServerKeyFile  = "depot-server.key"
)

// Lifetimes.
const (
	CAValidity     = 10 * 365 * 24 * time.Hour
	ServerValidity = 397 * 24 * time.Hour
	RenewBefore    = 30 * 24 * time.Hour
)

// Names are what a server certificate is made for.
type Names struct {
	DNS []string
	IPs []net.IP
}

// Result is what Ensure found or made.
type Result struct {
	Dir         string
	CACertPEM   []byte
	Certificate tls.Certificate
	Leaf        *x509.Certificate
	// CreatedCA and RenewedServer say what this call wrote.
	CreatedCA, RenewedServer bool
}

// Fingerprint returns the SHA-256 of the CA certificate as colon-separated
// hex, the form phones show when installing it.
func (r *Result) Fingerprint() string {
	block, _ := pem.Decode(r.CACertPEM)
	if block == nil {
		return ""
	}
	sum := sha256.Sum256(block.Bytes)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// Ensure loads the CA and server certificate from dir, making whatever is
// missing, and makes a new server certificate when its names differ from n
// or it expires within RenewBefore of now. Keys are written with mode 0600.
// Errors name the file at fault.
func Ensure(dir string, n Names, now time.Time) (*Result, error) {
	n = n.normalized()
	if len(n.DNS) == 0 && len(n.IPs) == 0 {
		return nil, errors.New("tls: no host names or addresses to make a certificate for")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	res := &Result{Dir: dir}
	caCert, caKey, err := loadPair(filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile))
	if errors.Is(err, os.ErrNotExist) {
		caCert, caKey, err = makeCA(now)
		if err == nil {
			err = writePair(dir, CACertFile, CAKeyFile, caCert, caKey)
		}
		res.CreatedCA = true
	}
	if err != nil {
		return nil, err
	}
	res.CACertPEM = pemCert(caCert)
	leaf, key, err := loadPair(filepath.Join(dir, ServerCertFile), filepath.Join(dir, ServerKeyFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err != nil || res.CreatedCA || !n.match(leaf) || now.Add(RenewBefore).After(leaf.NotAfter) ||
		leaf.CheckSignatureFrom(caCert) != nil {
		leaf, key, err = makeServer(caCert, caKey, n, now)
		if err != nil {
			return nil, err
		}
		if err := writePair(dir, ServerCertFile, ServerKeyFile, leaf, key); err != nil {
			return nil, err
		}
		res.RenewedServer = true
	}
	res.Leaf = leaf
	res.Certificate = tls.Certificate{Certificate: [][]byte{leaf.Raw, caCert.Raw}, PrivateKey: key, Leaf: leaf}
	return res, nil
}

// LocalNames returns the box's host name (and name.local, which mDNS
// resolves on most LANs), localhost, and the addresses of its up interfaces.
func LocalNames() Names {
	n := Names{DNS: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}}
	if h, err := os.Hostname(); err == nil && h != "" {
		h = strings.ToLower(h)
		n.DNS = append(n.DNS, h)
		if !strings.Contains(h, ".") {
			n.DNS = append(n.DNS, h+".local")
		}
	}
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLinkLocalUnicast() {
				n.IPs = append(n.IPs, ipn.IP)
			}
		}
	}
	return n
}

// normalized returns n sorted, lower-cased and without duplicates, IPv4
// addresses in their 4-byte form, so that two equal sets compare equal.
func (n Names) normalized() Names {
	var out Names
	for _, d := range n.DNS {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			out.DNS = append(out.DNS, d)
		}
	}
	slices.Sort(out.DNS)
	out.DNS = slices.Compact(out.DNS)
	for _, ip := range n.IPs {
		if v4 := ip.To4(); v4 != nil {
			ip = v4
		}
		if ip != nil {
			out.IPs = append(out.IPs, ip)
		}
	}
	slices.SortFunc(out.IPs, func(a, b net.IP) int { return bytes.Compare(a, b) })
	out.IPs = slices.CompactFunc(out.IPs, func(a, b net.IP) bool { return a.Equal(b) })
	return out
}

// match reports whether the certificate names exactly n (normalized).
func (n Names) match(c *x509.Certificate) bool {
	have := Names{DNS: c.DNSNames, IPs: c.IPAddresses}.normalized()
	return slices.Equal(have.DNS, n.DNS) && slices.EqualFunc(have.IPs, n.IPs, func(a, b net.IP) bool { return a.Equal(b) })
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func makeCA(now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: "depot local CA " + host, Organization: []string{"depot"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(CAValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("tls: make CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func makeServer(ca *x509.Certificate, caKey *ecdsa.PrivateKey, n Names, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	cn := "depot"
	if len(n.DNS) > 0 {
		cn = n.DNS[0]
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"depot"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(ServerValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     n.DNS,
		IPAddresses:  n.IPs,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("tls: make server certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// loadPair reads a certificate and its ECDSA key. A missing file gives an
// error wrapping os.ErrNotExist.
func loadPair(certPath, keyPath string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	cb, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, fmt.Errorf("tls: %w", err)
	}
	kb, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, fmt.Errorf("tls: %w", err)
	}
	block, _ := pem.Decode(cb)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, nil, fmt.Errorf("tls: %s: no PEM certificate", certPath)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("tls: %s: %w", certPath, err)
	}
	kblock, _ := pem.Decode(kb)
	if kblock == nil {
		return nil, nil, fmt.Errorf("tls: %s: no PEM key", keyPath)
	}
	key, err := x509.ParseECPrivateKey(kblock.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("tls: %s: %w", keyPath, err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, fmt.Errorf("tls: %s does not belong to %s", keyPath, certPath)
	}
	return cert, key, nil
}

// writePair writes the certificate and key, each through a temporary file
// and a rename so that a crash never leaves half a file.
func writePair(dir, certName, keyName string, cert *x509.Certificate, key *ecdsa.PrivateKey) error {
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, keyName), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, certName), pemCert(cert), 0o644)
}

func writeFile(path string, b []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	if _, err := f.Write(b); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("tls: write %s: %w", path, err)
	}
	return nil
}

// LoadKeyPair loads a certificate and key given by the operator (--tls
// CERT.pem,KEY.pem), naming the file at fault.
func LoadKeyPair(certPath, keyPath string) (tls.Certificate, error) {
	c, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return c, fmt.Errorf("tls: load %s and %s: %w", certPath, keyPath, err)
	}
	return c, nil
}
