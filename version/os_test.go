package version

import "testing"

func TestCompareOSPackages(t *testing.T) {
	ascending(t, Deb, []string{"1.0~rc1-1", "1.0-1", "1.0-1+b1", "1.0-2", "1.0a-1", "1.1~~", "1.1~", "1.1", "1.10", "2.10-3", "1:0.1-1", "2:0.0.1"})
	ascending(t, RPM, []string{"1.0~rc1-1.fc40", "1.0-1.fc40", "1.0-2.fc40", "1.0^git1-1", "1.0.1-1", "1.10-1", "8.6.0-1.fc40", "1:0.1-1"})
	ascending(t, APK, []string{"8.5.0_alpha1-r0", "8.5.0_rc1-r0", "8.5.0-r0", "8.5.0-r1", "8.5.0-r10", "8.5.0_p1-r0", "8.5.1-r0", "8.10.0-r0"})
	equivalent(t, Deb, []string{"0:1.0-1", "1.0-1"})
	for _, tc := range []struct{ eco, v string }{{Deb, "a:1"}, {Deb, ""}, {RPM, ""}, {APK, "not a version"}} {
		if _, ok := Compare(tc.eco, tc.v, "1.0"); ok {
			t.Errorf("%s: %q ordered", tc.eco, tc.v)
		}
	}
}
