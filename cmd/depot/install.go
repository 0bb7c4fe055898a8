package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
)

func init() {
	commands["install"] = command{"write the systemd unit, udev rules and config file for running on the box", runInstall}
}

// installFile is one file depot install writes, relative to --root.
type installFile struct {
	path string
	mode fs.FileMode
	tmpl *template.Template
	// keep: an existing file is the operator's (config, credentials) and
	// is left alone; the others are depot's and are replaced.
	keep bool
}

type installConfig struct {
	User, Bin, Dir, Addr, HTTPAddr string
}

var installFiles = []installFile{
	{"etc/systemd/system/depot.service", 0o644, template.Must(template.New("unit").Parse(unitTemplate)), false},
	{"etc/sysusers.d/depot.conf", 0o644, template.Must(template.New("sysusers").Parse(sysusersTemplate)), false},
	{"etc/udev/rules.d/70-depot.rules", 0o644, template.Must(template.New("udev").Parse(udevTemplate)), false},
	{"etc/depot/depot.env", 0o644, template.Must(template.New("config").Parse(configTemplate)), true},
	{"etc/depot/credentials", 0o600, template.Must(template.New("credentials").Parse(credentialsTemplate)), true},
}

var userRe = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)

func runInstall(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "install")
	root := fs.String("root", "/", "write below this `directory` (for packaging and tests)")
	user := fs.String("user", "depot", "the system `user` depot runs as")
	bin := fs.String("bin", "/usr/local/bin/depot", "where the depot `binary` is installed")
	dir := fs.String("dir", "/var/lib/depot", "the `directory` for the database")
	addr := fs.String("addr", ":8443", "`host:port` depot serves HTTPS on")
	httpAddr := fs.String("http-addr", ":8080", "`host:port` of plain HTTP: the CA download and a redirect to HTTPS")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	c := installConfig{User: *user, Bin: *bin, Dir: *dir, Addr: *addr, HTTPAddr: *httpAddr}
	if err := c.check(); err != nil {
		return fail(e, "install", err)
	}
	// Render everything first, so that a failure writes nothing.
	rendered := make([][]byte, len(installFiles))
	for i, f := range installFiles {
		var b bytes.Buffer
		if err := f.tmpl.Execute(&b, c); err != nil {
			return fail(e, "install", err)
		}
		rendered[i] = b.Bytes()
	}
	for i, f := range installFiles {
		p := filepath.Join(*root, f.path)
		if f.keep {
			if _, err := os.Stat(p); err == nil {
				fmt.Fprintf(e.stdout, "kept      %s (yours; not replaced)\n", p)
				continue
			}
		}
		if err := writeFileAtomic(p, rendered[i], f.mode); err != nil {
			return fail(e, "install", err)
		}
		fmt.Fprintf(e.stdout, "wrote     %s\n", p)
	}
	fmt.Fprintf(e.stdout, `
Next, as root:
  systemd-sysusers                     # creates user %[1]s in dialout, lp and plugdev
  udevadm control --reload && udevadm trigger
  $EDITOR /etc/depot/depot.env         # the replica URL; /etc/depot/credentials for its keys
  systemctl daemon-reload && systemctl enable --now depot
  journalctl -u depot -f
`, c.User)
	return 0
}

// StateDir is Dir relative to /var/lib, for systemd to create and own;
// "" when Dir is elsewhere (then it must exist, writable by User).
func (c installConfig) StateDir() string {
	if rel, ok := strings.CutPrefix(c.Dir, "/var/lib/"); ok && rel != "" {
		return rel
	}
	return ""
}

// check refuses values that would break the generated files.
func (c installConfig) check() error {
	if !userRe.MatchString(c.User) {
		return fmt.Errorf("user: %q is not a valid user name (lower case letters, digits, _ and -)", c.User)
	}
	for name, v := range map[string]string{"bin": c.Bin, "dir": c.Dir} {
		if !filepath.IsAbs(v) || strings.ContainsAny(v, " \t\n\"'$%\\") {
			return fmt.Errorf("%s: %q must be an absolute path without spaces, quotes, $ or %%", name, v)
		}
	}
	for name, v := range map[string]string{"addr": c.Addr, "http-addr": c.HTTPAddr} {
		if v == "" || strings.ContainsAny(v, " \t\n\"'$%\\") {
			return fmt.Errorf("%s: %q is not a host:port", name, v)
		}
	}
	return nil
}

// writeFileAtomic writes to a temporary file beside path, syncs it and
// renames it into place.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, errors.Unwrap(err))
	}
	return nil
}

const unitTemplate = `# depot: inventory and warehouse server. Written by depot install.
# Settings are in /etc/depot/depot.env; S3 keys in /etc/depot/credentials.
[Unit]
Description=depot inventory and warehouse server
Documentation=file:///usr/share/doc/depot/install.md
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={{.User}}
Group={{.User}}
SupplementaryGroups=dialout lp plugdev
EnvironmentFile=/etc/depot/depot.env
# Read by root before the switch to the user, so it can stay mode 0600.
EnvironmentFile=-/etc/depot/credentials
ExecStart={{.Bin}} serve --db ${DEPOT_DB} --addr ${DEPOT_ADDR} --http-addr ${DEPOT_HTTP_ADDR} --tls ${DEPOT_TLS} --replica ${DEPOT_REPLICA}
Restart=on-failure
RestartSec=5s
# SIGTERM to depot serve only: it finishes requests, closes the database and
# then stops its replicator, which makes a final sync to the replica (up to
# 30 s). The rest of the group gets SIGKILL only after that.
KillMode=mixed
TimeoutStopSec=90s
{{with .StateDir}}StateDirectory={{.}}
{{end}}WorkingDirectory={{.Dir}}
NoNewPrivileges=yes
ProtectSystem=full
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths={{.Dir}}

[Install]
WantedBy=multi-user.target
`

