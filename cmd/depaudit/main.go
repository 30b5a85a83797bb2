// Command depaudit records what a build fetches from the network.
//
//	depaudit build -- npm ci
//
// runs the command behind a MITM HTTP(S) proxy that exists only for that run,
// records every request, classifies downloads into package URLs with the
// hashes of the bytes received, and writes a CycloneDX SBOM plus the list of
// calls to no known registry. See `depaudit --help`.
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/sealed"
)

// version is depaudit's version, set at link time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes of depaudit's own failures. A build otherwise exits with the
// child's code (128+N when the child died of signal N).
const (
	exitOK    = 0
	exitError = 2
)

// appEnv is everything a command may touch outside its arguments, so that
// tests can run the CLI in-process.
type appEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// getenv reads depaudit's own environment.
	getenv func(string) string
	// environ is depaudit's own environment (for the child's).
	environ func() []string
	// signals, when set, receives the signals a build forwards to its child;
	// nil means the process's own signals.
	signals <-chan os.Signal
	// hooks are test-only overrides; nil in the real binary.
	hooks *testHooks
}

// testHooks let tests route upstream connections to fake registries served
// on loopback under the registries' public hostnames. No flag sets them.
type testHooks struct {
	upstreamDial  func(ctx context.Context, network, addr string) (net.Conn, error)
	upstreamRoots *x509.CertPool
	// sealed* replace a sealed build's resolver, its start of the
	// namespaces, its reading of kernel settings and its TUN device.
	sealedResolve func(ctx context.Context, host string) ([]netip.Addr, error)
	sealedSpawn   func(cmd *exec.Cmd) error
	sealedSysctl  func(name string) (string, error)
	sealedTunPath string
	// workdir replaces depaudit's working directory as the build's: where
	// the command runs and the project's manifest is read.
	workdir string
}

func main() {
	if sealed.IsInit() {
		// depaudit re-executed inside a sealed build's namespaces.
		os.Exit(sealed.InitMain())
	}
	// Libraries log through the standard logger (net/http's transport
	// reports servers that misbehave); depaudit reports what matters itself.
	log.SetOutput(io.Discard)
	env := &appEnv{
		stdin:   os.Stdin,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
		getenv:  os.Getenv,
		environ: os.Environ,
	}
	os.Exit(run(context.Background(), env, os.Args))
}

// cliParseMu is held while urfave/cli parses a command line: parsing writes
// to the package's shared HelpFlag and VersionFlag, so runs in one process
// (the tests start many at once) take turns until their command's action
// starts. A real invocation, one run per process, never waits on it.
var cliParseMu sync.Mutex

// parsedKey is the context key of the function that ends a run's turn.
type parsedKey struct{}

// run executes the CLI and returns the process exit code.
func run(ctx context.Context, env *appEnv, args []string) int {
	cliParseMu.Lock()
	var once sync.Once
	parsed := func() { once.Do(cliParseMu.Unlock) }
	defer parsed()
	ctx = context.WithValue(ctx, parsedKey{}, parsed)
	app := newApp(env)
	err := app.RunContext(ctx, args)
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(env.stderr, "depaudit: "+escapeTerminal(msg))
		}
		var own exitCode
		if !errors.As(err, &own) {
			// urfave/cli's own failures ("No help topic for …", code
			// 3) are misuses of depaudit; 3 is the policy's code.
			return exitError
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(env.stderr, "depaudit: "+escapeTerminal(err.Error()))
	return exitError
}

// exitCode is an error that carries an exit code and, optionally, nothing to
// print (the child's own exit status).
type exitCode struct {
	code int
	msg  string
}

func (e exitCode) Error() string { return e.msg }
func (e exitCode) ExitCode() int { return e.code }

// usageError reports a depaudit misuse: exit code 2 with one line.
func usageError(format string, a ...any) error {
	return exitCode{code: exitError, msg: fmt.Sprintf(format, a...)}
}

func newApp(env *appEnv) *cli.App {
	app := &cli.App{
		Name:    "depaudit",
		Usage:   "record what a build fetches from the network, as a CycloneDX SBOM",
		Version: version,
		Description: "depaudit runs a build behind a MITM HTTP(S) proxy that exists only for that run,\n" +
			"records every request, maps downloads to package URLs with the hashes of the bytes\n" +
			"received, and writes a CycloneDX SBOM plus the calls that match no known registry.\n\n" +
			"Flags come before positional arguments; `--` ends depaudit's flags.",
		Reader:    env.stdin,
		Writer:    env.stdout,
		ErrWriter: env.stderr,
		Commands: []*cli.Command{
			buildCommand(env),
			reportCommand(env),
			classifyCommand(env),
			diffCommand(env),
			uploadCommand(env),
		},
		// Without a command, the help; with an unknown one, a usage
		// error (exit 2), not urfave/cli's own code 3, which is the
		// policy's.
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usageError("unknown command %q; see depaudit --help", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		HideHelpCommand:      false,
		EnableBashCompletion: false,
		ExitErrHandler:       func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError("%v", err)
		},
	}
	for _, cmd := range app.Commands {
		action := cmd.Action
		cmd.Action = func(c *cli.Context) error {
			if parsed, ok := c.Context.Value(parsedKey{}).(func()); ok {
				parsed()
			}
			return action(c)
		}
	}
	return app
}

// processSignals returns the channel of signals a build forwards to its child.
func processSignals(env *appEnv) (<-chan os.Signal, func()) {
	if env.signals != nil {
		return env.signals, func() {}
	}
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	return ch, func() { signal.Stop(ch) }
}
