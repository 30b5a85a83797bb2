package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/project"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/sbom"
)

func buildCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "run a command behind a recording proxy and write an SBOM of what it fetched",
		ArgsUsage: "-- COMMAND [ARGS...]",
		Description: "Runs COMMAND (executed directly, no shell) with every HTTP(S) request sent through a\n" +
			"MITM proxy on 127.0.0.1 that exists only for this run. The child trusts a per-run CA\n" +
			"through environment variables (SSL_CERT_FILE, npm_config_cafile, REQUESTS_CA_BUNDLE,\n" +
			"GIT_SSL_CAINFO, CARGO_HTTP_CAINFO, a PKCS#12 trust store in MAVEN_OPTS/GRADLE_OPTS, …);\n" +
			"nothing is installed. Upstream TLS is always verified.\n\n" +
			"Exit status: the command's own (128+N when it died of signal N); 2 when depaudit itself\n" +
			"failed (bad flags, proxy could not start, outputs not writable, the capture log changed by\n" +
			"something else during the build); 127 when COMMAND is not found, 126 when it cannot be\n" +
			"executed;\n" +
			"3 with --fail-on-violation when the command succeeded but broke a deny rule of the policy.\n" +
			"SIGINT, SIGTERM, SIGHUP and SIGQUIT are forwarded to the command (to its process group\n" +
			"when not run from a terminal); a second SIGINT kills the command and its process group.\n" +
			"The command is killed when depaudit dies, even by SIGKILL; the next run removes the\n" +
			"temp dir a killed run left.\n\n" +
			"With -o - (or --unclassified -), standard output carries only that document: the\n" +
			"command's own standard output goes to standard error.",
		Flags: slices.Concat(buildFlags(), []cli.Flag{sealedFlag()}, outputFlags(), rulesFlags(), verifyFlags(true), uploadFlags()),
		Action: func(c *cli.Context) error {
			return runBuild(c, env)
		},
	}
}

func buildFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "capture", Value: "depaudit.capture.jsonl", Usage: "write the capture log (JSON Lines) to `FILE`; a device or FIFO gets it in place (/dev/null discards it; the SBOM is then made from a private temporary copy)"},
		&cli.StringFlag{Name: "ca-cert", Usage: "use the CA certificate in `FILE` (PEM) instead of a fresh per-run CA; needs --ca-key"},
		&cli.StringFlag{Name: "ca-key", Usage: "private key (PEM) of --ca-cert, read from `FILE`"},
		&cli.StringSliceFlag{Name: "no-proxy", Usage: "let the command reach `HOSTS` (comma-separated) without the proxy; they are not recorded"},
		&cli.BoolFlag{Name: "java-tool-options", Usage: "also set JAVA_TOOL_OPTIONS, for JVM tools that read neither MAVEN_OPTS nor GRADLE_OPTS (every JVM then prints a notice)"},
		&cli.BoolFlag{Name: "fresh-caches", Usage: "point each package client's download cache (npm, pnpm, yarn, pip, uv, go, cargo, Maven, Gradle, Composer, NuGet) at an empty directory for the run, so that every package is downloaded and recorded; cargo keeps its config.toml; Gradle's own gradle.properties and init scripts are not read"},
		&cli.BoolFlag{Name: "debug", Usage: "print the proxy's diagnostics on stderr"},
		&cli.StringFlag{Name: "baseline", Usage: "print, at the end, what changed since the SBOM in `FILE` (a previous build's), as \"depaudit diff\" would"},
		&cli.BoolFlag{Name: "upload", Usage: "upload the SBOM to Dependency-Track at the end (the flags below, as for \"depaudit upload\"; the project defaults to --name/--version)"},
	}
}

