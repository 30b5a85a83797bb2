package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/dtrack"
	"github.com/depaudit/depaudit/internal/plural"
)

// exitPolicy is the exit code of an upload whose findings reach
// --fail-on-severity: the upload worked, the policy says fail.
const exitPolicy = 1

// Environment variables read by upload (and build --upload).
const (
	envDTrackURL = "DEPAUDIT_DTRACK_URL"
	envDTrackKey = "DEPAUDIT_DTRACK_API_KEY"
)

// defaultUploadTimeout bounds an upload, including --wait.
const defaultUploadTimeout = 10 * time.Minute

func uploadCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:      "upload",
		Usage:     "upload a CycloneDX SBOM to OWASP Dependency-Track",
		ArgsUsage: "BOM",
		Description: "Uploads BOM (a CycloneDX JSON or XML file; - reads stdin) to the Dependency-Track API\n" +
			"server at --url or $" + envDTrackURL + ", authenticated by the API key in $" + envDTrackKey + ".\n" +
			"The key's team needs BOM_UPLOAD; with --auto-create also PROJECT_CREATION_UPLOAD; with --wait\n" +
			"also VIEW_PORTFOLIO (for a project named by name and version) and VIEW_VULNERABILITY.\n\n" +
			"  depaudit upload --project web --project-version 1.4.2 --auto-create depaudit.cdx.json\n\n" +
			"BOMs whose base64 form exceeds 20,000,000 characters go as multipart POST, others as PUT.\n" +
			"5xx answers and network errors are retried with backoff; 4xx answers are not.\n\n" +
			"Exit status: 0 uploaded (and, with --wait, processed); 1 findings at or above\n" +
			"--fail-on-severity; 2 depaudit could not upload or wait (the message says what to do).",
		Flags: uploadFlags(),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError("upload: want exactly one BOM file after the flags; usage: depaudit upload [flags] BOM")
			}
			opts, err := uploadOptionsFromFlags(c, env, "", "")
			if err != nil {
				return err
			}
			path := c.Args().First()
			bom, err := readBOMFile(env, path)
			if err != nil {
				return usageError("upload: %v", err)
			}
			return uploadBOM(c.Context, env, opts, path, bom)
		},
	}
}

// uploadFlags are the flags of `depaudit upload`, shared with
// `depaudit build --upload`.
func uploadFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "url", Usage: "Dependency-Track API server's base `URL` (default: $" + envDTrackURL + ")"},
		&cli.StringFlag{Name: "api-key", Usage: "authenticate with `KEY`; prefer $" + envDTrackKey + ": a flag shows in the process list and shell history"},
		&cli.StringFlag{Name: "project", Usage: "the project's `UUID`, or its NAME together with --project-version"},
		&cli.StringFlag{Name: "project-version", Usage: "the project's `VERSION`, when --project is a name"},
		&cli.BoolFlag{Name: "auto-create", Usage: "create the project when it does not exist (needs PROJECT_CREATION_UPLOAD)"},
		&cli.StringFlag{Name: "parent", Usage: "parent project of a created project, as `NAME@VERSION` or UUID"},
		&cli.BoolFlag{Name: "latest", Usage: "mark a created project as the latest version of its name"},
		&cli.StringSliceFlag{Name: "tag", Usage: "tag a created project with `TAG` (repeatable)"},
		&cli.BoolFlag{Name: "wait", Usage: "wait until the BOM is processed, then print the project's findings by severity"},
		&cli.DurationFlag{Name: "timeout", Value: defaultUploadTimeout, Usage: "give up on the upload and the wait after `DURATION`"},
		&cli.StringFlag{Name: "fail-on-severity", Usage: "exit 1 when findings of `LEVEL` (critical, high, medium, low, info, unassigned) or higher exist; implies --wait"},
	}
}

// uploadOptions is a checked set of uploadFlags values.
type uploadOptions struct {
	url     string
	apiKey  string
	request dtrack.UploadRequest // without the BOM
	wait    bool
	timeout time.Duration
	// failOn is the --fail-on-severity level; failOnSet tells whether it
	// was given.
	failOn    dtrack.Severity
	failOnSet bool
}

