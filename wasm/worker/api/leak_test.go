package api

import (
	"os"
	"testing"

	"github.com/nettriage/nettriage/internal/leaktest"
)

// The Worker's redacted answer, in every format it serves, shows none of
// the identifiers that its unredacted answer shows for the same upload.
func TestRedactedAnswerLeaksNothing(t *testing.T) {
	sample, err := os.ReadFile("../../../samples/vip-nodeport-local-race/positive/node-1-session.txt")
	if err != nil {
		t.Fatal(err)
	}
	paste := []byte(string(sample) + leaktest.Session)
	for _, format := range []string{"json", "markdown", "text"} {
		ctype, body := multipartBody(t, []upload{{name: "web-1-session.txt", data: paste}}, nil)
		plain := do(New(Config{}), "POST", "/v1/analyze?format="+format, ctype, body)
		ctype, body = multipartBody(t, []upload{{name: "web-1-session.txt", data: paste}}, nil)
		red := do(New(Config{}), "POST", "/v1/analyze?redact=true&format="+format, ctype, body)
		if plain.Code != 200 || red.Code != 200 {
			t.Fatalf("%s: status %d and %d", format, plain.Code, red.Code)
		}
		leaks, present := leaktest.Leaks(plain.Body.String(), red.Body.String())
		if present < 5 {
			t.Fatalf("%s: only %d identifiers in the unredacted answer: the check proves little", format, present)
		}
		for _, l := range leaks {
			t.Errorf("%s: the redacted answer still shows %q", format, l)
		}
	}
}