const sysusersTemplate = `# The user depot runs as, and the groups that own its devices:
# dialout for serial scales and scanners, lp for USB label printers,
# plugdev for USB HID scales. Written by depot install; applied by
# systemd-sysusers.
u {{.User}} - "depot inventory server" {{.Dir}} /usr/sbin/nologin
m {{.User}} dialout
m {{.User}} lp
m {{.User}} plugdev
`

const udevTemplate = `# Devices depot drives. Written by depot install.
# Serial scales and scanners (/dev/ttyUSB*, /dev/ttyACM*) are group dialout
# already. Keep ModemManager from probing CDC scanners and scales with AT
# commands.
SUBSYSTEM=="tty", KERNEL=="ttyACM*", ENV{ID_MM_DEVICE_IGNORE}="1"
SUBSYSTEM=="tty", KERNEL=="ttyUSB*", ENV{ID_MM_DEVICE_IGNORE}="1"

# USB label printers (/dev/usb/lp*) for group lp.
SUBSYSTEM=="usbmisc", KERNEL=="lp[0-9]*", GROUP="lp", MODE="0660"

# USB HID postal scales, opened through libusb: the rule targets the USB
# device, not hidraw. Stamps.com, USPS/Elane, Dymo M10/M25, Sanford/Dymo,
# Fairbanks, Mettler Toledo.
SUBSYSTEM=="usb", ATTR{idVendor}=="1446", ATTR{idProduct}=="6a73", GROUP="plugdev", MODE="0660"
SUBSYSTEM=="usb", ATTR{idVendor}=="7b7c", ATTR{idProduct}=="0100", GROUP="plugdev", MODE="0660"
SUBSYSTEM=="usb", ATTR{idVendor}=="2474", ATTR{idProduct}=="0550", GROUP="plugdev", MODE="0660"
SUBSYSTEM=="usb", ATTR{idVendor}=="2474", ATTR{idProduct}=="3550", GROUP="plugdev", MODE="0660"
SUBSYSTEM=="usb", ATTR{idVendor}=="0922", ATTR{idProduct}=="8003", GROUP="plugdev", MODE="0660"
SUBSYSTEM=="usb", ATTR{idVendor}=="0922", ATTR{idProduct}=="8004", GROUP="plugdev", MODE="0660"
SUBSYSTEM=="usb", ATTR{idVendor}=="6096", ATTR{idProduct}=="0158", GROUP="plugdev", MODE="0660"
SUBSYSTEM=="usb", ATTR{idVendor}=="0b67", ATTR{idProduct}=="555e", GROUP="plugdev", MODE="0660"
SUBSYSTEM=="usb", ATTR{idVendor}=="0eb8", ATTR{idProduct}=="f000", GROUP="plugdev", MODE="0660"
`

const configTemplate = `# depot's settings, read by depot.service (systemd EnvironmentFile: one
# NAME=value per line, no spaces around =). Restart after a change:
#   systemctl restart depot

# The database file. Back it up with: depot backup --db $DEPOT_DB --to FILE
DEPOT_DB={{.Dir}}/depot.db

# Where depot serves HTTPS (host:port, or :port for every address), and
# plain HTTP for phones to fetch depot's CA (/ca) and be sent on to HTTPS.
DEPOT_ADDR={{.Addr}}
DEPOT_HTTP_ADDR={{.HTTPAddr}}

# HTTPS certificate: auto (depot makes a local CA and a certificate beside the
# database on first start), CERT.pem,KEY.pem (yours), or off (plain HTTP on
# DEPOT_ADDR; the camera scanner needs HTTPS).
DEPOT_TLS=auto

# Off-site replica, kept up to date continuously by a child process
# (depot replicate). Empty: no replication (not recommended).
#   S3 or compatible (MinIO, Garage, Backblaze B2, Wasabi, ...):
#     DEPOT_REPLICA=s3://BUCKET/depot/SITE?endpoint=https://s3.example.net&region=eu-central-1&force-path-style=true
#   A local disk or USB stick (an absolute directory):
#     DEPOT_REPLICA=file:///mnt/backup/depot
# Put the S3 keys in /etc/depot/credentials, never here or in the URL.
# Bring a copy back with:
#   depot restore --replica URL --to /var/lib/depot/depot.db [--timestamp 2026-05-01T14:30:00Z]
DEPOT_REPLICA=
`

const credentialsTemplate = `# Keys of the S3 replica. Mode 0600, owned by root: systemd reads this file
# before depot starts. depot never logs these values.
#AWS_ACCESS_KEY_ID=
#AWS_SECRET_ACCESS_KEY=
# Extra CA certificates for an S3 endpoint with a private CA (PEM file):
#AWS_CA_BUNDLE=/etc/depot/s3-ca.pem
`
