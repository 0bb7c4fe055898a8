package replica

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestErrorTapReportsErrorsAndPassesAllOn(t *testing.T) {
	var out bytes.Buffer
	var got []string
	log := slog.New(&errorTap{next: slog.NewTextHandler(&out, nil), onError: func(m string) { got = append(got, m) }})
	log = log.With("db", "depot.db").WithGroup("s3")
	log.Info("snapshot complete", "txid", 1)
	log.Error("compaction failed", "level", 1, "error", errors.New("dial tcp 127.0.0.1:9000: connection refused"))
	log.Warn("slow")
	if len(got) != 1 || got[0] != "compaction failed: dial tcp 127.0.0.1:9000: connection refused" {
		t.Errorf("reported %q", got)
	}
	for _, want := range []string{"snapshot complete", "compaction failed", "slow", "db=depot.db"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, out.String())
		}
	}
}

func TestTrackerScrubsSecrets(t *testing.T) {
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-s3cr3t-value")
	tr := tracker{secrets: secretsOf(Config{Credentials: &Credentials{AccessKeyID: "AKIA", SecretAccessKey: "file-s3cr3t-value"}})}
	got := tr.scrub("signature for file-s3cr3t-value and env-s3cr3t-value did not match")
	if strings.Contains(got, "s3cr3t") || got != "signature for REDACTED and REDACTED did not match" {
		t.Errorf("scrub: %q", got)
	}
}