func runBuild(c *cli.Context, env *appEnv) error {
	args := c.Args().Slice()
	if len(args) == 0 {
		return usageError("build: no command given; usage: depaudit build [flags] -- COMMAND [ARGS...]")
	}
	outOpts, err := parseOutputFlags(c, "build")
	if err != nil {
		return err
	}
	capturePath := c.String("capture")
	if err := outOpts.checkSpares("build", capturePath, "the capture log"); err != nil {
		return err
	}
	if err := outOpts.checkOutputDirs("build"); err != nil {
		return err
	}
	// A mistyped command fails here, before the capture log of the
	// previous build (beside its SBOM) is truncated.
	if _, err := capture.LookCommand(args[0], env.environ(), ""); err != nil {
		if cerr := commandError(err); cerr != nil {
			return cerr
		}
		return usageError("build: %v", err)
	}
	var baseline *cdx.BOM
	if p := c.String("baseline"); p != "" {
		if baseline, err = bomdiff.ReadBOMFile(p); err != nil {
			return usageError("build: --baseline: %v", err)
		}
	}
	outOpts.baselinePath = c.String("baseline")
	br, err := loadCommandRules(c, "build")
	if err != nil {
		return err
	}
	cl := br.classifier()
	var upload *uploadOptions
	if c.Bool("upload") {
		name := c.String("name")
		if name == "" {
			if wd, err := os.Getwd(); err == nil {
				name = filepath.Base(wd)
			}
		}
		o, err := uploadOptionsFromFlags(c, env, name, c.String("version"))
		if err != nil {
			return err
		}
		upload = &o
	}
	if (c.String("ca-cert") == "") != (c.String("ca-key") == "") {
		return usageError("build: --ca-cert and --ca-key go together")
	}
	var ca *capture.CA
	if c.String("ca-cert") != "" {
		if ca, err = capture.LoadCA(c.String("ca-cert"), c.String("ca-key")); err != nil {
			return usageError("build: %v", err)
		}
	}
	var noProxy []string
	for _, h := range c.StringSlice("no-proxy") {
		for _, part := range strings.Split(h, ",") {
			if part = strings.TrimSpace(part); part != "" {
				noProxy = append(noProxy, part)
			}
		}
	}
	// Appending: whatever else writes to the file during the build adds
	// lines rather than being overwritten, and the read-back sees it. The
	// log is read back through this same descriptor, so that a build that
	// removes or replaces the file (a clean step) cannot take the record
	// of what it fetched with it.
	// (See openCaptureLog: a device or a FIFO gets the log in place,
	// read back from a private copy.)
	capLog, err := openCaptureLog(capturePath)
	if err != nil {
		return usageError("build: capture log: %v", err)
	}
	defer capLog.Close()

	signals, stop := processSignals(env)
	defer stop()
	workdir := ""
	if env.hooks != nil {
		workdir = env.hooks.workdir
	}
	cfg := capture.RunConfig{
		Dir:             workdir,
		Project:         detectProject(env, args, workdir),
		Command:         args,
		Environ:         env.environ(),
		Getenv:          env.getenv,
		Stdin:           env.stdin,
		Stdout:          childStdout(env, outOpts),
		Stderr:          env.stderr,
		Log:             capLog.w,
		Version:         version,
		CA:              ca,
		NoProxy:         noProxy,
		JavaToolOptions: c.Bool("java-tool-options"),
		FreshCaches:     c.Bool("fresh-caches"),
		Signals:         signals,
		Gate:            br.gate(),
	}
	cfg.Inspect, cfg.Hashes, cfg.Expect = verifyHooks(cl, ruleHashes(br.rules.Hashes()), br.rules != nil && br.rules.Mode() == rules.ModeEnforce)
	if c.Bool("debug") {
		// The proxy may still warn from a connection's goroutine after
		// Run returned, when env is replaced below: keep its own copy.
		debugOut := termSafe{W: env.stderr}
		cfg.Warnf = func(format string, a ...any) {
			fmt.Fprintf(debugOut, "depaudit: proxy: "+format+"\n", a...)
		}
		log.SetOutput(env.stderr)
		log.SetPrefix("depaudit: ")
	}
	if h := env.hooks; h != nil {
		cfg.UpstreamDial = h.upstreamDial
		cfg.UpstreamRootCAs = h.upstreamRoots
	}
	if cfg.Network, err = sealedNetwork(c, env, br); err != nil {
		return err
	}
	res, err := capture.Run(c.Context, cfg)
	// The command has ended: from now on a signal ends depaudit (the
	// capture log is whole; "depaudit report" makes the SBOM from it).
	stop()
	if err != nil {
		if cerr := commandError(err); cerr != nil {
			return cerr
		}
		return usageError("build: %v", err)
	}
	// The child has ended: what is printed from now on is depaudit's, and
	// quotes what the network sent.
	env = env.withSafeStderr()
	if res.LogErr != nil {
		fmt.Fprintf(env.stderr, "depaudit: capture log %s is incomplete: %v\n", capturePath, res.LogErr)
	}
	printStrangers(env.stderr, res.Strangers)
	// The child's own failure wins over anything that goes wrong after it.
	code := res.ExitCode
	worse := func(c int) {
		if code == 0 {
			code = c
		}
	}
	if res.LogErr != nil {
		worse(exitError)
	}
	report, err := finishBuild(c, env, capturePath, capLog, res, &outOpts, br, baseline)
	if err != nil {
		fmt.Fprintf(env.stderr, "depaudit: %v\n", err)
		worse(exitError)
	}
	// Some file systems report a failed write only when the file closes.
	if err := capLog.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		fmt.Fprintf(env.stderr, "depaudit: capture log %s: %v\n", capturePath, err)
		worse(exitError)
	}
	if report != nil && !c.Bool("fresh-caches") {
		warnWarmCache(env, args[0], report)
	}
	if report != nil && report.Diff != nil {
		printBaselineDiff(env, c.String("baseline"), report.Diff)
	}
	if report != nil && upload != nil {
		var doc bytes.Buffer
		if bom, err := sbom.Render(report, outOpts.render); err != nil {
			fmt.Fprintf(env.stderr, "depaudit: upload: %v\n", err)
			worse(exitError)
		} else if err := sbom.Encode(&doc, bom, sbom.FormatJSON, outOpts.spec); err != nil {
			fmt.Fprintf(env.stderr, "depaudit: upload: %v\n", err)
			worse(exitError)
		} else if err := uploadBOM(c.Context, env, *upload, "the build's SBOM", doc.Bytes()); err != nil {
			var ec cli.ExitCoder
			if errors.As(err, &ec) {
				if msg := err.Error(); msg != "" {
					fmt.Fprintln(env.stderr, "depaudit: "+msg)
				}
				worse(ec.ExitCode())
			} else {
				fmt.Fprintf(env.stderr, "depaudit: %v\n", err)
				worse(exitError)
			}
		}
	}
	code = br.finish(env, report, baseline != nil, code)
	if code != 0 {
		return exitCode{code: code}
	}
	return nil
}

