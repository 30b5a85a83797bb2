package capture

import (
	"fmt"
	"strings"
)

// ExpectFunc returns, when a response starts, the digests its body must
// have because a registry published them earlier in the run (an npm
// packument's integrity for the tarball, the digest in an OCI blob's URL,
// a Maven .sha1 fetched before its jar): Algorithm "sha256", "sha512" or
// "sha1", Value in hex. Nil or empty: nothing is expected. x holds the
// request and response fields known then; it must not be kept. The body
// gets the digests of the expected algorithms (see HashesFunc) for the
// check to be made.
//
// With an ExpectFunc the proxy holds back the last holdBack bytes of such
// a body until it has ended and its digests are compared: on a mismatch
// the client never gets the body whole (the transfer is cut before its
// last bytes), so that even a client that does not check digests itself
// fails there.
type ExpectFunc func(x *Exchange) []Digest

// holdBack is how many of a checked body's last bytes wait for its check.
const holdBack = 4 << 10

// expectHashes is the digests a body needs for the expected ones.
func expectHashes(expected []Digest) Hashes {
	var hs Hashes
	for _, d := range expected {
		switch d.Algorithm {
		case "sha512":
			hs |= HashSHA512
		case "sha1":
			hs |= HashSHA1
		}
	}
	return hs
}

// checkExpected compares the digests of a body with those expected: for
// each algorithm expected, one of the values must match. It returns why
// they do not, "" when they do.
func checkExpected(expected []Digest, got Digests) string {
	byAlg := map[string][]string{}
	for _, d := range expected {
		byAlg[d.Algorithm] = append(byAlg[d.Algorithm], strings.ToLower(d.Value))
	}
	for _, alg := range []string{"sha256", "sha512", "sha1"} {
		want := byAlg[alg]
		if len(want) == 0 {
			continue
		}
		var have string
		switch alg {
		case "sha256":
			have = got.SHA256
		case "sha512":
			have = got.SHA512
		case "sha1":
			have = got.SHA1
		}
		if have == "" {
			continue
		}
		match := false
		for _, w := range want {
			match = match || w == have
		}
		if !match {
			return fmt.Sprintf("digest mismatch: the body's %s is %s, the registry published %s; "+
				"depaudit held back its last bytes and cut the transfer (enforce)", alg, have, strings.Join(want, " or "))
		}
	}
	return ""
}