// uploadOptionsFromFlags reads and checks the uploadFlags values, taking the
// URL and key from the environment when the flags are absent. Without
// --project, defaultName and defaultVersion (e.g. a build's --name and
// --version) name the project; empty ones make --project required. Errors
// are usage errors (exit 2), so a build can check them before it starts.
func uploadOptionsFromFlags(c *cli.Context, env *appEnv, defaultName, defaultVersion string) (uploadOptions, error) {
	o := uploadOptions{
		url:     strings.TrimSpace(c.String("url")),
		apiKey:  strings.TrimSpace(c.String("api-key")),
		wait:    c.Bool("wait"),
		timeout: c.Duration("timeout"),
	}
	if o.url == "" {
		o.url = strings.TrimSpace(env.getenv(envDTrackURL))
	}
	if c.IsSet("api-key") {
		fmt.Fprintln(env.stderr, "depaudit: warning: --api-key is visible to other users in the process list; prefer "+envDTrackKey)
	} else {
		o.apiKey = strings.TrimSpace(env.getenv(envDTrackKey))
	}
	if o.url == "" {
		return o, usageError("upload: no Dependency-Track URL: set %s (or --url) to the API server's base URL, e.g. https://dtrack.example.com", envDTrackURL)
	}
	if o.apiKey == "" {
		return o, usageError("upload: no Dependency-Track API key: set %s to the key of a team with the BOM_UPLOAD permission (Administration → Access Management → Teams)", envDTrackKey)
	}
	// Let the client check the URL and key now rather than after a build.
	if _, err := dtrack.New(dtrack.Config{BaseURL: o.url, APIKey: o.apiKey}); err != nil {
		return o, usageError("upload: %s", redact(err.Error(), o.apiKey))
	}
	if o.timeout <= 0 {
		return o, usageError("upload: --timeout must be positive, got %s", o.timeout)
	}
	if s := c.String("fail-on-severity"); s != "" {
		sev, err := dtrack.ParseSeverity(s)
		if err != nil {
			return o, usageError("upload: --fail-on-severity: %v", err)
		}
		o.failOn, o.failOnSet, o.wait = sev, true, true
	}

	r := &o.request
	project, version := strings.TrimSpace(c.String("project")), strings.TrimSpace(c.String("project-version"))
	if project == "" && version == "" {
		project, version = defaultName, defaultVersion
	}
	switch {
	case project == "":
		return o, usageError("upload: name the project: --project UUID, or --project NAME --project-version VERSION")
	case version != "":
		r.ProjectName, r.ProjectVersion = project, version
	case dtrack.IsUUID(strings.ToLower(project)):
		r.ProjectUUID = strings.ToLower(project)
	default:
		return o, usageError("upload: --project %q is not a UUID; to name a project give its version too: --project NAME --project-version VERSION", project)
	}
	r.AutoCreate = c.Bool("auto-create")
	r.IsLatest = c.Bool("latest")
	if r.ProjectUUID != "" && (r.AutoCreate || r.IsLatest || c.IsSet("parent")) {
		return o, usageError("upload: --auto-create, --latest and --parent apply to a project created by name; a project given by UUID already exists")
	}
	if p := strings.TrimSpace(c.String("parent")); p != "" {
		if i := strings.LastIndex(p, "@"); i > 0 && i < len(p)-1 {
			r.ParentName, r.ParentVersion = p[:i], p[i+1:]
		} else if dtrack.IsUUID(strings.ToLower(p)) {
			r.ParentUUID = strings.ToLower(p)
		} else {
			return o, usageError("upload: --parent %q: want NAME@VERSION or the parent's UUID", p)
		}
	}
	for _, t := range c.StringSlice("tag") {
		if t = strings.TrimSpace(t); t != "" {
			r.Tags = append(r.Tags, t)
		}
	}
	return o, nil
}

