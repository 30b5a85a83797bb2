package capture

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// RunConfig describes one recorded run of a command.
type RunConfig struct {
	// Command is the argument vector, executed directly (no shell).
	Command []string
	// Dir is the working directory; empty means the current one.
	Dir string
	// Project is the built project's identity, recorded in the header.
	Project *Project
	// Environ is depaudit's own environment, from which the child's is made.
	Environ []string
	// Getenv reads depaudit's own environment (upstream proxy, SSL_CERT_FILE).
	Getenv func(string) string
	// Stdin, Stdout and Stderr are given to the child unchanged.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Log receives the capture log, one line per exchange as it finishes.
	Log io.Writer
	// Version is depaudit's version, written in the log header.
	Version string
	// CA signs the leaf certificates; nil makes a fresh per-run CA.
	CA *CA
	// NoProxy lists hosts the child may reach without the proxy.
	NoProxy []string
	// JavaToolOptions also puts the JVM options in JAVA_TOOL_OPTIONS.
	JavaToolOptions bool
	// FreshCaches points each known client's download cache at an empty
	// directory for the run (see FreshCacheEnv).
	FreshCaches bool
	// Signals delivers the signals to forward to the child. A second SIGINT
	// kills it. Once the child has exited, a signal cuts short the grace
	// of exchanges still in flight.
	Signals <-chan os.Signal
	// ShutdownGrace is how long exchanges still in flight when the child
	// exits (a daemon it left behind) may take to finish; default 5 s.
	ShutdownGrace time.Duration
	// UpstreamRootCAs and UpstreamDial are passed to the proxy (tests).
	UpstreamRootCAs *x509.CertPool
	UpstreamDial    func(ctx context.Context, network, addr string) (net.Conn, error)
	// Inspect, when set, may inspect each response body (see InspectFunc).
	Inspect InspectFunc
	// Hashes, when set, chooses each body's digests (see ProxyConfig.Hashes).
	Hashes HashesFunc
	// Expect, when set, gives the digests bodies must have (see
	// ProxyConfig.Expect).
	Expect ExpectFunc
	// Gate, when set, may deny requests (see ProxyConfig.Gate).
	Gate func(x *Exchange) (denial string)
	// Warnf receives diagnostics; nil discards them.
	Warnf func(format string, args ...any)
	// Network, when set, gives the child a network of its own instead of
	// the host's (package sealed provides one), and the log says so.
	Network Network
}

// Network is a network of the child's own, whose traffic reaches depaudit
// only (package sealed provides one). Run asks ProxyHost before it makes
// the child's environment, calls Start instead of starting the command
// itself, and Close once the child has exited and the proxy has closed.
type Network interface {
	// ProxyHost is the address at which the child reaches the proxy's
	// ports (the same port numbers as on the proxy's listeners).
	ProxyHost() string
	// Start starts cmd inside the network. Connections to the proxy's
	// ports, and those that came around the proxy, go to p.ServeConn; rec
	// records the rest. An error means cmd did not start.
	Start(cmd *exec.Cmd, p *Proxy, rec NetRecorder) error
	// Close stops the network, recording what was still open.
	Close()
}

// NetRecorder records what a Network saw besides exchanges.
type NetRecorder struct {
	Connection func(*Connection)
	Lookup     func(*Lookup)
}

// RunResult is how a run ended.
type RunResult struct {
	// ExitCode is the child's exit code, 128+N when it died of signal N.
	ExitCode int
	// Signal names the signal that killed the child, if one did.
	Signal     string
	Start, End time.Time
	// Exchanges is the number of exchanges recorded.
	Exchanges int64
	// LogErr is the first error writing the capture log, if any: the log is
	// then incomplete even though the run went on.
	LogErr error
	// Strangers counts the processes outside the build that reached the
	// proxy without its credential: refused, and not in the capture log.
	Strangers Strangers
}

// ErrCommandNotFound wraps a failure to find the command to run.
var ErrCommandNotFound = errors.New("command not found")

// ErrCommandNotExecutable wraps a command that exists but cannot be run
// (no execute permission, not an executable format): a shell's 126.
var ErrCommandNotExecutable = errors.New("command not executable")

