// Package fakeregistry is a TEST-ONLY fake of the public package registries
// that depaudit classifies. It must never be imported by non-test code.
//
// A [Server] listens on 127.0.0.1 (random ports) and serves, over TLS with a
// certificate from its own in-memory test CA, the registries under their
// real public hostnames: registry.npmjs.org, registry.yarnpkg.com, pypi.org,
// files.pythonhosted.org, proxy.golang.org, index.crates.io,
// static.crates.io, crates.io, repo.maven.apache.org, repo1.maven.org,
// github.com (release assets, source archives and git smart-HTTP through
// `git http-backend`), codeload.github.com, objects.githubusercontent.com
// and a generic download host, downloads.example-tools.test. A second,
// plain-HTTP listener serves the same hosts for plain-HTTP proxy tests.
//
// Real clients reach it through a proxy whose upstream dialer is
// [Server.DialContext] and whose upstream trust is [Server.RootCAs]: clients
// send CONNECT host:443 and never resolve the names themselves.
//
// Every fixture is generated deterministically in memory at start-up (npm
// packuments and tarballs, PyPI simple pages, wheels and sdists, Go module
// zips, crates and the sparse index, Maven poms and jars with .sha1
// sidecars, a GitHub release asset, an installer script and a binary), so
// the same [Options] always give the same bytes. [Server.Manifest] lists
// every file with its digests and the purl it should be classified as, and
// [Server.Served] lists every response actually sent.
package fakeregistry
