package spdx

import (
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

func TestDeclaredLicense(t *testing.T) {
	id := func(s string) cdx.LicenseChoice { return cdx.LicenseChoice{License: &cdx.License{ID: s}} }
	name := func(s string) cdx.LicenseChoice { return cdx.LicenseChoice{License: &cdx.License{Name: s}} }
	for _, c := range []struct {
		in                 *cdx.Licenses
		declared, comments string
	}{
		{nil, "", ""},
		{&cdx.Licenses{id("Apache-2.0")}, "Apache-2.0", ""},
		{&cdx.Licenses{id("MIT"), id("Apache-2.0")}, "MIT AND Apache-2.0", ""},
		{&cdx.Licenses{{Expression: "(MIT OR GPL-2.0-only) AND BSD-3-Clause"}}, "(MIT OR GPL-2.0-only) AND BSD-3-Clause", ""},
		{&cdx.Licenses{id("MIT"), name("The Foo License")}, "NOASSERTION", "Licences as published: MIT; The Foo License"},
	} {
		d, cm := declaredLicense(&cdx.Component{Licenses: c.in})
		if d != c.declared || cm != c.comments {
			t.Errorf("%v: %q %q, want %q %q", c.in, d, cm, c.declared, c.comments)
		}
	}
}