// Run starts the proxy, runs the command behind it, forwards signals, and
// writes the capture log. The child is only started once the proxy is
// serving; if anything before that fails, Run returns an error and the child
// is never started. Once the child has started, Run always writes the
// trailer and returns a RunResult, with any log write error in LogErr.
func Run(ctx context.Context, cfg RunConfig) (*RunResult, error) {
	if len(cfg.Command) == 0 {
		return nil, errors.New("no command to run")
	}
	if cfg.Getenv == nil {
		cfg.Getenv = func(string) string { return "" }
	}
	if cfg.ShutdownGrace == 0 {
		cfg.ShutdownGrace = 5 * time.Second
	}
	start := time.Now()
	path, err := LookCommand(cfg.Command[0], cfg.Environ, cfg.Dir)
	if err != nil {
		return nil, err
	}
	// The system's roots are read and decoded while the CA is made and the
	// proxy starts: on two cores, that is time off every build's start.
	rootsDone := make(chan systemRoots, 1)
	go func() { rootsDone <- loadSystemRoots(cfg.Getenv) }()
	// fail returns err once the roots are loaded: nothing of the run
	// outlives Run.
	fail := func(err error) (*RunResult, error) {
		<-rootsDone
		return nil, err
	}
	ca := cfg.CA
	if ca == nil {
		if ca, err = NewCA(start); err != nil {
			return fail(err)
		}
	}
	dir, err := newRunDir()
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	wd := cfg.Dir
	if wd == "" {
		wd, _ = os.Getwd()
	}
	lw, err := NewLogWriter(cfg.Log, Header{
		Version: cfg.Version,
		Start:   start.UTC(),
		Command: RedactArgs(cfg.Command),
		Dir:     wd,
		Project: cfg.Project,
		Sealed:  cfg.Network != nil,
	})
	if err != nil {
		return fail(err)
	}
	// Digests a registry document declares for artifacts the build may
	// never fetch wait in the run's private directory for the end of the
	// run, which keeps only those of files the build requested.
	spill, err := os.OpenFile(filepath.Join(dir, "deferred-digests.jsonl"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fail(fmt.Errorf("create the deferred digests file: %w", err))
	}
	defer spill.Close()
	lw.Defer(spill)
	var closed atomic.Bool
	var logErr error
	var logErrOnce sync.Once
	record := func(x *Exchange) {
		if closed.Load() {
			return
		}
		if err := lw.WriteExchange(x); err != nil {
			logErrOnce.Do(func() { logErr = err })
		}
	}
	var buildPID atomic.Int64
	proxy, err := NewProxy(ProxyConfig{
		BuildRoot:       func() int { return int(buildPID.Load()) },
		CA:              ca,
		Record:          record,
		Getenv:          cfg.Getenv,
		UpstreamRootCAs: cfg.UpstreamRootCAs,
		UpstreamDial:    cfg.UpstreamDial,
		Inspect:         cfg.Inspect,
		Hashes:          cfg.Hashes,
		Expect:          cfg.Expect,
		Gate:            cfg.Gate,
		Warnf:           cfg.Warnf,
	})
	if err != nil {
		return fail(err)
	}
	files, err := writeTrustFiles(dir, ca, <-rootsDone, cfg.Getenv)
	if err != nil {
		proxy.Close(0)
		return nil, err
	}
	proxyURL, jvmURL := proxy.URL(), proxy.JVMURL()
	if cfg.Network != nil {
		proxyURL, jvmURL = withHost(proxyURL, cfg.Network.ProxyHost()), withHost(jvmURL, cfg.Network.ProxyHost())
	}
	env := ChildEnv(cfg.Environ, EnvOptions{
		ProxyURL:        proxyURL,
		JVMProxyURL:     jvmURL,
		CABundle:        files.bundle,
		TrustStore:      files.trustStore,
		WgetRC:          files.wgetrc,
		AptConfig:       files.aptConfig,
		NoProxy:         cfg.NoProxy,
		JavaToolOptions: cfg.JavaToolOptions,
	})
	if cfg.FreshCaches {
		if env, err = FreshCacheEnv(env, filepath.Join(dir, "caches")); err != nil {
			proxy.Close(0)
			return nil, err
		}
	}
	cmd := exec.Command(path, cfg.Command[1:]...)
	cmd.Args[0] = cfg.Command[0]
	cmd.Env = env
	cmd.Dir = cfg.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = cfg.Stdin, cfg.Stdout, cfg.Stderr
	fromTerminal := inForegroundOfTerminal(cfg.Stdin)
	startCmd := (*exec.Cmd).Start
	if cfg.Network != nil {
		rec := NetRecorder{
			Connection: func(c *Connection) {
				if closed.Load() {
					return
				}
				if err := lw.WriteConnection(c); err != nil {
					logErrOnce.Do(func() { logErr = err })
				}
			},
			Lookup: func(l *Lookup) {
				if closed.Load() {
					return
				}
				if err := lw.WriteLookup(l); err != nil {
					logErrOnce.Do(func() { logErr = err })
				}
			},
		}
		startCmd = func(c *exec.Cmd) error { return cfg.Network.Start(c, proxy, rec) }
	}
	ch, err := startChild(cmd, !fromTerminal, startCmd)
	if err != nil && cfg.Network != nil {
		proxy.Close(0)
		return nil, err
	} else if err != nil {
		proxy.Close(0)
		if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.ENOEXEC) || errors.Is(err, syscall.EISDIR) {
			return nil, fmt.Errorf("%w: %s: %v", ErrCommandNotExecutable, cfg.Command[0], err)
		}
		return nil, fmt.Errorf("start %s: %w", cfg.Command[0], err)
	}
	buildPID.Store(int64(ch.cmd.Process.Pid))
	res := &RunResult{Start: start}
	waitErr := waitForwarding(ctx, ch, cfg.Signals, fromTerminal)
	res.ExitCode, res.Signal = exitStatus(cmd.ProcessState, waitErr)
	// A signal while exchanges left in flight are given their grace
	// ends the wait: they are aborted and recorded as incomplete.
	shut := make(chan struct{})
	go func() {
		select {
		case <-cfg.Signals:
			proxy.Abort()
		case <-ctx.Done():
			proxy.Abort()
		case <-shut:
		}
	}()
	proxy.Close(cfg.ShutdownGrace)
	close(shut)
	if cfg.Network != nil {
		// Relays still open are recorded as they close.
		cfg.Network.Close()
	}
	closed.Store(true)
	res.End = time.Now()
	res.Exchanges = lw.Count()
	res.Strangers = proxy.Strangers()
	if err := lw.Close(Trailer{End: res.End.UTC(), ExitCode: res.ExitCode, Signal: res.Signal,
		Strangers: res.Strangers.Refused}); err != nil && logErr == nil {
		logErr = err
	}
	res.LogErr = logErr
	return res, nil
}

