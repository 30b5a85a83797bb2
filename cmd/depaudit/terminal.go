package main

import (
	"github.com/depaudit/depaudit/internal/termsafe"
)

// termSafe escapes, in what depaudit prints, what a terminal acts on (see
// package termsafe).
type termSafe = termsafe.Writer

// escapeTerminal returns s with what a terminal acts on escaped.
func escapeTerminal(s string) string { return termsafe.String(s) }

// withSafeStderr returns a copy of env whose standard error escapes what a
// terminal acts on: for depaudit's own messages, never for a child's.
func (env *appEnv) withSafeStderr() *appEnv {
	e := *env
	if _, ok := e.stderr.(termSafe); !ok {
		e.stderr = termSafe{W: e.stderr}
	}
	return &e
}
