package ghapp

import (
	"net/url"
	"testing"
)

func TestGraphQLURL(t *testing.T) {
	t.Parallel()
	for rest, want := range map[string]string{
		"https://api.github.com/":     "https://api.github.com/graphql",
		"https://ghe.example/api/v3/": "https://ghe.example/api/graphql",
		"http://127.0.0.1:4000/":      "http://127.0.0.1:4000/graphql",
	} {
		u, _ := url.Parse(rest)
		if got := graphQLURL(u); got != want {
			t.Errorf("graphQLURL(%s) = %s, want %s", rest, got, want)
		}
	}
}