// withHost returns rawURL with its host replaced by host, keeping the port.
func withHost(rawURL, host string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Host = net.JoinHostPort(host, u.Port())
	return u.String()
}

// waitForwarding waits for the child, forwarding signals to it (to its
// process group when it leads one). A second SIGINT, or ctx being
// cancelled, kills it (its whole group). When fromTerminal, SIGINT and
// SIGQUIT are not forwarded: the terminal sent them to the child already.
func waitForwarding(ctx context.Context, c *child, signals <-chan os.Signal, fromTerminal bool) error {
	interrupts := 0
	for {
		select {
		case err := <-c.done:
			return err
		case <-ctx.Done():
			c.kill()
			return <-c.done
		case sig := <-signals:
			if sig == os.Interrupt || sig == syscall.SIGINT {
				interrupts++
				if interrupts > 1 {
					c.kill()
					continue
				}
			}
			if fromTerminal && terminalSignal(sig) {
				continue
			}
			c.signal(sig)
		}
	}
}

// exitStatus maps how the child ended to a shell-style exit code.
func exitStatus(ps *os.ProcessState, waitErr error) (int, string) {
	if ps == nil {
		return 1, ""
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), ws.Signal().String()
	}
	if code := ps.ExitCode(); code >= 0 {
		return code, ""
	}
	return 1, ""
}

