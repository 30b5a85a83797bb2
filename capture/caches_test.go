package capture

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFreshCacheEnv(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".cargo"), 0o700); err != nil {
		t.Fatal(err)
	}
	const cargoConfig = "[net]\nretry = 0\n"
	os.WriteFile(filepath.Join(home, ".cargo", "config.toml"), []byte(cargoConfig), 0o600)
	os.WriteFile(filepath.Join(home, ".cargo", "credentials.toml"), []byte("secret"), 0o600)
	dir := filepath.Join(t.TempDir(), "caches")
	env, err := FreshCacheEnv([]string{"HOME=" + home, "GOMODCACHE=/warm/mod", "GOFLAGS=-mod=mod",
		"MAVEN_OPTS=-Dhttp.proxyHost=127.0.0.1", "npm_config_cache=/warm/npm", "PATH=/bin"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	get := lookup(env)
	for k, want := range map[string]string{
		"npm_config_cache":         filepath.Join(dir, "npm"),
		"npm_config_store_dir":     filepath.Join(dir, "pnpm-store"),
		"YARN_CACHE_FOLDER":        filepath.Join(dir, "yarn"),
		"YARN_ENABLE_GLOBAL_CACHE": "false",
		"PIP_CACHE_DIR":            filepath.Join(dir, "pip"),
		"GOMODCACHE":               filepath.Join(dir, "gomod"),
		"GOFLAGS":                  "-mod=mod -modcacherw",
		"CARGO_HOME":               filepath.Join(dir, "cargo"),
		"MAVEN_OPTS":               "-Dhttp.proxyHost=127.0.0.1 -Dmaven.repo.local=" + filepath.Join(dir, "maven"),
		"GRADLE_USER_HOME":         filepath.Join(dir, "gradle"),
		"PATH":                     "/bin",
	} {
		if got := get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	seen := map[string]bool{}
	for _, kv := range env {
		k, _, _ := cutEq(kv)
		if seen[k] {
			t.Errorf("%s set twice", k)
		}
		seen[k] = true
	}
	if b, err := os.ReadFile(filepath.Join(dir, "cargo", "config.toml")); err != nil || string(b) != cargoConfig {
		t.Errorf("cargo config not copied: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cargo", "credentials.toml")); !os.IsNotExist(err) {
		t.Errorf("cargo credentials copied: %v", err)
	}
}

func cutEq(kv string) (string, string, bool) {
	for i := 0; i < len(kv); i++ {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return kv, "", false
}

func TestCacheInUse(t *testing.T) {
	env := lookup([]string{"HOME=/home/u", "GOMODCACHE=/cache/mod"})
	for cmd, want := range map[string]string{
		"npm":                 "npm cache /home/u/.npm",
		"/usr/bin/python3.12": "pip cache /home/u/.cache/pip",
		"go":                  "go cache /cache/mod",
		"mvn":                 "Maven cache /home/u/.m2/repository",
		"make":                "",
	} {
		if got := CacheInUse(cmd, env); got != want {
			t.Errorf("CacheInUse(%q) = %q, want %q", cmd, got, want)
		}
	}
}
