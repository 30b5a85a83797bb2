// Package plural writes counts of things in English for depaudit's
// messages: "1 request", "3 requests".
package plural

import "strconv"

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
