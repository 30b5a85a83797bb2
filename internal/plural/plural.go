// Package plural writes counts of things in English for depaudit's
// messages: "1 request", "3 requests".
package plural

import (
	"strconv"
	"strings"
)

// Count is n followed by noun, with an "s" unless n is 1: "1 request",
// "0 requests", "3 requests".
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + Noun(n, noun, noun+"s")
}

// Noun is one when n is 1, else many.
func Noun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// List joins items with ", ", the first max of them, and says how many
// more there are: "a, b, c and 49,998 more". A summary line stays a line
// however many hosts a build talked to.
func List(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + " and " + thousands(len(items)-max) + " more"
}

// thousands writes n with a comma between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
