package classify

import "testing"

func TestPubHexCRANCocoaPods(t *testing.T) {
	const A, M, API = KindArtifact, KindMetadata, KindAPI
	runRows(t, []row{
		// pub.dev
		get("https://pub.dev/api/archives/http-1.2.0.tar.gz", A, EcosystemPub, "pkg:pub/http@1.2.0"),
		get("https://pub.dev/packages/flutter_bloc/versions/8.1.4.tar.gz", A, EcosystemPub, "pkg:pub/flutter_bloc@8.1.4"),
		get("https://pub.dartlang.org/api/archives/path-1.9.0-dev.1.tar.gz", A, EcosystemPub, "pkg:pub/path@1.9.0-dev.1"),
		get("https://pub.dev/api/packages/http", M, EcosystemPub, "pkg:pub/http"),
		get("https://pub.dev/api/packages/http/versions/1.2.0", M, EcosystemPub, "pkg:pub/http@1.2.0"),
		get("https://pub.dev/api/search?q=http", API, EcosystemPub, ""),
		get("https://pub.dev/packages/http", API, EcosystemPub, ""),
		// Hex
		get("https://repo.hex.pm/tarballs/jason-1.4.1.tar", A, EcosystemHex, "pkg:hex/jason@1.4.1"),
		get("https://repo.hex.pm/repos/acme/tarballs/Secret_Lib-0.1.0-rc.1.tar", A, EcosystemHex, "pkg:hex/acme/secret_lib@0.1.0-rc.1"),
		get("https://repo.hex.pm/packages/jason", M, EcosystemHex, "pkg:hex/jason"),
		get("https://repo.hex.pm/names", M, EcosystemHex, ""),
		get("https://repo.hex.pm/installs/1.1.0/hex-2.0.6.ez", API, EcosystemHex, ""),
		get("https://hex.pm/api/packages/jason", API, EcosystemHex, ""),
		// CRAN
		get("https://cloud.r-project.org/src/contrib/jsonlite_1.8.8.tar.gz", A, EcosystemCRAN, "pkg:cran/jsonlite@1.8.8"),
		get("https://cran.r-project.org/src/contrib/Archive/data.table/data.table_1.14.8.tar.gz", A, EcosystemCRAN, "pkg:cran/data.table@1.14.8"),
		get("https://cran.r-project.org/src/contrib/A3_1.0-0.tar.gz", A, EcosystemCRAN, "pkg:cran/A3@1.0-0"),
		get("https://cloud.r-project.org/src/contrib/PACKAGES.rds", M, EcosystemCRAN, ""),
		get("https://cloud.r-project.org/src/contrib/PACKAGES.gz", M, EcosystemCRAN, ""),
		get("https://cran.r-project.org/web/packages/jsonlite/index.html", API, EcosystemCRAN, ""),
		// CocoaPods
		get("https://cdn.cocoapods.org/Specs/d/a/2/Alamofire/5.9.0/Alamofire.podspec.json", M, EcosystemCocoaPods, "pkg:cocoapods/Alamofire@5.9.0"),
		get("https://cdn.cocoapods.org/all_pods_versions_d_a_2.txt", M, EcosystemCocoaPods, ""),
		get("https://cdn.cocoapods.org/Specs/d/a/2/Alamofire/5.9.0/Other.podspec.json", API, EcosystemCocoaPods, ""),
	})
}
