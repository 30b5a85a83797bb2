package depgraph

import (
	"slices"
	"testing"
)

// pipUA is the User-Agent of pip 23.0.1 on CPython 3.11.2 on Linux.
const pipUA = `pip/23.0.1 {"ci":null,"cpu":"x86_64","distro":{"id":"bookworm","libc":{"lib":"glibc","version":"2.36"},"name":"Debian GNU/Linux","version":"12"},"implementation":{"name":"CPython","version":"3.11.2"},"installer":{"name":"pip","version":"23.0.1"},"python":"3.11.2","system":{"name":"Linux","release":"6.1.0-13-amd64"}}`

func TestPipEnvironment(t *testing.T) {
	env := PipEnvironment(pipUA)
	want := map[string]string{"python_version": "3.11", "python_full_version": "3.11.2", "implementation_name": "cpython",
		"implementation_version": "3.11.2", "platform_python_implementation": "CPython", "platform_machine": "x86_64",
		"platform_system": "Linux", "platform_release": "6.1.0-13-amd64", "sys_platform": "linux", "os_name": "posix"}
	if len(env) != len(want) {
		t.Errorf("env %v", env)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	uv := PipEnvironment(`uv/0.4.18 {"installer":{"name":"uv","version":"0.4.18"},"python":"3.12.4","implementation":{"name":"CPython","version":"3.12.4"},"system":{"name":"Darwin","release":"23.6.0"},"cpu":"arm64"}`)
	if uv["python_version"] != "3.12" || uv["sys_platform"] != "darwin" || uv["platform_machine"] != "arm64" {
		t.Errorf("uv's environment %v", uv)
	}
	for _, ua := range []string{"npm/10.2.4 node/v20.11.1", "pip/23.0.1", "pip/23.0.1 {not json", `poetry/1.8.2 {"python":"3.12"}`} {
		if env := PipEnvironment(ua); env != nil {
			t.Errorf("%q: %v", ua, env)
		}
	}
}

func TestEvalMarker(t *testing.T) {
	env := PipEnvironment(pipUA)
	extras := map[string]bool{"socks": true}
	for _, tc := range []struct {
		marker string
		want   truth
	}{
		{`python_version < "3.10"`, no},
		{`python_version >= "3.8"`, yes},
		{`"3.12" > python_version`, yes},
		{`python_full_version == "3.11.2"`, yes},
		{`sys_platform == "win32"`, no},
		{`sys_platform != "win32" and platform_machine == "x86_64"`, yes},
		{`(sys_platform == "win32" or python_version < "3.9") and os_name == "posix"`, no},
		{`extra == "socks"`, yes},
		{`extra == "SOCKS"`, yes},
		{`extra == 'use_chardet_on_py3'`, no},
		{`platform_version == "#1 SMP"`, unknown},
		{`platform_version == "x" and sys_platform == "win32"`, no},
		{`platform_version == "x" or sys_platform == "linux"`, yes},
		{`"linux" in sys_platform`, yes},
		{`"arm" not in platform_machine`, yes},
		{`python_version <`, unknown},
		{`python_version < "3.10`, unknown},
		{`(python_version < "3.10"`, unknown},
	} {
		if got := evalMarker(tc.marker, env, extras); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.marker, got, tc.want)
		}
	}
	if got := evalMarker(`python_version < "3.10"`, nil, nil); got != unknown {
		t.Errorf("without an environment: %v", got)
	}
}

func TestParsePyPIRequirement(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want pypiRequirement
	}{
		{"requests", pypiRequirement{name: "requests"}},
		{"Typing_Extensions>=4.0", pypiRequirement{name: "typing-extensions", spec: ">=4.0"}},
		{"requests[SOCKS, security] (>=2.0,<3) ; python_version >= \"3.8\"", pypiRequirement{name: "requests", extras: []string{"socks", "security"}, spec: ">=2.0,<3", marker: `python_version >= "3.8"`}},
		{"pkg @ https://example.com/pkg-1.0.tar.gz", pypiRequirement{name: "pkg", url: true}},
	} {
		got, ok := parsePyPIRequirement(tc.in)
		if !ok || got.name != tc.want.name || !slices.Equal(got.extras, tc.want.extras) || got.spec != tc.want.spec || got.url != tc.want.url || got.marker != tc.want.marker {
			t.Errorf("%q: %+v, want %+v", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"", "  ", "[x]", "a[b"} {
		if _, ok := parsePyPIRequirement(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestBuildPyPI: edges by PEP 440 specifiers over normalised names,
// markers evaluated in pip's environment, extras-gated requirements only
// for the extras some requirement asked for.
func TestBuildPyPI(t *testing.T) {
	pkgs := []Package{
		{Ref: "app", Ecosystem: "pypi", Name: "app", Version: "1.0.0"},
		{Ref: "requests", Ecosystem: "pypi", Name: "requests", Version: "2.31.0"},
		{Ref: "urllib3", Ecosystem: "pypi", Name: "urllib3", Version: "2.1.0"},
		{Ref: "pysocks", Ecosystem: "pypi", Name: "pysocks", Version: "1.7.1"},
		{Ref: "chardet", Ecosystem: "pypi", Name: "chardet", Version: "5.2.0"},
		{Ref: "te", Ecosystem: "pypi", Name: "typing-extensions", Version: "4.9.0"},
		{Ref: "im", Ecosystem: "pypi", Name: "importlib-metadata", Version: "7.0.1"},
		{Ref: "win", Ecosystem: "pypi", Name: "colorama", Version: "0.4.6"},
	}
	reqs := map[string][]string{
		"app": {"requests[socks]>=2.30", "Typing_Extensions (>=4.0)", "colorama; sys_platform == \"win32\"", "tomli>=1; python_version < \"3.11\""},
		"requests": {"urllib3<3,>=1.21.1", "PySocks!=1.5.7,>=1.5.6; extra == \"socks\"", "chardet<6,>=3.0.2; extra == \"use-chardet-on-py3\"",
			"importlib-metadata>=4; platform_version == \"unknown to pip's User-Agent\""},
		"urllib3": {}, "pysocks": {}, "chardet": {}, "te": {}, "im": {}, "win": {},
	}
	g := BuildWith(Options{PythonEnv: PipEnvironment(pipUA)}, pkgs, func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok })
	for ref, w := range map[string][]string{"app": {"requests", "te"}, "requests": {"im", "pysocks", "urllib3"}} {
		if got := g.DependsOn[ref]; !slices.Equal(got, w) {
			t.Errorf("%s depends on %v, want %v", ref, got, w)
		}
	}
	if !slices.Equal(g.Roots, []string{"app", "chardet", "win"}) {
		t.Errorf("roots %v", g.Roots)
	}
	// Without the environment, markers on it are undecided: edges kept.
	g = Build(pkgs, func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok })
	if got := g.DependsOn["app"]; !slices.Equal(got, []string{"requests", "te", "win"}) {
		t.Errorf("without the environment, app depends on %v", got)
	}
}
