package replica

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"depot/app"
)

// SupervisorConfig says which replicator process to run.
type SupervisorConfig struct {
	Exe             string // the depot binary; its "replicate" command is run
	DB              string
	Target          Target
	CredentialsFile string        // passed to the child by name, never by content
	Interval        time.Duration // the child's sync interval (default DefaultInterval)
	// Stderr receives the child's log lines (default os.Stderr).
	Stderr io.Writer
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait before a restart (default
	// 1s and 1m); a child that ran for MaxBackoff starts the wait over.
	MinBackoff, MaxBackoff time.Duration
	// StopTimeout is how long Stop waits for the final sync before it
	// kills the child (default 45s; Litestream retries for 30s).
	StopTimeout time.Duration
	// LagThreshold is where "ok" becomes "lagging" (default
	// app.DefaultReplicationLagThreshold).
	LagThreshold time.Duration
	Now          func() time.Time
}

// Supervisor runs `depot replicate` as a child process and restarts it with
// backoff when it dies. The child gets SIGTERM when the parent dies (even by
// kill -9) and then makes its final sync. Supervisor is an
// app.ReplicationService.
type Supervisor struct {
	cfg  SupervisorConfig
	done chan struct{}

	mu       sync.Mutex
	started  time.Time
	running  bool
	stopping bool
	cmd      *exec.Cmd
	last     app.ReplicationStatus // the child's last report
	lastGood time.Time             // the newest LastReplicatedAt of any child
	exitErr  string
	exitAt   time.Time
	restarts int
	finalErr error
}

// NewSupervisor checks cfg and returns a supervisor that has not started.
func NewSupervisor(cfg SupervisorConfig) (*Supervisor, error) {
	if cfg.Exe == "" || cfg.DB == "" || cfg.Target.Scheme == "" {
		return nil, errors.New("replica supervisor: binary, database and replica are required")
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Minute
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = 45 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Supervisor{cfg: cfg, done: make(chan struct{})}, nil
}

// Start starts the replicator. Call it after the database file exists with
// its schema (Litestream adds its own tables to the file).
func (s *Supervisor) Start() {
	s.mu.Lock()
	s.started = s.cfg.Now()
	s.mu.Unlock()
	go s.loop()
}

func (s *Supervisor) loop() {
	defer close(s.done)
	backoff := s.cfg.MinBackoff
	for {
		began := s.cfg.Now()
		err := s.runChild()
		s.mu.Lock()
		s.running = false
		stopping := s.stopping
		if stopping {
			s.finalErr = err
		} else {
			s.exitErr = "replicator exited: " + exitText(err)
			s.exitAt = s.cfg.Now().UTC()
			s.restarts++
		}
		s.mu.Unlock()
		if stopping {
			return
		}
		if s.cfg.Now().Sub(began) >= s.cfg.MaxBackoff {
			backoff = s.cfg.MinBackoff
		}
		s.cfg.Logger.Warn("replicator stopped; restarting", "err", exitText(err), "in", backoff)
		if !s.sleep(backoff) {
			return
		}
		backoff = min(2*backoff, s.cfg.MaxBackoff)
	}
}

// sleep waits d unless Stop is called; it reports whether to go on.
func (s *Supervisor) sleep(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		stopping := s.stopping
		s.mu.Unlock()
		if stopping {
			return false
		}
		time.Sleep(min(50*time.Millisecond, time.Until(deadline)))
	}
	return true
}

// runChild starts the child and waits for it. The goroutine keeps its OS
// thread meanwhile: Linux sends the parent-death signal when the thread
// that started the child ends, not only the process.
func (s *Supervisor) runChild() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	args := []string{"replicate", "--db", s.cfg.DB, "--replica", s.cfg.Target.raw,
		"--parent-pid", strconv.Itoa(os.Getpid())}
	if s.cfg.Interval > 0 {
		args = append(args, "--interval", s.cfg.Interval.String())
	}
	if s.cfg.CredentialsFile != "" {
		args = append(args, "--credentials", s.cfg.CredentialsFile)
	}
	env := os.Environ()
	if b := os.Getenv(CABundleEnv); b != "" {
		// The child loads the bundle into its trust; left in its
		// environment, the AWS SDK would refuse to start.
		args = append(args, "--ca-bundle", b)
		env = withoutEnv(env, CABundleEnv)
	}
	cmd := exec.Command(s.cfg.Exe, args...)
	cmd.Env = env
	cmd.Stderr = s.cfg.Stderr
	// Its own process group: a Ctrl-C at the terminal reaches the parent
	// only, which stops the child after closing the database.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return errors.New("stopping")
	}
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		return err
	}
	s.cmd, s.running = cmd, true
	s.mu.Unlock()
	s.readReports(out)
	return cmd.Wait()
}

// readReports keeps the child's last status line until its stdout closes.
func (s *Supervisor) readReports(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var st app.ReplicationStatus
		if json.Unmarshal(sc.Bytes(), &st) != nil {
			continue
		}
		s.mu.Lock()
		s.last = st
		if st.LastReplicatedAt.After(s.lastGood) {
			s.lastGood = st.LastReplicatedAt
		}
		s.mu.Unlock()
	}
}

// Stop sends SIGTERM to the child, waits for its final sync (killing it
// after StopTimeout) and returns its failure, if any. Safe on nil.
func (s *Supervisor) Stop() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	if s.started.IsZero() {
		s.mu.Unlock()
		return nil
	}
	s.stopping = true
	if s.running {
		s.cmd.Process.Signal(syscall.SIGTERM)
	}
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-time.After(s.cfg.StopTimeout):
		s.mu.Lock()
		if s.running {
			s.cmd.Process.Kill()
		}
		s.mu.Unlock()
		<-s.done
		return fmt.Errorf("replicator: no final sync within %s; killed", s.cfg.StopTimeout)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finalErr != nil {
		return fmt.Errorf("replicator final sync: %s", exitText(s.finalErr))
	}
	return nil
}

// ReplicationStatus returns the health as of now: the child's last report,
// whether it runs, and a lag that keeps growing while it is down or behind.
func (s *Supervisor) ReplicationStatus() app.ReplicationStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	st := s.last
	st.Replica = s.cfg.Target.String()
	st.Running = s.running
	st.Restarts = s.restarts
	if st.LastReplicatedAt.IsZero() {
		st.LastReplicatedAt = s.lastGood
	}
	since := s.started
	if !st.LastReplicatedAt.IsZero() {
		since = st.LastReplicatedAt
	}
	switch {
	case !s.running:
		if s.exitErr != "" {
			st.LastError, st.LastErrorAt = s.exitErr, s.exitAt
		}
		st.LagSeconds = now.Sub(since).Seconds()
	case st.UpdatedAt.IsZero() || s.last.LastReplicatedAt.IsZero():
		// No report yet, or this child has not synced yet.
		st.LagSeconds = now.Sub(since).Seconds()
	case st.LagSeconds > 0:
		st.LagSeconds += now.Sub(st.UpdatedAt).Seconds()
	}
	st.UpdatedAt = now.UTC()
	st.Classify(s.cfg.LagThreshold)
	return st
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
