package capture

import (
	"strings"
	"testing"
)

// secretURLs are real-world signed-URL and token formats, each secret
// value spelled with SECRET so that a test can look for any survivor.
// The host and path must survive.
var secretURLs = []string{
	// S3 SigV4, with a session token.
	"https://bucket.s3.amazonaws.com/dir/file.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASECRET0001%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Security-Token=SECRET0002FQoGZXIvYXdz&X-Amz-Signature=SECRET0003aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
	// S3 SigV2.
	"https://bucket.s3.amazonaws.com/file.tgz?AWSAccessKeyId=AKIASECRET0004&Expires=1141889120&Signature=SECRET0005vjbyPxybdZaNmGa%2ByT272YEAiv4%3D",
	// GCS V4 and V2.
	"https://storage.googleapis.com/bucket/obj?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=svcSECRET0006%40project.iam.gserviceaccount.com%2F20181026%2Fus-central1%2Fstorage%2Fgoog4_request&X-Goog-Date=20181026T181309Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=SECRET0007247a2aa45f1694",
	"https://storage.googleapis.com/bucket/obj?GoogleAccessId=SECRET0008%40proj.iam.gserviceaccount.com&Expires=1566400000&Signature=SECRET0009BsYd%2FO",
	// Azure SAS (service and user delegation).
	"https://acct.blob.core.windows.net/c/blob.zip?sv=2019-02-02&st=2019-04-29T22%3A18%3A26Z&se=2019-04-30T02%3A23%3A26Z&sr=b&sp=rw&spr=https&sig=SECRET0010GYXMqhmI0%2FJY0ZBHkeQmKdoxnHEJ0zmYhFFnzD4CDnY%3D",
	"https://acct.blob.core.windows.net/c/b?sp=r&st=2024-01-01&se=2024-01-02&skoid=o&sktid=t&skt=2024&ske=2024&sks=b&skv=2022&sv=2022-11-02&sr=b&sig=SECRET0011abc%3D",
	// CloudFront canned and custom policy.
	"https://d111111abcdef8.cloudfront.net/image.jpg?Expires=1357034400&Signature=SECRET0012nitfHRCrtziwO2HwPfWw~yYDhUF5EwRunQA-j19DzZrvDh6hQ73lDx~-ar3UocvvRQVw6EkC~GdpGQyyOSKQim-TxAnW7d8F5Kkai9HVx0FIu-5jcQb0UEmatEXAMPLE3ReXySpLSMj0yCd3ZAB4UcBCAqEijkytL6f3fVYNGQI6&Key-Pair-Id=SECRET0013APKA9ONS7QCOWEXAMPLE",
	"https://d111111abcdef8.cloudfront.net/game.zip?Policy=eyAKICAgIlN0YXRlbWVudCI6IFt7&Signature=SECRET0014abc~def&Key-Pair-Id=SECRET0015APKA",
	// Akamai token auth (query and path forms).
	"https://cdn.example.com/file.bin?hdnts=exp%3D1577836800~acl%3D%2F*~hmac%3DSECRET0016",
	"https://cdn.example.com/file.bin?__token__=exp=1577836800~acl=/*~hmac=SECRET0017",
	"https://cdn.example.com/file.bin?hdnea=st=1~exp=2~hmac=SECRET0018",
	// Tokens in userinfo (GitHub Actions, GitLab CI).
	"https://x-access-token:ghs_SECRET0019@github.com/org/repo.git",
	"https://gitlab-ci-token:SECRET0020@gitlab.com/group/repo.git",
	// Names by rule.
	"https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-City&license_key=SECRET0021&suffix=tar.gz",
	"https://e.com/x?x-api-key=SECRET0022&access_key=SECRET0023&private_key=SECRET0024&auth_key=SECRET0025",
	"https://e.com/x?pass=SECRET0026&passphrase=SECRET0027&PHPSESSID=SECRET0028&jsessionid=SECRET0029",
	"https://e.com/x?sas=SECRET0030&otp=SECRET0031&ticket=SECRET0032&bearer=SECRET0033&X-JFrog-Art-Api=SECRET0034",
	// Semicolon separators, path parameters, fragments.
	"https://e.com/x?x=1;token=SECRET0035",
	"https://e.com/app;jsessionid=SECRET0036/file.jar?v=1",
	"https://e.com/cb#access_token=SECRET0037&token_type=bearer",
	"https://e.com/cb#SECRET0038",
	// URLs nested in query values, raw and escaped.
	"https://e.com/login?next=https://u:SECRET0039@h.example/",
	"https://e.com/login?next=https%3A%2F%2Fu%3ASECRET0040%40h.example%2F%3Ftoken%3DSECRET0041",
	// Does not parse: cut conservatively.
	"https://e.com/t?v=%zzSECRET0042",
	"https://e.com/t\x7f?SECRET0043",
}

func TestRedactURLFormats(t *testing.T) {
	for _, raw := range secretURLs {
		got, changed := RedactURL(raw)
		if strings.Contains(got, "SECRET") || !changed {
			t.Errorf("RedactURL(%q)\n = %q, %v", raw, got, changed)
		}
		host := raw[strings.Index(raw, "://")+3:]
		host = host[strings.LastIndex(host[:strings.IndexAny(host, "/?#")], "@")+1 : strings.IndexAny(host, "/?#")]
		if !strings.Contains(got, "://"+host+"/") && !strings.Contains(got, "@"+host+"/") {
			t.Errorf("RedactURL(%q) = %q: host %s lost", raw, got, host)
		}
		if again, _ := RedactURL(got); again != got {
			t.Errorf("not idempotent: %q -> %q", got, again)
		}
		// In free text (a command line, a diagnostic) too.
		text := "curl -fsSL '" + raw + "' -o out"
		if r := RedactText(text); strings.Contains(r, "SECRET") {
			t.Errorf("RedactText(%q)\n = %q", text, r)
		}
	}
}

