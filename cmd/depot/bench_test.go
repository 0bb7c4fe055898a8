package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"depot/app/sqlite"
)

func TestBenchJSON(t *testing.T) {
	sqlite.BcryptCost = 4
	path := filepath.Join(t.TempDir(), "bench.db")
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	args := []string{"bench", "--db", path, "--json", "--skus", "200", "--bins", "20", "--legs", "20000", "--seconds", "0.2", "--rounds", "1"}
	if code := run(context.Background(), e, args); code != 0 {
		t.Fatalf("depot bench exited %d\nstderr:\n%s", code, errb.String())
	}
	var res map[string]any
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out.String())
	}
	positive := func(name string, v any) {
		t.Helper()
		if n, ok := v.(float64); !ok || n <= 0 {
			t.Errorf("%s = %v, want a positive number", name, v)
		}
	}
	for _, obj := range []struct {
		name string
		keys []string
	}{{"postings_per_s", []string{"1", "8", "64"}}, {"lookup_p99_ms", []string{"inprocess", "http"}}} {
		m, ok := res[obj.name].(map[string]any)
		if !ok {
			t.Errorf("%s = %v, want an object", obj.name, res[obj.name])
			continue
		}
		for _, k := range obj.keys {
			positive(obj.name+"."+k, m[k])
		}
	}
	for _, k := range []string{"baseline_postings_per_s", "verify_s", "legs", "file_mb", "build_s", "verify_after_s", "legs_after"} {
		positive(k, res[k])
	}
	// verify_s is of the ledger as built; the bench's postings add two
	// legs each.
	if legs, _ := res["legs"].(float64); legs != 20000 {
		t.Errorf("legs = %v, want the 20000 built", legs)
	}
	if after, _ := res["legs_after"].(float64); after <= 20000 || int64(after)%2 != 0 {
		t.Errorf("legs_after = %v, want more than 20000, and even", after)
	}
	if !strings.Contains(errb.String(), "building a synthetic warehouse") {
		t.Errorf("stderr lacks the build progress:\n%s", errb.String())
	}

	// A second run reuses the file and prints a table.
	out.Reset()
	errb.Reset()
	args = []string{"bench", "--db", path, "--seconds", "0.1", "--rounds", "1"}
	if code := run(context.Background(), e, args); code != 0 {
		t.Fatalf("second depot bench exited %d\nstderr:\n%s", code, errb.String())
	}
	for _, want := range []string{"reusing", "64 clients, one transaction per posting", "inprocess", "http", "verify"} {
		if !strings.Contains(out.String()+errb.String(), want) {
			t.Errorf("second run lacks %q:\nstdout:\n%s\nstderr:\n%s", want, out.String(), errb.String())
		}
	}
}

func TestBenchFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "--db", "x.db", "--seconds", "0"},
		{"bench", "--db", "x.db", "--rounds", "0"},
	} {
		var errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &errb}
		if code := run(context.Background(), e, args); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)", args, code)
		}
	}
}
