package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// clientCache is where one package client keeps the downloads it serves
// again without asking the network: a build it runs from a warm cache
// fetches nothing, and its SBOM is empty.
type clientCache struct {
	// name names the client in messages.
	name string
	// commands are the base names of the executables that run it.
	commands []string
	// vars point the cache elsewhere, each to a subdirectory (named by
	// the value) of the run's fresh cache dir. The first one says where
	// the cache is when set.
	vars [][2]string
	// defaultDir is the cache's place, under HOME, when vars[0] is unset.
	defaultDir string
	// setup, when set, adjusts the child's environment further for a
	// fresh cache at dir (the JVM options, a flag).
	setup func(env []string, dir string) []string
}

// clientCaches lists the download caches of the clients depaudit knows.
// A new ecosystem's client plugs in here: its variables (or, for a JVM
// tool, its system property) then point at an empty directory under
// --fresh-caches, and a warm-cache build names its cache.
var clientCaches = []clientCache{
	{name: "npm", commands: []string{"npm", "npx"}, vars: [][2]string{{"npm_config_cache", "npm"}}, defaultDir: ".npm"},
	{name: "pnpm", commands: []string{"pnpm", "pnpx"}, vars: [][2]string{{"npm_config_store_dir", "pnpm-store"}, {"npm_config_cache_dir", "pnpm-cache"}},
		defaultDir: ".local/share/pnpm/store"},
	{name: "yarn", commands: []string{"yarn"}, vars: [][2]string{{"YARN_CACHE_FOLDER", "yarn"}, {"YARN_ENABLE_GLOBAL_CACHE", ""}},
		defaultDir: ".cache/yarn"},
	{name: "pip", commands: []string{"pip", "pip3", "python", "python3"}, vars: [][2]string{{"PIP_CACHE_DIR", "pip"}}, defaultDir: ".cache/pip"},
	{name: "uv", commands: []string{"uv", "uvx"}, vars: [][2]string{{"UV_CACHE_DIR", "uv"}}, defaultDir: ".cache/uv"},
	{name: "go", commands: []string{"go"}, vars: [][2]string{{"GOMODCACHE", "gomod"}}, defaultDir: "go/pkg/mod",
		setup: func(env []string, _ string) []string {
			// The module cache is read-only unless told otherwise, and
			// the run's temp dir must be removable.
			return appendEnvWord(env, "GOFLAGS", "-modcacherw")
		}},
	{name: "cargo", commands: []string{"cargo"}, vars: [][2]string{{"CARGO_HOME", "cargo"}}, defaultDir: ".cargo"},
	{name: "Maven", commands: []string{"mvn", "mvnw"}, defaultDir: ".m2/repository",
		setup: func(env []string, dir string) []string {
			return appendEnvWord(env, "MAVEN_OPTS", "-Dmaven.repo.local="+filepath.Join(dir, "maven"))
		}},
	{name: "Gradle", commands: []string{"gradle", "gradlew"}, vars: [][2]string{{"GRADLE_USER_HOME", "gradle"}}, defaultDir: ".gradle"},
	{name: "Composer", commands: []string{"composer"}, vars: [][2]string{{"COMPOSER_CACHE_DIR", "composer"}}, defaultDir: ".cache/composer"},
	{name: "NuGet", commands: []string{"dotnet", "nuget"}, vars: [][2]string{{"NUGET_PACKAGES", "nuget"}}, defaultDir: ".nuget/packages"},
}

// FreshCacheEnv points the download cache of every known client at an
// empty directory under dir (created here), so that a build records every
// download whatever the machine had cached. env is the child's
// environment; the result replaces it. The user's cargo configuration
// (config.toml, not its credentials) is copied into the fresh CARGO_HOME.
func FreshCacheEnv(env []string, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("fresh caches: %w", err)
	}
	cargoHome := lookup(env)("CARGO_HOME")
	if home := lookup(env)("HOME"); cargoHome == "" && home != "" {
		cargoHome = filepath.Join(home, ".cargo")
	}
	for _, c := range clientCaches {
		for _, v := range c.vars {
			val := "false"
			if v[1] != "" {
				val = filepath.Join(dir, v[1])
			}
			env = setEnv(env, v[0], val)
		}
		if c.setup != nil {
			env = c.setup(env, dir)
		}
	}
	if err := copyCargoConfig(cargoHome, filepath.Join(dir, "cargo")); err != nil {
		return nil, fmt.Errorf("fresh caches: %w", err)
	}
	return env, nil
}

// copyCargoConfig copies the user's cargo configuration (registries,
// mirrors, net settings) from the CARGO_HOME from into the fresh one, to.
func copyCargoConfig(from, to string) error {
	if from == "" {
		return nil
	}
	for _, name := range []string{"config.toml", "config"} {
		b, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			continue
		}
		if err := os.MkdirAll(to, 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// CacheInUse names the download cache the client that command runs would
// serve from ("npm cache /home/u/.npm"), or "" for a command that is no
// known client. getenv reads the command's environment.
func CacheInUse(command string, getenv func(string) string) string {
	base := filepath.Base(command)
	for _, c := range clientCaches {
		for _, cmd := range c.commands {
			if base != cmd && !strings.HasPrefix(base, cmd+".") { // python3.12, pip3.11
				continue
			}
			where := ""
			if len(c.vars) > 0 {
				where = getenv(c.vars[0][0])
			}
			if where == "" && getenv("HOME") != "" {
				where = filepath.Join(getenv("HOME"), c.defaultDir)
			}
			return c.name + " cache " + where
		}
	}
	return ""
}

// setEnv sets k to v in env, replacing any earlier value.
func setEnv(env []string, k, v string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if key, _, _ := strings.Cut(kv, "="); key != k {
			out = append(out, kv)
		}
	}
	return append(out, k+"="+v)
}

// appendEnvWord appends a space-separated word to k's value in env.
func appendEnvWord(env []string, k, word string) []string {
	v := lookup(env)(k)
	if v != "" {
		v += " "
	}
	return setEnv(env, k, v+word)
}

// lookup returns a getenv over env (the last value of a key wins).
func lookup(env []string) func(string) string {
	return func(k string) string {
		v := ""
		for _, kv := range env {
			if key, val, ok := strings.Cut(kv, "="); ok && key == k {
				v = val
			}
		}
		return v
	}
}
