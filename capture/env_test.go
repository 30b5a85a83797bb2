package capture

import (
	"slices"
	"strings"
	"testing"
)

func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := m[k]; dup {
			m[k+"#dup"] = v
		}
		m[k] = v
	}
	return m
}

func TestChildEnv(t *testing.T) {
	parent := []string{
		"PATH=/usr/bin", "HOME=/home/u",
		"HTTPS_PROXY=http://corp:3128", "https_proxy=http://corp:3128",
		"NO_PROXY=internal.example,.corp", "no_proxy=internal.example", "npm_config_noproxy=x",
		"ALL_PROXY=socks5://corp:1080",
		"SSL_CERT_FILE=/etc/custom.pem", "npm_config_cafile=/old.pem",
		"MAVEN_OPTS=-Xmx2g", "JAVA_TOOL_OPTIONS=-Dfoo=bar",
	}
	orig := slices.Clone(parent)
	opts := EnvOptions{
		ProxyURL:   "http://depaudit:tok@127.0.0.1:4321",
		CABundle:   "/tmp/d/ca-bundle.pem",
		TrustStore: "/tmp/d/truststore.p12",
		WgetRC:     "/tmp/d/wgetrc",
		AptConfig:  "/tmp/d/apt.conf",
	}
	env := ChildEnv(parent, opts)
	if !slices.Equal(parent, orig) {
		t.Fatal("parent environment modified")
	}
	m := envMap(env)
	for k := range m {
		if strings.HasSuffix(k, "#dup") {
			t.Errorf("variable %s set twice", strings.TrimSuffix(k, "#dup"))
		}
	}
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "npm_config_proxy", "npm_config_https_proxy", "CARGO_HTTP_PROXY", "PIP_PROXY"} {
		if m[k] != opts.ProxyURL {
			t.Errorf("%s = %q", k, m[k])
		}
	}
	for _, k := range []string{"SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "PIP_CERT", "npm_config_cafile", "NODE_EXTRA_CA_CERTS", "GIT_SSL_CAINFO", "CARGO_HTTP_CAINFO"} {
		if m[k] != opts.CABundle {
			t.Errorf("%s = %q", k, m[k])
		}
	}
	for _, k := range []string{"NO_PROXY", "no_proxy", "npm_config_noproxy", "ALL_PROXY"} {
		if _, ok := m[k]; ok {
			t.Errorf("%s kept: %q", k, m[k])
		}
	}
	if m["PATH"] != "/usr/bin" || m["HOME"] != "/home/u" {
		t.Error("unrelated variables lost")
	}
	if !strings.HasPrefix(m["MAVEN_OPTS"], "-Xmx2g ") ||
		!strings.Contains(m["MAVEN_OPTS"], "-Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=4321") ||
		!strings.Contains(m["MAVEN_OPTS"], "-Djavax.net.ssl.trustStore=/tmp/d/truststore.p12") ||
		!strings.Contains(m["MAVEN_OPTS"], "-Djavax.net.ssl.trustStoreType=PKCS12") ||
		!strings.Contains(m["MAVEN_OPTS"], "-Dhttp.nonProxyHosts= ") {
		t.Errorf("MAVEN_OPTS = %q", m["MAVEN_OPTS"])
	}
	if m["GRADLE_OPTS"] != JVMOptions(opts) {
		t.Errorf("GRADLE_OPTS = %q", m["GRADLE_OPTS"])
	}
	if m["JAVA_TOOL_OPTIONS"] != "-Dfoo=bar" {
		t.Errorf("JAVA_TOOL_OPTIONS changed without being asked: %q", m["JAVA_TOOL_OPTIONS"])
	}
	if m["GIT_HTTP_PROXY_AUTHMETHOD"] != "basic" {
		t.Errorf("GIT_HTTP_PROXY_AUTHMETHOD = %q", m["GIT_HTTP_PROXY_AUTHMETHOD"])
	}
	if m["WGETRC"] != opts.WgetRC || m["APT_CONFIG"] != opts.AptConfig {
		t.Error("wget/apt configuration not set")
	}
}

func TestChildEnvNoProxyAndJavaToolOptions(t *testing.T) {
	env := envMap(ChildEnv([]string{"NO_PROXY=a,b"}, EnvOptions{
		ProxyURL: "http://u:p@127.0.0.1:1", CABundle: "/b", TrustStore: "/t",
		NoProxy: []string{"artifactory.corp", ".internal"}, JavaToolOptions: true,
	}))
	if env["NO_PROXY"] != "artifactory.corp,.internal" || env["no_proxy"] != env["NO_PROXY"] {
		t.Errorf("NO_PROXY = %q", env["NO_PROXY"])
	}
	if !strings.Contains(env["JAVA_TOOL_OPTIONS"], "-Dhttp.nonProxyHosts=artifactory.corp|.internal") {
		t.Errorf("JAVA_TOOL_OPTIONS = %q", env["JAVA_TOOL_OPTIONS"])
	}
	// JVM options end up on the java command line, which every user can
	// read: the credential is never among them.
	for _, k := range []string{"JAVA_TOOL_OPTIONS", "MAVEN_OPTS", "GRADLE_OPTS"} {
		if strings.Contains(env[k], "proxyPassword") || strings.Contains(env[k], "proxyUser") || strings.Contains(env[k], ":p@") ||
			strings.Contains(env[k], "=p ") {
			t.Errorf("%s holds the proxy credential: %q", k, env[k])
		}
	}
}