// printStrangers says how many processes outside the build reached the
// proxy without its credential: refused, not part of the build, not in the
// capture log.
func printStrangers(w io.Writer, s capture.Strangers) {
	if s.Refused == 0 {
		return
	}
	var who []string
	for _, x := range s.Samples {
		d := fmt.Sprintf("uid %d", x.UID)
		if x.Host != "" {
			d += " " + x.Method + " " + x.Host
		} else {
			d += " on the " + x.Port + " port"
		}
		who = append(who, d)
	}
	line := fmt.Sprintf("depaudit: warning: refused %s from processes outside the build, without the proxy credential "+
		"(not the build's; not in the capture log)", strangerCount(s.Refused))
	if len(who) > 0 {
		line += ": " + strings.Join(who, "; ")
		if int64(len(s.Samples)) < s.Refused {
			line += ", …"
		}
	}
	if s.Unchecked > 0 {
		line += fmt.Sprintf(" (%d of them, arriving faster than %d a second, counted without looking for their process)",
			s.Unchecked, capture.MaxStrangerChecks)
	}
	fmt.Fprintln(w, line)
}

func strangerCount(n int64) string {
	if n == 1 {
		return "1 connection or request"
	}
	return fmt.Sprintf("%d connections or requests", n)
}

// printBaselineDiff prints on stderr what changed since the baseline SBOM.
func printBaselineDiff(env *appEnv, path string, d *bomdiff.Diff) {
	fmt.Fprintf(env.stderr, "depaudit: since %s: %s\n", path, d.Summary())
	if !d.Equivalent() {
		d.WriteText(env.stderr, false)
	}
}

