package layerzip

import "testing"

func TestUnit(t *testing.T) {
	t.Parallel()
	for file, want := range map[string]string{
		"python/lib/python3.12/site-packages/requests/api.py":                    "python/lib/python3.12/site-packages/requests",
		"python/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA": "python/lib/python3.12/site-packages/requests",
		"python/typing_extensions.py":                                            "python/typing_extensions",
		"python/Typing_Extensions-4.9.0.dist-info/RECORD":                        "python/typing_extensions",
		"nodejs/node_modules/axios/lib/axios.js":                                 "nodejs/node_modules/axios",
		"nodejs/node_modules/axios/node_modules/follow-redirects/index.js":       "nodejs/node_modules/axios",
		"nodejs/node20/node_modules/@aws-sdk/client-s3/package.json":             "nodejs/node20/node_modules/@aws-sdk/client-s3",
		"ruby/gems/3.2.0/gems/rack-3.0.8/lib/rack.rb":                            "ruby/gems/3.2.0/gems/rack-3.0.8",
		"lib/libssl.so.3":                  "lib/libssl.so.3",
		"bin/jq":                           "bin/jq",
		"extensions/datadog-agent":         "extensions/datadog-agent",
		"java/lib/jackson-core-2.17.0.jar": "java/lib/jackson-core-2.17.0.jar",
		"README":                           "README",
	} {
		if got := Unit(file); got != want {
			t.Errorf("Unit(%q) = %q, want %q", file, got, want)
		}
	}
}