// LookCommand finds the command as a shell would, using the PATH of environ
// (and dir for relative paths). A name that is not found is
// ErrCommandNotFound; one that exists but cannot be executed (a
// directory, a file without execute permission) is
// ErrCommandNotExecutable. Run does the same look-up; a caller may do it
// first to fail before preparing anything.
func LookCommand(name string, environ []string, dir string) (string, error) {
	if strings.Contains(name, "/") {
		p := name
		if !filepath.IsAbs(p) && dir != "" {
			p = filepath.Join(dir, p)
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			return "", fmt.Errorf("%w: %s", ErrCommandNotFound, name)
		case fi.IsDir():
			return "", fmt.Errorf("%w: %s is a directory", ErrCommandNotExecutable, name)
		case fi.Mode()&0o111 == 0:
			return "", fmt.Errorf("%w: %s has no execute permission", ErrCommandNotExecutable, name)
		}
		return name, nil
	}
	pathEnv := ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathEnv = v
		}
	}
	notExec := ""
	for _, d := range filepath.SplitList(pathEnv) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, name)
		if !filepath.IsAbs(p) && dir != "" {
			p = filepath.Join(dir, p)
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil || fi.IsDir():
		case fi.Mode()&0o111 != 0:
			return p, nil
		case notExec == "":
			notExec = p
		}
	}
	if notExec != "" {
		return "", fmt.Errorf("%w: %s (%s has no execute permission)", ErrCommandNotExecutable, name, notExec)
	}
	return "", fmt.Errorf("%w: %s (not in PATH)", ErrCommandNotFound, name)
}

// systemRoots are the system's trusted roots, as PEM text and as the DER of
// each distinct certificate.
type systemRoots struct {
	pem  []byte
	ders [][]byte
	err  error
}

func loadSystemRoots(getenv func(string) string) systemRoots {
	pem, err := SystemRootsPEM(getenv)
	if err != nil {
		return systemRoots{err: err}
	}
	return systemRoots{pem: pem, ders: PEMCertificates(pem)}
}

// trustFiles are the files written into the run's private temp dir.
type trustFiles struct {
	caCert, bundle, trustStore, wgetrc, aptConfig string
}

// writeTrustFiles writes the CA certificate, the PEM bundle (system roots
// plus the CA), the JVM's PKCS#12 trust store and the wget/apt settings.
// Nothing secret is written: the CA key stays in memory.
func writeTrustFiles(dir string, ca *CA, sr systemRoots, getenv func(string) string) (*trustFiles, error) {
	if sr.err != nil {
		return nil, sr.err
	}
	roots := sr.pem
	f := &trustFiles{
		caCert:     filepath.Join(dir, "ca.pem"),
		bundle:     filepath.Join(dir, "ca-bundle.pem"),
		trustStore: filepath.Join(dir, "truststore.p12"),
		wgetrc:     filepath.Join(dir, "wgetrc"),
		aptConfig:  filepath.Join(dir, "apt.conf"),
	}
	store, err := TrustStore(append(sr.ders, ca.Cert.Raw))
	if err != nil {
		return nil, err
	}
	wgetrc := wgetConfig(getenv) + "ca_certificate = " + f.bundle + "\n"
	apt := aptConfig(getenv) + "Acquire::https::CAInfo \"" + f.bundle + "\";\n"
	for _, w := range []struct {
		path string
		data [][]byte
	}{
		{f.caCert, [][]byte{ca.CertPEM}}, {f.bundle, [][]byte{roots, ca.CertPEM}}, {f.trustStore, [][]byte{store}},
		{f.wgetrc, [][]byte{[]byte(wgetrc)}}, {f.aptConfig, [][]byte{[]byte(apt)}},
	} {
		if err := writeFileParts(w.path, w.data...); err != nil {
			return nil, fmt.Errorf("write %s: %w", filepath.Base(w.path), err)
		}
	}
	return f, nil
}

// writeFileParts writes the concatenation of parts to a new private file,
// without building it in memory first.
func writeFileParts(path string, parts ...[]byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	bufs := net.Buffers(parts)
	if _, err := bufs.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// wgetConfig returns the user's own wgetrc, which WGETRC would otherwise
// replace.
func wgetConfig(getenv func(string) string) string {
	p := getenv("WGETRC")
	if p == "" && getenv("HOME") != "" {
		p = filepath.Join(getenv("HOME"), ".wgetrc")
	}
	if p == "" {
		return ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	s := string(b)
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// aptConfig includes the user's own APT_CONFIG file, if any.
func aptConfig(getenv func(string) string) string {
	if p := getenv("APT_CONFIG"); p != "" {
		return "#include \"" + p + "\";\n"
	}
	return ""
}