// readBOMFile reads the BOM at path, or stdin for "-".
func readBOMFile(env *appEnv, path string) ([]byte, error) {
	if path == "-" {
		data, err := io.ReadAll(env.stdin)
		if err != nil {
			return nil, fmt.Errorf("read BOM from stdin: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read BOM: %w", err)
	}
	return data, nil
}

// uploadSleepKey is the context key under which tests put a
// dtrack.SleepFunc that does not wait.
type uploadSleepKey struct{}

// uploadBOM uploads bom (read from name, used in messages) with opts; with
// opts.wait it waits for processing and prints the project's findings by
// severity. It returns nil, exitCode 1 when findings reach
// --fail-on-severity, or exitCode 2 with a message that says what to do.
// `depaudit build --upload` calls it with the BOM it has just written.
func uploadBOM(ctx context.Context, env *appEnv, opts uploadOptions, name string, bom []byte) error {
	fail := func(format string, a ...any) error {
		return exitCode{code: exitError, msg: redact(fmt.Sprintf(format, a...), opts.apiKey)}
	}
	info, err := dtrack.DetectBOM(bom)
	if err != nil {
		return fail("upload: %s: %v", name, err)
	}
	cfg := dtrack.Config{BaseURL: opts.url, APIKey: opts.apiKey, UserAgent: "depaudit/" + version}
	if sleep, ok := ctx.Value(uploadSleepKey{}).(dtrack.SleepFunc); ok {
		cfg.Sleep = sleep
	}
	client, err := dtrack.New(cfg)
	if err != nil {
		return fail("upload: %v", err)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()

	req := opts.request
	req.BOM = bom
	res, err := client.Upload(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return fail("upload: %s", stoppedReason(parent, opts.timeout, "the upload"))
		}
		return fail("%v", err)
	}
	method := "PUT"
	if res.Multipart {
		method = "multipart POST"
	}
	fmt.Fprintf(env.stdout, "uploaded %s (%s, %d bytes) to %s as %s for project %s; token %s\n",
		name, info, len(bom), client.BaseURL(), method, describeProject(req), res.Token)
	if !opts.wait {
		return nil
	}

	fmt.Fprintln(env.stderr, "depaudit: waiting for Dependency-Track to process the BOM…")
	if err := client.WaitProcessed(ctx, res.Token); err != nil {
		if errors.Is(err, dtrack.ErrStillProcessing) || ctx.Err() != nil {
			return fail("upload: the BOM was accepted (token %s), but %s before Dependency-Track finished processing it; it will still be processed: raise --timeout to wait longer",
				res.Token, stoppedReason(parent, opts.timeout, "waiting"))
		}
		return fail("%v", err)
	}
	projectUUID := req.ProjectUUID
	if projectUUID == "" {
		projectUUID = res.ProjectUUID
	}
	if projectUUID == "" {
		p, err := client.LookupProject(ctx, req.ProjectName, req.ProjectVersion)
		if err != nil {
			return fail("%v", err)
		}
		projectUUID = p.UUID
	}
	findings, err := client.Findings(ctx, projectUUID)
	if err != nil {
		return fail("%v", err)
	}
	counts := dtrack.Count(findings)
	fmt.Fprintf(env.stdout, "processed; project %s (%s) has %s: %s\n", describeProject(req), projectUUID, plural.Count(counts.Total(), "finding"), counts)
	if opts.failOnSet {
		if n := counts.AtLeast(opts.failOn); n > 0 {
			return exitCode{code: exitPolicy, msg: fmt.Sprintf("upload: %s at severity %s or higher (--fail-on-severity %s)", plural.Count(n, "finding"), opts.failOn, opts.failOn)}
		}
	}
	return nil
}

// stoppedReason says why ctx (derived from parent with timeout) ended.
func stoppedReason(parent context.Context, timeout time.Duration, what string) string {
	if parent.Err() != nil {
		return what + " was interrupted"
	}
	return fmt.Sprintf("%s stopped after --timeout %s", what, timeout)
}

func describeProject(r dtrack.UploadRequest) string {
	if r.ProjectUUID != "" {
		return r.ProjectUUID
	}
	return fmt.Sprintf("%q version %q", r.ProjectName, r.ProjectVersion)
}

// redact removes secret from s.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[REDACTED]")
}
