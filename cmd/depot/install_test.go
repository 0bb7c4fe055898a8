package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestInstallWritesUnitRulesAndConfig(t *testing.T) {
	root := t.TempDir()
	out, errOut, code := runDepot(t, "", "install", "--root", root, "--bin", depotBin)
	if code != 0 {
		t.Fatalf("install: exit %d\n%s%s", code, out, errOut)
	}
	read := func(p string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	unit := read("etc/systemd/system/depot.service")
	for _, want := range []string{"User=depot\n", "SupplementaryGroups=dialout lp plugdev\n", "Restart=on-failure\n",
		"KillMode=mixed\n", "StateDirectory=depot\n", "ExecStart=" + depotBin + " serve --db ${DEPOT_DB} --addr ${DEPOT_ADDR} --http-addr ${DEPOT_HTTP_ADDR} --tls ${DEPOT_TLS} --replica ${DEPOT_REPLICA}\n"} {
		if !strings.Contains(unit, want) {
			t.Errorf("unit lacks %q:\n%s", want, unit)
		}
	}
	// systemd's own checker accepts the unit.
	if out, err := exec.Command("systemd-analyze", "verify", filepath.Join(root, "etc/systemd/system/depot.service")).CombinedOutput(); err != nil {
		t.Errorf("systemd-analyze verify: %v\n%s (make deps installs systemd)", err, out)
	}
	// systemd-sysusers applied to the root creates the user in its groups.
	if out, err := exec.Command("systemd-sysusers", "--root", root).CombinedOutput(); err != nil {
		t.Fatalf("systemd-sysusers: %v\n%s", err, out)
	}
	group := read("etc/group")
	for _, g := range []string{"dialout", "lp", "plugdev"} {
		if !strings.Contains(group, "\n"+g+":x:") && !strings.HasPrefix(group, g+":x:") || !strings.Contains(group, ":depot\n") {
			t.Errorf("group %s without depot:\n%s", g, group)
		}
	}
	if passwd := read("etc/passwd"); !strings.Contains(passwd, "depot:x:") || !strings.Contains(passwd, ":/var/lib/depot:/usr/sbin/nologin\n") {
		t.Errorf("passwd:\n%s", passwd)
	}
	rules := read("etc/udev/rules.d/70-depot.rules")
	for _, want := range []string{`KERNEL=="lp[0-9]*", GROUP="lp"`, `ATTR{idVendor}=="0922", ATTR{idProduct}=="8003", GROUP="plugdev"`, `ENV{ID_MM_DEVICE_IGNORE}="1"`} {
		if !strings.Contains(rules, want) {
			t.Errorf("udev rules lack %s", want)
		}
	}
	config := read("etc/depot/depot.env")
	for _, want := range []string{"\nDEPOT_DB=/var/lib/depot/depot.db\n", "\nDEPOT_ADDR=:8443\n", "\nDEPOT_HTTP_ADDR=:8080\n", "\nDEPOT_TLS=auto\n", "\nDEPOT_REPLICA=\n"} {
		if !strings.Contains(config, want) {
			t.Errorf("config file lacks %q", want)
		}
	}
	if strings.Count(config, "\n#") < 10 {
		t.Errorf("config file:\n%s", config)
	}
	if fi, err := os.Stat(filepath.Join(root, "etc/depot/credentials")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials file: %v %v, want mode 0600", fi.Mode(), err)
	}

	t.Run("KeepsTheOperatorsConfig", func(t *testing.T) {
		edited := config + "DEPOT_REPLICA=file:///mnt/usb\n"
		os.WriteFile(filepath.Join(root, "etc/depot/depot.env"), []byte(edited), 0o644)
		out, _, code := runDepot(t, "", "install", "--root", root, "--bin", depotBin)
		if code != 0 || !strings.Contains(out, "kept") || read("etc/depot/depot.env") != edited {
			t.Errorf("a second install replaced the edited config: exit %d\n%s", code, out)
		}
	})
	t.Run("BadInputWritesNothing", func(t *testing.T) {
		for _, args := range [][]string{{"--user", "Depot Admin"}, {"--dir", "var/lib/depot"}, {"--bin", "/usr/local/bin/depot $(x)"}} {
			empty := t.TempDir()
			_, errOut, code := runDepot(t, "", append([]string{"install", "--root", empty}, args...)...)
			entries, _ := os.ReadDir(empty)
			if code != 1 || len(entries) != 0 || !strings.Contains(errOut, strings.TrimPrefix(args[0], "--")+":") {
				t.Errorf("%v: exit %d, %d entries written, %q", args, code, len(entries), errOut)
			}
		}
	})
}
