package license

import "testing"

func TestNormalize(t *testing.T) {
	for raw, want := range map[string]License{
		"Apache-2.0":            {ID: "Apache-2.0"},
		"apache-2.0":            {ID: "Apache-2.0"},
		" MIT ":                 {ID: "MIT"},
		"MIT OR Apache-2.0":     {Expression: "MIT OR Apache-2.0"},
		"The MIT License (MIT)": {Name: "The MIT License (MIT)"},
		"The Apache Software License, Version 2.0": {Name: "The Apache Software License, Version 2.0"},
		"": {Name: ""},
	} {
		if got := Normalize(raw); got != want {
			t.Errorf("Normalize(%q) = %+v, want %+v", raw, got, want)
		}
	}
}

// FuzzNormalize: any text gives exactly one of the three forms, or an
// empty name for empty text, and never panics.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"MIT", "MIT AND (GPL-2.0-only WITH Classpath-exception-2.0)", "(", "LicenseRef-x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		l := Normalize(raw)
		n := 0
		for _, s := range []string{l.ID, l.Expression, l.Name} {
			if s != "" {
				n++
			}
		}
		if n > 1 {
			t.Fatalf("Normalize(%q) = %+v: more than one form", raw, l)
		}
	})
}
