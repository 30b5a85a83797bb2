package capture

import (
	"net"
	"net/url"
	"slices"
	"strings"
)

// proxyVars are set to the proxy URL in the child's environment. Each client
// honours a different subset (see the client table in docs/build.md).
var proxyVars = []string{
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
	"npm_config_proxy", "npm_config_https_proxy", "NPM_CONFIG_PROXY", "NPM_CONFIG_HTTPS_PROXY",
	"CARGO_HTTP_PROXY", "PIP_PROXY", "YARN_HTTP_PROXY", "YARN_HTTPS_PROXY",
}

// caVars are set to the CA bundle (system roots + the run's CA).
var caVars = []string{
	"SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "PIP_CERT",
	"npm_config_cafile", "NPM_CONFIG_CAFILE", "NODE_EXTRA_CA_CERTS", "GIT_SSL_CAINFO",
	"CARGO_HTTP_CAINFO", "YARN_CA_FILE_PATH", "DENO_CERT", "AWS_CA_BUNDLE",
}

// removedVars are dropped from the child's environment: they would let
// requests bypass the proxy or point clients at another one.
var removedVars = []string{
	"NO_PROXY", "no_proxy", "npm_config_noproxy", "NPM_CONFIG_NOPROXY", "ALL_PROXY", "all_proxy",
	"npm_config_no_proxy", "GIT_PROXY_COMMAND",
}

// fixedVars are set to these values: git (libcurl) otherwise first tries
// each tunnel without the proxy credential and retries after the 407.
var fixedVars = [][2]string{
	{"GIT_HTTP_PROXY_AUTHMETHOD", "basic"},
}

// jvmVars get JVM system properties appended.
var jvmVars = []string{"MAVEN_OPTS", "GRADLE_OPTS"}

// EnvOptions say how to build the child's environment.
type EnvOptions struct {
	// ProxyURL is the proxy's URL with its credential.
	ProxyURL string
	// JVMProxyURL is the proxy port for JVM clients (see Proxy.JVMURL);
	// empty means ProxyURL.
	JVMProxyURL string
	// CABundle is the path of the PEM bundle: system roots plus the run's CA.
	CABundle string
	// TrustStore is the path of the PKCS#12 trust store for the JVM (system
	// roots plus the run's CA, no password); empty to skip JVM options.
	TrustStore string
	// WgetRC and AptConfig are the paths of generated wget and apt
	// configuration files; empty to leave those clients unconfigured.
	WgetRC, AptConfig string
	// NoProxy lists hosts the user wants to reach without the proxy.
	NoProxy []string
	// JavaToolOptions also appends the JVM options to JAVA_TOOL_OPTIONS,
	// which every JVM reads (and announces on stderr).
	JavaToolOptions bool
}

// ChildEnv returns the environment for the child: parent with every proxy
// and CA variable replaced (both cases), bypass lists removed except the
// hosts in opts.NoProxy, and JVM options appended to what the user had.
// parent is not modified.
func ChildEnv(parent []string, opts EnvOptions) []string {
	drop := map[string]bool{}
	for _, k := range slices.Concat(proxyVars, caVars, removedVars) {
		drop[k] = true
	}
	for _, kv := range fixedVars {
		drop[kv[0]] = true
	}
	if opts.WgetRC != "" {
		drop["WGETRC"] = true
	}
	if opts.AptConfig != "" {
		drop["APT_CONFIG"] = true
	}
	var out []string
	existing := map[string]string{}
	for _, kv := range parent {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if drop[k] {
			continue
		}
		if slices.Contains(jvmVars, k) || k == "JAVA_TOOL_OPTIONS" {
			existing[k] = v
			continue
		}
		out = append(out, kv)
	}
	for _, k := range proxyVars {
		out = append(out, k+"="+opts.ProxyURL)
	}
	for _, k := range caVars {
		out = append(out, k+"="+opts.CABundle)
	}
	for _, kv := range fixedVars {
		out = append(out, kv[0]+"="+kv[1])
	}
	if len(opts.NoProxy) > 0 {
		list := strings.Join(opts.NoProxy, ",")
		out = append(out, "NO_PROXY="+list, "no_proxy="+list, "npm_config_noproxy="+list)
	}
	if opts.WgetRC != "" {
		out = append(out, "WGETRC="+opts.WgetRC)
	}
	if opts.AptConfig != "" {
		out = append(out, "APT_CONFIG="+opts.AptConfig)
	}
	jvm := JVMOptions(opts)
	targets := slices.Clone(jvmVars)
	if opts.JavaToolOptions {
		targets = append(targets, "JAVA_TOOL_OPTIONS")
	}
	for _, k := range targets {
		v := existing[k]
		delete(existing, k)
		if jvm != "" {
			if v != "" {
				v += " "
			}
			v += jvm
		}
		if v != "" {
			out = append(out, k+"="+v)
		}
	}
	for _, k := range []string{"MAVEN_OPTS", "GRADLE_OPTS", "JAVA_TOOL_OPTIONS"} {
		if v, ok := existing[k]; ok {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// JVMOptions returns the Java system properties that send a JVM's HTTP(S)
// traffic through the proxy's JVM port and make it trust the run's CA.
// They never hold the proxy credential: Maven and Gradle put these options
// on the java command line, which every user can read in /proc. The JVM
// port admits depaudit's own user's connections without it (see peer.go).
func JVMOptions(opts EnvOptions) string {
	proxyURL := opts.JVMProxyURL
	if proxyURL == "" {
		proxyURL = opts.ProxyURL
	}
	if opts.TrustStore == "" || proxyURL == "" {
		return ""
	}
	u, err := url.Parse(proxyURL)
	if err != nil {
		return ""
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return ""
	}
	var b []string
	for _, scheme := range []string{"http", "https"} {
		b = append(b, "-D"+scheme+".proxyHost="+host, "-D"+scheme+".proxyPort="+port)
	}
	nonProxy := "-Dhttp.nonProxyHosts="
	if len(opts.NoProxy) > 0 {
		nonProxy += strings.Join(opts.NoProxy, "|")
	}
	b = append(b, nonProxy,
		"-Djavax.net.ssl.trustStore="+opts.TrustStore,
		"-Djavax.net.ssl.trustStoreType=PKCS12",
	)
	return strings.Join(b, " ")
}
