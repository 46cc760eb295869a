package settings

import (
	"strings"
	"testing"
)

// FuzzParse: any jsonData and password either parse into settings that the engine accepts, or
// fail with a "settings:" message; never a panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		minimal,
		`{}`,
		`{"host":`,
		`{"host":"h","database":"d","user":"u","port":"5432","devicePriceEdges":[1,"2",3]}`,
		`{"host":"h","database":"d","user":"u","port":1e400}`,
		`{"host":"h","database":"d","user":"u","timeZone":"Local"}`,
		`{"host":"h","database":"d","user":"u","statementTimeoutSeconds":"NaN"}`,
		`{"host":"h","database":"d","user":"u","schema":"x\u0000y"}`,
		`{"host":"h","database":"d","user":"u","sslMode":"verify-full"}`,
		`{"host":"h","database":"d","user":"u","rfmScale":4.5,"atRiskDays":-1}`,
		`[1,2,3]`,
		`null`,
	} {
		f.Add([]byte(seed), "pw")
	}
	f.Fuzz(func(t *testing.T, jsonData []byte, password string) {
		s, err := Parse(jsonData, map[string]string{KeyPassword: password})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "settings: ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		if err := s.Shop.Validate(); err != nil {
			t.Fatalf("accepted settings the engine rejects: %v", err)
		}
		if s.DB.Port == 0 || s.DB.Host == "" || s.DB.MaxConns < 1 || s.DB.StatementTimeout <= 0 {
			t.Fatalf("accepted incomplete settings: %+v", s.DB)
		}
	})
}
