package classify_test

import (
	"fmt"

	"github.com/depaudit/depaudit/classify"
)

func Example() {
	set := classify.Default()
	for _, u := range []string{
		"https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz",
		"https://proxy.golang.org/github.com/%21burnt%21sushi/toml/@v/v1.6.0.zip",
		"https://repo1.maven.org/maven2/org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0.jar.sha1",
		"https://pypi.org/simple/zope.interface/",
		"https://api.example.com/v1/things",
	} {
		f := set.Classify(classify.Request{URL: u})
		fmt.Println(f.Kind, f.Ecosystem, f.PURL)
	}
	// Output:
	// artifact npm pkg:npm/%40babel/core@7.23.0
	// artifact golang pkg:golang/github.com/BurntSushi/toml@v1.6.0
	// sidecar maven pkg:maven/org.apache.commons/commons-lang3@3.14.0
	// metadata pypi pkg:pypi/zope-interface
	// unclassified
}

// A private registry goes in front of the built-in classifiers; its purls
// name it in repository_url.
func ExampleSet_Prepend() {
	npm, err := classify.NewNPM("https://npm.example.com/repository/npm-group/")
	if err != nil {
		fmt.Println(err)
		return
	}
	set := classify.Default().Prepend(npm)
	f := set.Classify(classify.Request{URL: "https://npm.example.com/repository/npm-group/left-pad/-/left-pad-1.3.0.tgz"})
	fmt.Println(f.Kind, f.PURL)
	// Output:
	// artifact pkg:npm/left-pad@1.3.0?repository_url=https:%2F%2Fnpm.example.com%2Frepository%2Fnpm-group
}