// finishBuild reads back the capture log of a finished run (the source of
// truth, as `depaudit report` would), analyses it and writes the outputs
// from the report: the SBOM, with each artifact's verification and the
// policy's violations, the unclassified calls, the outputs beside them and
// the summary. It returns the report, nil when the log could not be read
// back or analysed.
func finishBuild(c *cli.Context, env *appEnv, capturePath string, capLog *captureLog, run *capture.RunResult, opts *outputOptions, br *buildRules, baseline *cdx.BOM) (*audit.Report, error) {
	logFile := capLog.file
	fi, err := logFile.Stat()
	if err != nil {
		return nil, fmt.Errorf("read back capture log %s: %w", capturePath, err)
	}
	log, err := capture.OpenLog(logFile, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("read back capture log %s: %w", capturePath, err)
	}

	report, err := analyzeLog(c, env, "build", logSource{file: log}, br, baseline)
	if err != nil {
		return nil, err
	}
	var logErr error
	if report.FetchEnd != nil && !report.FetchRecorded && run.LogErr == nil {
		// What was fetched after the build goes into its log, so that
		// `depaudit report` of the log gives this build's SBOM.
		if werr := capture.WriteFetches(capLog.w, report.Fetches, *report.FetchEnd); werr != nil {
			logErr = fmt.Errorf("capture log %s: %w", capturePath, werr)
		} else if fi, werr = logFile.Stat(); werr != nil {
			logErr = fmt.Errorf("capture log %s: %w", capturePath, werr)
		}
	}
	opts.capturePath = capturePath
	err = writeOutputs(env, "build", report, opts)
	if err == nil && run.LogErr == nil {
		// (A write that failed is reported already; what was not written
		// cannot be compared.)
		err = checkReadBack(capturePath, log, run.Exchanges)
	}
	if err == nil && capLog.stream == nil && logErr == nil {
		err = keepCaptureLogAt(env, capturePath, logFile, fi)
	}
	if err == nil {
		err = logErr
	}
	return report, err
}

// keepCaptureLogAt makes sure the capture log the build recorded (logFile,
// fi) is still at path. A build that removed it (a clean step) gets it
// written again, with a warning; a file that replaced it is not
// overwritten, and the build fails: the capture log at path is not the one
// depaudit wrote.
func keepCaptureLogAt(env *appEnv, path string, logFile *os.File, fi os.FileInfo) error {
	now, err := os.Stat(path)
	switch {
	case err == nil && os.SameFile(fi, now):
		return nil
	case err == nil:
		return fmt.Errorf("the capture log %s was replaced during the build: the file there now is not the one depaudit wrote "+
			"(the SBOM is made from what depaudit recorded)", path)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("capture log %s: %w", path, err)
	}
	if err := copyNewFile(path, io.NewSectionReader(logFile, 0, fi.Size())); err != nil {
		return fmt.Errorf("the capture log %s was removed during the build and cannot be written again: %w", path, err)
	}
	fmt.Fprintf(env.stderr, "depaudit: warning: the capture log %s was removed during the build; written again from what depaudit recorded\n", path)
	return nil
}

// copyNewFile writes r to path, which must not exist yet.
func copyNewFile(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkReadBack compares the capture log read back after a build with what
// the build wrote to it (wrote exchanges, then the trailer). A log that
// reads back damaged, or holding other exchanges than were written, was
// changed during the build, by the command itself or by anything else
// that can write to it, and the SBOM made from it does not describe the
// build: that is a failure, not a warning.
func checkReadBack(path string, lf *capture.LogFile, wrote int64) error {
	l, n := lf.Log, int64(lf.Len())
	switch {
	case l.Damage != "":
		return fmt.Errorf("the capture log %s reads back damaged (%s) though depaudit wrote it whole: "+
			"something changed it during the build (or depaudit cannot read back what it wrote), "+
			"and the SBOM covers only the %d exchanges read around the damage (%d were recorded)",
			path, l.Damage, n, wrote)
	case l.Trailer == nil || n != wrote || l.Trailer.Exchanges != wrote:
		return fmt.Errorf("the capture log %s holds %d exchanges, but depaudit recorded %d: "+
			"something changed it during the build, and the SBOM does not describe the build", path, n, wrote)
	}
	return nil
}

// detectProject reads the identity of the project built in the working
// directory wd ("": depaudit's own) from its manifest (package project), for the SBOM's
// metadata.component; nil when there is none. A manifest that does not
// parse is a warning, not a failure.
func detectProject(env *appEnv, command []string, wd string) *capture.Project {
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return nil
		}
	}
	p, ok, err := project.Detect(wd, command)
	if err != nil {
		fmt.Fprintf(env.stderr, "depaudit: warning: the project's name is not read from its manifest: %v\n", err)
		return nil
	}
	if !ok {
		return nil
	}
	return &capture.Project{Name: p.Name, Version: p.Version, PURL: p.PURL, Manifest: p.Manifest, Ecosystem: p.Ecosystem, Requires: p.Requires}
}
