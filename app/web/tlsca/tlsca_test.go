package tlsca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func lan(ips ...string) Names {
	n := Names{DNS: []string{"depot-box", "depot-box.local", "localhost"}}
	for _, s := range ips {
		n.IPs = append(n.IPs, net.ParseIP(s))
	}
	return n
}

func mustEnsure(t *testing.T, dir string, n Names, now time.Time) *Result {
	t.Helper()
	r, err := Ensure(dir, n, now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestEnsureCreatesVerifiableChain(t *testing.T) {
	dir := t.TempDir()
	r := mustEnsure(t, dir, lan("192.168.1.20", "127.0.0.1"), t0)
	if !r.CreatedCA || !r.RenewedServer {
		t.Fatalf("first start: CreatedCA=%v RenewedServer=%v, want both", r.CreatedCA, r.RenewedServer)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(r.CACertPEM) {
		t.Fatal("CA PEM does not parse")
	}
	for _, name := range []string{"depot-box.local", "192.168.1.20", "localhost"} {
		if _, err := r.Leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: name, CurrentTime: t0}); err != nil {
			t.Errorf("server certificate for %s: %v", name, err)
		}
	}
	if _, err := r.Leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "10.0.0.9", CurrentTime: t0}); err == nil {
		t.Error("certificate verifies for an address it was not made for")
	}
	pub, ok := r.Leaf.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		t.Errorf("server key is %T, want ECDSA P-256", r.Leaf.PublicKey)
	}
	ca, _, err := loadPair(filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := ca.NotAfter.Sub(t0); got < CAValidity-2*time.Hour || got > CAValidity {
		t.Errorf("CA valid for %v, want about %v", got, CAValidity)
	}
	if !ca.IsCA || !ca.MaxPathLenZero {
		t.Error("CA certificate lacks CA basic constraints")
	}
	for _, f := range []string{CAKeyFile, ServerKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
	if fp := r.Fingerprint(); len(fp) != 32*3-1 {
		t.Errorf("fingerprint %q is not 32 colon-separated bytes", fp)
	}
}

func TestEnsureReusesAndRenews(t *testing.T) {
	tests := []struct {
		name       string
		second     Names
		at         time.Time
		wantRenew  bool
		wantSameCA bool
	}{
		{"SameNames", lan("192.168.1.20"), t0.Add(24 * time.Hour), false, true},
		{"SameNamesOtherOrder", Names{DNS: []string{"LOCALHOST", "depot-box.local", "depot-box"}, IPs: []net.IP{net.ParseIP("::ffff:192.168.1.20")}}, t0, false, true},
		{"NewAddress", lan("192.168.1.20", "10.0.0.7"), t0, true, true},
		{"AddressGone", lan(), t0, true, true},
		{"NearExpiry", lan("192.168.1.20"), t0.Add(ServerValidity - RenewBefore + time.Hour), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			first := mustEnsure(t, dir, lan("192.168.1.20"), t0)
			second := mustEnsure(t, dir, tt.second, tt.at)
			if second.CreatedCA {
				t.Error("second start made a new CA: installed phones would lose trust")
			}
			if !bytes.Equal(first.CACertPEM, second.CACertPEM) {
				t.Error("CA changed between starts")
			}
			if second.RenewedServer != tt.wantRenew {
				t.Errorf("RenewedServer = %v, want %v", second.RenewedServer, tt.wantRenew)
			}
			same := first.Leaf.SerialNumber.Cmp(second.Leaf.SerialNumber) == 0
			if same == tt.wantRenew {
				t.Errorf("server serial same=%v, want renewal=%v", same, tt.wantRenew)
			}
			if tt.wantRenew && !tt.second.normalized().match(second.Leaf) {
				t.Errorf("renewed certificate names %v %v, want %v", second.Leaf.DNSNames, second.Leaf.IPAddresses, tt.second)
			}
		})
	}
}

func TestEnsureRefusesBrokenFiles(t *testing.T) {
	t.Run("GarbageCA", func(t *testing.T) {
		dir := t.TempDir()
		mustEnsure(t, dir, lan("127.0.0.1"), t0)
		os.WriteFile(filepath.Join(dir, CACertFile), []byte("not a certificate"), 0o644)
		if _, err := Ensure(dir, lan("127.0.0.1"), t0); err == nil || !bytes.Contains([]byte(err.Error()), []byte(CACertFile)) {
			t.Errorf("err = %v, want one naming %s", err, CACertFile)
		}
	})
	t.Run("KeyOfAnotherCertificate", func(t *testing.T) {
		dir, other := t.TempDir(), t.TempDir()
		mustEnsure(t, dir, lan("127.0.0.1"), t0)
		mustEnsure(t, other, lan("127.0.0.1"), t0)
		b, _ := os.ReadFile(filepath.Join(other, ServerKeyFile))
		os.WriteFile(filepath.Join(dir, ServerKeyFile), b, 0o600)
		if _, err := Ensure(dir, lan("127.0.0.1"), t0); err == nil || !bytes.Contains([]byte(err.Error()), []byte("does not belong")) {
			t.Errorf("err = %v, want a key mismatch", err)
		}
	})
	t.Run("NoNames", func(t *testing.T) {
		if _, err := Ensure(t.TempDir(), Names{}, t0); err == nil {
			t.Error("made a certificate for no names")
		}
	})
}

func TestLocalNamesIncludesLoopback(t *testing.T) {
	n := LocalNames().normalized()
	found := false
	for _, ip := range n.IPs {
		found = found || ip.Equal(net.IPv4(127, 0, 0, 1))
	}
	if !found || len(n.DNS) == 0 || n.DNS[0] == "" {
		t.Errorf("LocalNames = %+v, want localhost and 127.0.0.1", n)
	}
}
