package classify

import (
	"strings"
	"testing"
)

func TestMaven(t *testing.T) {
	const (
		A, M, S, API = KindArtifact, KindMetadata, KindSidecar, KindAPI
		mvn          = EcosystemMaven
		central      = "https://repo1.maven.org/maven2/"
		lang3        = "org/apache/commons/commons-lang3/3.14.0/"
	)
	runRows(t, []row{
		// Central, both hosts: no repository_url.
		get(central+lang3+"commons-lang3-3.14.0.jar", A, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0"),
		get("https://repo.maven.apache.org/maven2/"+lang3+"commons-lang3-3.14.0.jar", A, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0"),
		// Classifiers and non-jar types.
		get(central+lang3+"commons-lang3-3.14.0-sources.jar", A, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0?classifier=sources"),
		get(central+lang3+"commons-lang3-3.14.0-javadoc.jar", A, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0?classifier=javadoc"),
		get(central+"io/netty/netty-transport-native-epoll/4.1.100.Final/netty-transport-native-epoll-4.1.100.Final-linux-x86_64.jar", A, mvn,
			"pkg:maven/io.netty/netty-transport-native-epoll@4.1.100.Final?classifier=linux-x86_64"),
		get(central+"org/apache/maven/apache-maven/3.9.6/apache-maven-3.9.6-bin.tar.gz", A, mvn,
			"pkg:maven/org.apache.maven/apache-maven@3.9.6?classifier=bin&type=tar.gz"),
		get(central+"org/apache/maven/apache-maven/3.9.6/apache-maven-3.9.6-bin.zip", A, mvn,
			"pkg:maven/org.apache.maven/apache-maven@3.9.6?classifier=bin&type=zip"),
		get(central+"org/jenkins-ci/main/jenkins-war/2.440/jenkins-war-2.440.war", A, mvn, "pkg:maven/org.jenkins-ci.main/jenkins-war@2.440?type=war"),
		get(central+"junit/junit/4.13.2/junit-4.13.2.jar", A, mvn, "pkg:maven/junit/junit@4.13.2"),
		get(central+"commons-io/commons-io/2.15.1/commons-io-2.15.1.jar", A, mvn, "pkg:maven/commons-io/commons-io@2.15.1"),
		get(central+"org/junit/jupiter/junit-jupiter-api/5.10.1/junit-jupiter-api-5.10.1-tests.jar", A, mvn,
			"pkg:maven/org.junit.jupiter/junit-jupiter-api@5.10.1?classifier=tests"),
		get(central+"com/google/guava/guava/33.0.0-jre/guava-33.0.0-jre.jar", A, mvn, "pkg:maven/com.google.guava/guava@33.0.0-jre"),
		// Metadata: poms, Gradle module metadata, maven-metadata.xml, listings.
		get(central+lang3+"commons-lang3-3.14.0.pom", M, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0?type=pom"),
		get(central+"com/google/guava/guava/33.0.0-jre/guava-33.0.0-jre.module", M, mvn, "pkg:maven/com.google.guava/guava@33.0.0-jre"),
		get(central+"org/apache/commons/commons-lang3/maven-metadata.xml", M, mvn, "pkg:maven/org.apache.commons/commons-lang3"),
		get(central+"org/apache/commons/commons-lang3/", M, mvn, ""),
		get(central+"org/", M, mvn, ""),
		// Sidecars.
		get(central+lang3+"commons-lang3-3.14.0.jar.sha1", S, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0"),
		get(central+lang3+"commons-lang3-3.14.0.jar.md5", S, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0"),
		get(central+lang3+"commons-lang3-3.14.0.jar.sha256", S, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0"),
		get(central+lang3+"commons-lang3-3.14.0.jar.sha512", S, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0"),
		get(central+lang3+"commons-lang3-3.14.0.jar.asc", S, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0"),
		get(central+lang3+"commons-lang3-3.14.0.jar.asc.sha1", S, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0"),
		get(central+lang3+"commons-lang3-3.14.0.pom.sha1", S, mvn, "pkg:maven/org.apache.commons/commons-lang3@3.14.0?type=pom"),
		get(central+"org/apache/commons/commons-lang3/maven-metadata.xml.sha1", S, mvn, "pkg:maven/org.apache.commons/commons-lang3"),
		// Writes and junk on a known host.
		{method: "PUT", url: central + lang3 + "commons-lang3-3.14.0.jar", kind: API, eco: mvn},
		get(central+"robots.txt", API, mvn, ""),
		// Other known repositories: repository_url.
		get("https://plugins.gradle.org/m2/com/gradle/develocity-gradle-plugin/3.17/develocity-gradle-plugin-3.17.jar", A, mvn,
			"pkg:maven/com.gradle/develocity-gradle-plugin@3.17?repository_url=https:%2F%2Fplugins.gradle.org%2Fm2"),
		get("https://maven.google.com/androidx/core/core/1.12.0/core-1.12.0.aar", A, mvn,
			"pkg:maven/androidx.core/core@1.12.0?repository_url=https:%2F%2Fmaven.google.com&type=aar"),
		get("https://dl.google.com/dl/android/maven2/com/android/tools/build/gradle/8.2.0/gradle-8.2.0.jar", A, mvn,
			"pkg:maven/com.android.tools.build/gradle@8.2.0?repository_url=https:%2F%2Fdl.google.com%2Fdl%2Fandroid%2Fmaven2"),
		get("https://maven.google.com/androidx/core/core/maven-metadata.xml", M, mvn,
			"pkg:maven/androidx.core/core?repository_url=https:%2F%2Fmaven.google.com"),
		// SNAPSHOTs: the -SNAPSHOT version (the timestamped one is FileVersion).
		get("https://nexus.example.com/repository/maven-snapshots/com/acme/app/1.0-SNAPSHOT/app-1.0-20240102.030405-7.jar", A, mvn,
			"pkg:maven/com.acme/app@1.0-SNAPSHOT?repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fmaven-snapshots"),
		get("https://nexus.example.com/repository/maven-snapshots/com/acme/app/1.0-SNAPSHOT/app-1.0-20240102.030405-7-sources.jar", A, mvn,
			"pkg:maven/com.acme/app@1.0-SNAPSHOT?classifier=sources&repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fmaven-snapshots"),
		get("https://nexus.example.com/repository/maven-snapshots/com/acme/app/1.0-SNAPSHOT/app-1.0-SNAPSHOT.jar", A, mvn,
			"pkg:maven/com.acme/app@1.0-SNAPSHOT?repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fmaven-snapshots"),
		get("https://nexus.example.com/repository/maven-snapshots/com/acme/app/1.0-SNAPSHOT/maven-metadata.xml", M, mvn,
			"pkg:maven/com.acme/app@1.0-SNAPSHOT?repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fmaven-snapshots"),
		get("https://s01.oss.sonatype.org/content/repositories/snapshots/io/acme/lib/2.0.0-SNAPSHOT/lib-2.0.0-20231231.235959-12.pom", M, mvn,
			"pkg:maven/io.acme/lib@2.0.0-SNAPSHOT?repository_url=https:%2F%2Fs01.oss.sonatype.org%2Fcontent%2Frepositories%2Fsnapshots&type=pom"),
		// Nexus and Artifactory layouts on any host.
		get("https://nexus.example.com/repository/maven-public/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.jar", A, mvn,
			"pkg:maven/org.slf4j/slf4j-api@2.0.9?repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fmaven-public"),
		get("https://ci.example.com/nexus/repository/releases/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.jar", A, mvn,
			"pkg:maven/org.slf4j/slf4j-api@2.0.9?repository_url=https:%2F%2Fci.example.com%2Fnexus%2Frepository%2Freleases"),
		get("https://acme.jfrog.io/artifactory/libs-release/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.jar.sha1", S, mvn,
			"pkg:maven/org.slf4j/slf4j-api@2.0.9?repository_url=https:%2F%2Facme.jfrog.io%2Fartifactory%2Flibs-release"),
		get("https://repo.example.org:8081/nexus/content/groups/public/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.pom", M, mvn,
			"pkg:maven/org.slf4j/slf4j-api@2.0.9?repository_url=https:%2F%2Frepo.example.org:8081%2Fnexus%2Fcontent%2Fgroups%2Fpublic&type=pom"),
		get("https://mirror.example.org/pub/maven2/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.jar", A, mvn,
			"pkg:maven/org.slf4j/slf4j-api@2.0.9?repository_url=https:%2F%2Fmirror.example.org%2Fpub%2Fmaven2"),
		get("https://nexus.example.com/repository/maven-public/org/slf4j/slf4j-api/maven-metadata.xml", M, mvn,
			"pkg:maven/org.slf4j/slf4j-api?repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fmaven-public"),
		// Unknown hosts need a strong signal: other ecosystems' Nexus paths are not Maven.
		get("https://nexus.example.com/repository/pypi-proxy/packages/requests/2.31.0/requests-2.31.0.tar.gz", A, EcosystemGeneric,
			"pkg:generic/requests@2.31.0?download_url=https:%2F%2Fnexus.example.com%2Frepository%2Fpypi-proxy%2Fpackages%2Frequests%2F2.31.0%2Frequests-2.31.0.tar.gz"),
		get("https://nexus.example.com/repository/npm-proxy/lodash/-/lodash-4.17.21.tgz", A, EcosystemNPM,
			"pkg:npm/lodash@4.17.21?repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fnpm-proxy"),
		none("https://nexus.example.com/repository/npm-proxy/lodash"),
		none("https://nexus.example.com/repository/maven-public/org/slf4j/slf4j-api/2.0.9/README.txt"),
		none("https://nexus.example.com/repository/maven-public/"),
		none("https://example.com/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.pom"),
		none("https://nexus.example.com/repository/docker/v2/library/alpine/manifests/latest"),
		get("https://example.com/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.jar", A, EcosystemGeneric,
			"pkg:generic/slf4j-api@2.0.9?download_url=https:%2F%2Fexample.com%2Forg%2Fslf4j%2Fslf4j-api%2F2.0.9%2Fslf4j-api-2.0.9.jar"),
		// A file that does not belong to its directory is not Maven.
		get(central+lang3+"commons-io-2.15.1.jar", A, EcosystemGeneric,
			"pkg:generic/commons-io@2.15.1?download_url=https:%2F%2Frepo1.maven.org%2Fmaven2%2Forg%2Fapache%2Fcommons%2Fcommons-lang3%2F3.14.0%2Fcommons-io-2.15.1.jar"),
		get(central+lang3+"commons-lang3-3.14.1.jar", A, EcosystemGeneric,
			"pkg:generic/commons-lang3@3.14.1?download_url=https:%2F%2Frepo1.maven.org%2Fmaven2%2Forg%2Fapache%2Fcommons%2Fcommons-lang3%2F3.14.0%2Fcommons-lang3-3.14.1.jar"),
		// Look-alikes.
		none("https://repo1.maven.org.evil.example/maven2/junit/junit/4.13.2/junit-4.13.2.pom"),
		none("https://repo1.maven.org@evil.example/maven2/junit/junit/4.13.2/junit-4.13.2.pom"),
		none("https://repo1.maven.org/maven3/junit/junit/4.13.2/junit-4.13.2.pom"),
		none("https://evilmaven.google.com/androidx/core/core/1.12.0/core-1.12.0.pom"),
	})
}

func TestMavenSnapshotFileVersion(t *testing.T) {
	f := Default().Classify(Request{URL: "https://nexus.example.com/repository/snapshots/com/acme/app/1.0-SNAPSHOT/app-1.0-20240102.030405-7.jar"})
	if f.Version != "1.0-SNAPSHOT" || f.FileVersion != "1.0-20240102.030405-7" {
		t.Errorf("Version %q FileVersion %q", f.Version, f.FileVersion)
	}
	f = Default().Classify(Request{URL: "https://repo1.maven.org/maven2/junit/junit/4.13.2/junit-4.13.2.jar"})
	if f.Group != "junit" || f.Name != "junit" || f.Version != "4.13.2" || f.FileVersion != "" {
		t.Errorf("release: %+v", f)
	}
}

func TestNewMaven(t *testing.T) {
	c, err := NewMaven("https://user:secret@maven.example.com/releases/")
	if err != nil {
		t.Fatal(err)
	}
	f := NewSet(c).Classify(Request{URL: "https://maven.example.com/releases/com/acme/lib/1.2/lib-1.2.jar"})
	want := "pkg:maven/com.acme/lib@1.2?repository_url=https:%2F%2Fmaven.example.com%2Freleases"
	if f.Kind != KindArtifact || f.PURL != want {
		t.Errorf("got %s %s, want artifact %s", f.Kind, f.PURL, want)
	}
	if _, err := NewMaven("https://user:secret@maven.example.com/releases?x"); err == nil {
		t.Error("query accepted")
	} else if strings.Contains(err.Error(), "secret") {
		t.Errorf("error leaks the password: %v", err)
	}
}
