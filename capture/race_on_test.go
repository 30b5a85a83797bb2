//go:build race

package capture

// raceEnabled reports whether the tests run under the race detector, which
// makes the proxy's work several times slower.
const raceEnabled = true