// TestRedactURLKeepsPublicParts: what is not a secret is kept byte for
// byte, escapes included.
func TestRedactURLKeepsPublicParts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://e.com/a%2Fb/c?v=1%202&go-get=1", "https://e.com/a%2Fb/c?v=1%202&go-get=1"},
		{"https://e.com/x?X-Amz-Date=20130524T000000Z&X-Amz-Signature=ff", "https://e.com/x?X-Amz-Date=20130524T000000Z&X-Amz-Signature=REDACTED"},
		{"https://e.com/x?a=1;token=s;b=2", "https://e.com/x?a=1;token=REDACTED;b=2"},
		{"https://e.com/app;jsessionid=s;v=1/f", "https://e.com/app;jsessionid=REDACTED;v=1/f"},
		{"https://e.com/x#readme", "https://e.com/x#REDACTED"},
		{"https://e.com/t?v=%zz", "https://e.com/t?REDACTED"},
		{"https://e.com:port/x?v=1", "https://e.com:port/REDACTED"},
	} {
		if got, _ := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestRedactArgsWherever: secrets inside arguments (a shell script, a
// header, a flag joined to its value) are redacted where they stand, and
// everything else in the argument is kept verbatim.
func TestRedactArgsWherever(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`curl -s -o out -H "Authorization: Bearer SECRETa" https://user:SECRETb@h/x?token=SECRETc`,
			`curl -s -o out -H "Authorization: Bearer REDACTED" https://REDACTED@h/x?token=REDACTED`},
		{`curl -H 'Cookie: sid=SECRETd; theme=dark' -H 'Accept: */*' https://h/x`,
			`curl -H 'Cookie: REDACTED' -H 'Accept: */*' https://h/x`},
		{`curl -H "Proxy-Authorization: Basic SECRETe" -H "X-Auth-Token: SECRETf" -H "Private-Token:SECRETg" https://h/`,
			`curl -H "Proxy-Authorization: Basic REDACTED" -H "X-Auth-Token: REDACTED" -H "Private-Token:REDACTED" https://h/`},
		{`tool --password=SECRETh --token SECRETi --api-key "SECRETj" --name web`,
			`tool --password=REDACTED --token REDACTED --api-key "REDACTED" --name web`},
		{`curl -u bob:SECRETk https://h/ && curl -ualice:SECRETl https://h/`,
			`curl -u bob:REDACTED https://h/ && curl -ualice:REDACTED https://h/`},
		{`echo //registry.npmjs.org/:_authToken=SECRETm >> .npmrc; NPM_TOKEN=SECRETn npm ci`,
			`echo //registry.npmjs.org/:_authToken=REDACTED >> .npmrc; NPM_TOKEN=REDACTED npm ci`},
		{"Authorization: token SECRETo", "Authorization: token REDACTED"},
		{"curl -s -o /tmp/a b https://h/x.tgz", "curl -s -o /tmp/a b https://h/x.tgz"},
	} {
		got := RedactArgs([]string{"sh", "-c", tc.in})
		if got[2] != tc.want {
			t.Errorf("RedactArgs(%q)\n = %q\nwant %q", tc.in, got[2], tc.want)
		}
		if again := RedactArgs(got); again[2] != got[2] {
			t.Errorf("not idempotent: %q -> %q", got[2], again[2])
		}
	}
	got := RedactArgs([]string{"curl", "-u", "bob:SECRET1", "-H", "Authorization: Bearer SECRET2", "--token", "SECRET3",
		"-uann:SECRET4", "https://h/p?x=1;sig=SECRET5", "-o", "out file"})
	for _, a := range got {
		if strings.Contains(a, "SECRET") {
			t.Errorf("RedactArgs kept a secret: %q", got)
		}
	}
	if got[1] != "-u" || got[2] != "bob:REDACTED" || got[9] != "-o" || got[10] != "out file" {
		t.Errorf("RedactArgs = %q", got)
	}
}

// FuzzRedactText: redaction is idempotent, and a secret value after a
// credential header, a secret-named parameter or a URL's userinfo never
// survives, wherever it stands in the text.
func FuzzRedactText(f *testing.F) {
	for _, s := range []string{
		`curl -H "Authorization: Bearer x" https://u:p@h/x?token=t`, "a=b;token=c", "-u a:b", "--password x",
		"https://h/a;jsessionid=1?b=2#c", "Cookie:x", "https://h/?next=https%3A%2F%2Fu%3Ap%40h%2F",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := RedactText(s)
		if again := RedactText(out); again != out {
			t.Errorf("not idempotent: %q -> %q -> %q", s, out, again)
		}
		for _, probe := range []string{
			s + " Authorization: Bearer SECRETVALUE",
			s + " https://u:SECRETVALUE@h/x",
			s + " https://h/x?access_token=SECRETVALUE",
		} {
			if r := RedactText(probe); strings.Contains(r, "SECRETVALUE") {
				t.Errorf("secret survived: %q -> %q", probe, r)
			}
		}
	})
}
