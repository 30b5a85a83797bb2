package version_test

import (
	"fmt"

	"github.com/depaudit/depaudit/version"
)

func ExampleCompare() {
	for _, v := range [][3]string{
		{"npm", "1.2.9", "1.10.0"},
		{"golang", "v1.2.4-0.20200101000000-abcdef123456", "v1.2.3"},
		{"pypi", "1.0rc1", "1.0"},
		{"maven", "1.0.RELEASE", "1.0"},
		{"swid", "1.0", "1.1"},
	} {
		c, ok := version.Compare(v[0], v[1], v[2])
		fmt.Println(v[0], v[1], v[2], c, ok)
	}
	// Output:
	// npm 1.2.9 1.10.0 -1 true
	// golang v1.2.4-0.20200101000000-abcdef123456 v1.2.3 1 true
	// pypi 1.0rc1 1.0 -1 true
	// maven 1.0.RELEASE 1.0 0 true
	// swid 1.0 1.1 0 false
}
