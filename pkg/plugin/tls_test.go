package plugin

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/pgserver"
)

// testCA is a self-signed certificate authority for the TLS tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

func newCA(t *testing.T, name string) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return testCA{cert: cert, key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

// serverCert writes a certificate for 127.0.0.1 signed by ca, and its key, into dir.
func (ca testCA) serverCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	// PostgreSQL refuses a key readable by others.
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TLS modes against a PostgreSQL started with a certificate of a self-signed CA: require,
// verify-ca and verify-full connect (and the session is encrypted); a wrong CA and a wrong host
// name are refused with a clear message.
func TestTLSModes(t *testing.T) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ca-tls-") // under /tmp: reachable by the server's user as root
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ca := newCA(t, "Test CA")
	certFile, keyFile := ca.serverCert(t, dir)
	srv, err := pgserver.Start(ctx, pgserver.Options{Dir: dir, Settings: map[string]string{
		"ssl": "on", "ssl_cert_file": certFile, "ssl_key_file": keyFile,
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	conn, err := pgx.Connect(ctx, srv.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	if err := contract.Create(ctx, conn, true); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	settings := func(host, mode, caPEM string) *Datasource {
		js := settingsFor(t, srv.DSN(""))
		js["host"], js["sslMode"] = host, mode
		raw := map[string]string{}
		if caPEM != "" {
			raw["tlsCACert"] = caPEM
		}
		return newInstanceSecure(t, js, raw)
	}
	encrypted := func(d *Datasource) bool {
		var ssl bool
		err := d.db.Read(ctx, func(tx database.Tx) error {
			return tx.QueryRow(ctx, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&ssl)
		})
		if err != nil {
			t.Fatal(err)
		}
		return ssl
	}
	for _, tc := range []struct{ name, host, mode, ca string }{
		{"require", "127.0.0.1", "require", ""},
		{"verify-ca", "127.0.0.1", "verify-ca", ca.pem},
		{"verify-full", "127.0.0.1", "verify-full", ca.pem},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := settings(tc.host, tc.mode, tc.ca)
			h, _ := d.CheckHealth(ctx, &backend.CheckHealthRequest{})
			if h.Status != backend.HealthStatusOk {
				t.Fatalf("health: %s", h.Message)
			}
			if !encrypted(d) {
				t.Error("the session is not encrypted")
			}
		})
	}
	other := newCA(t, "Another CA")
	for _, tc := range []struct{ name, host, mode, ca, want string }{
		{"wrong CA", "127.0.0.1", "verify-ca", other.pem, "TLS failed"},
		{"wrong CA, full", "127.0.0.1", "verify-full", other.pem, "TLS failed"},
		{"wrong host name", "localhost", "verify-full", ca.pem, "TLS failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := settings(tc.host, tc.mode, tc.ca)
			h, _ := d.CheckHealth(ctx, &backend.CheckHealthRequest{})
			t.Logf("%s: %s", tc.name, h.Message)
			if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, tc.want) {
				t.Fatalf("health %v: %s", h.Status, h.Message)
			}
			r := query(t, d, buyersQuery("A")).Responses["A"]
			if r.Error == nil || r.ErrorSource != backend.ErrorSourceDownstream {
				t.Fatalf("query: %v (%s)", r.Error, r.ErrorSource)
			}
		})
	}
}
