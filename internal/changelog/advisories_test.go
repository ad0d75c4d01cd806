package changelog

import (
	"archive/zip"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/advisory"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// buildWith publishes two zips as versions 3 and 5 and builds their
// changelog with the advisories under testdata/osv.
func buildWith(t *testing.T, from, to []byte) *Changelog {
	t.Helper()
	root := t.TempDir()
	publish(t, root, 3, from, "")
	publish(t, root, 5, to, "")
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	advs, err := advisory.Load("testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	c, err := (&Builder{Registry: reg, Advisories: advs}).Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func log4jLayer(t testing.TB, version string) []byte {
	jar := layerziptest.BuildZip(t, []layerziptest.Entry{{
		Name: "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
		Data: []byte("groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=" + version + "\n"),
	}}, layerziptest.Shape{Method: zip.Deflate})
	return layerziptest.BuildZip(t, []layerziptest.Entry{{Name: "java/lib/log4j-core-" + version + ".jar", Data: jar}}, layerziptest.Shape{Method: zip.Store})
}

func TestAdvisoriesMavenByGroupAndArtifact(t *testing.T) {
	t.Parallel()
	c := buildWith(t, log4jLayer(t, "2.14.1"), log4jLayer(t, "2.17.1"))
	if c.Advisories == nil || len(c.Advisories.Fixed) != 1 || len(c.Advisories.Introduced) != 0 {
		t.Fatalf("advisories = %+v", c.Advisories)
	}
	want := "- org.apache.logging.log4j:log4j-core 2.14.1 → 2.17.1 fixes GHSA-jfh8-c2jp-5v3q (CVE-2021-44228)\n"
	if md := c.Markdown(); !strings.Contains(md, want) {
		t.Errorf("markdown lacks %q:\n%s", want, md)
	}
}

func TestAdvisoriesSameContentAndUnreadable(t *testing.T) {
	t.Parallel()
	same := log4jLayer(t, "2.14.1")
	c := buildWith(t, same, same)
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"advisories":{"fixed":[],"introduced":[]}`) {
		t.Errorf("same content with advisories given: %s", js)
	}

	// Version 3's content is missing from the server: its read fails.
	srv := layerziptest.New(t)
	srv.Put("5", log4jLayer(t, "2.17.1"))
	reg := &liveRegistry{srv: srv, zips: map[int][]byte{3: same, 5: log4jLayer(t, "2.17.1")}, describes: map[int]int{}}
	advs, err := advisory.Load("testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	c, err = (&Builder{Registry: reg, Advisories: advs}).Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	if c.Advisories != nil {
		t.Errorf("advisories %+v claimed about an unreadable side", c.Advisories)
	}
	if !strings.Contains(c.Markdown(), "advisories were not compared") {
		t.Errorf("markdown does not say advisories were not compared:\n%s", c.Markdown())
	}
	if js, _ := json.Marshal(c); strings.Contains(string(js), `"advisories"`) {
		t.Errorf("unreadable side: JSON has advisories: %s", js)
	}
}
