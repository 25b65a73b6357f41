// Command vaultclient drives the README's keymgmt session through HashiCorp's Go client,
// github.com/hashicorp/vault/api, which the vault CLI is built on, sending exactly what the CLI
// sends: each line below is a `vault ...` command line, turned into a request the way the CLI's
// write, read, list and delete commands do (see cli.go), and every answer is checked.
//
// It reads VAULT_ADDR and VAULT_TOKEN like the CLI, and the local stack's facts from
// KEYMGMT_TENANT_ID, KEYMGMT_VAULT_1, KEYMGMT_VAULT_2, KEYMGMT_SP_CLIENT_ID and
// KEYMGMT_SP_CLIENT_SECRET. It exits 0 only when every check passed.
package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// The tenant the README's lines show, the local stack's.
const readmeTenant = "00000000-0000-4000-8000-00000000a001"

var (
	hex32      = regexp.MustCompile(`^[0-9a-f]{32}$`)
	rfc3339    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
	checks     = 0
	sessionLog []string
)

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintln(os.Stderr, "FAILED:", r)
			fmt.Fprintln(os.Stderr, "requests sent so far:")
			for _, line := range sessionLog {
				fmt.Fprintln(os.Stderr, "  "+line)
			}
			os.Exit(1)
		}
	}()
	env := func(name string) string {
		v := os.Getenv(name)
		if v == "" {
			panic("environment variable " + name + " is not set")
		}
		return v
	}
	env("VAULT_ADDR")
	env("VAULT_TOKEN")
	tenant := env("KEYMGMT_TENANT_ID")
	vault1 := env("KEYMGMT_VAULT_1")
	vault2 := env("KEYMGMT_VAULT_2")
	spID := env("KEYMGMT_SP_CLIENT_ID")
	spSecret := env("KEYMGMT_SP_CLIENT_SECRET")

	cli := newCLI()
	suffix := randomSuffix()
	// The README's names, made unique so the session can share a stack with other tests.
	key, kv1, kv2 := "payments-"+suffix, "kv1-"+suffix, "kv2-"+suffix
	// Each line is written as in the README; the names are made unique first, then the stack's
	// facts (which the README shows as they are on the local stack) put in.
	names := strings.NewReplacer("payments", key, "kv1", kv1, "kv2", kv2)
	facts := strings.NewReplacer("demo-vault-1", vault1, "demo-vault-2", vault2, readmeTenant, tenant,
		"<client_id>", spID, "<client_secret>", spSecret)
	line := func(l string) string {
		return facts.Replace(names.Replace(l))
	}

	// 1. A provider with managed identity: only the tenant. A single credentials=k=v is sent as
	//    one string, exactly as the CLI's kv-builder makes it.
	w := cli.write(line("vault write keymgmt/kms/kv1 provider=azurekeyvault key_collection=demo-vault-1 credentials=tenant_id=00000000-0000-4000-8000-00000000a001"))
	w.expect("PUT", "/v1/keymgmt/kms/"+kv1, 204,
		`{"credentials":"tenant_id=`+tenant+`","key_collection":"`+vault1+`","provider":"azurekeyvault"}`)
	w.noSecret()

	// 2. A provider with a service principal, credentials repeated: the CLI sends a list of "k=v".
	w = cli.write(line("vault write keymgmt/kms/kv2 provider=azurekeyvault key_collection=demo-vault-2 credentials=tenant_id=00000000-0000-4000-8000-00000000a001 credentials=client_id=<client_id> credentials=client_secret=<client_secret>"))
	w.expect("PUT", "/v1/keymgmt/kms/"+kv2, 204,
		`{"credentials":["tenant_id=`+tenant+`","client_id=`+spID+`","client_secret=`+spSecret+`"],"key_collection":"`+vault2+`","provider":"azurekeyvault"}`)
	w.noSecret()

	r := cli.read(line("vault read keymgmt/kms/kv1"))
	r.expect("GET", "/v1/keymgmt/kms/"+kv1, 200, "")
	r.data(map[string]any{"provider": "azurekeyvault", "key_collection": vault1})
	r = cli.read(line("vault read keymgmt/kms/kv2"))
	r.data(map[string]any{"provider": "azurekeyvault", "key_collection": vault2})

	// 3. The key.
	w = cli.write(line("vault write keymgmt/key/payments type=rsa-3072"))
	w.expect("PUT", "/v1/keymgmt/key/"+key, 204, `{"type":"rsa-3072"}`)
	w.noSecret()

	// 4. Distribute it: HSM to kv1, software with other purposes to kv2.
	w = cli.write(line("vault write keymgmt/kms/kv1/key/payments purpose=encrypt,decrypt protection=hsm"))
	w.expect("PUT", "/v1/keymgmt/kms/"+kv1+"/key/"+key, 204, `{"protection":"hsm","purpose":"encrypt,decrypt"}`)
	w.noSecret()
	w = cli.write(line("vault write keymgmt/kms/kv2/key/payments purpose=sign,verify,wrap,unwrap protection=software"))
	w.expect("PUT", "/v1/keymgmt/kms/"+kv2+"/key/"+key, 204, `{"protection":"software","purpose":"sign,verify,wrap,unwrap"}`)
	w.noSecret()

	// 5. Read the distributions.
	r = cli.read(line("vault read keymgmt/kms/kv1/key/payments"))
	r.expect("GET", "/v1/keymgmt/kms/"+kv1+"/key/"+key, 200, "")
	azure1 := checkDistribution(r, key, "hsm", "encrypt,decrypt", 1)
	r = cli.read(line("vault read keymgmt/kms/kv2/key/payments"))
	azure2 := checkDistribution(r, key, "software", "sign,verify,wrap,unwrap", 1)

	// 6. Rotate: -f sends the CLI's empty data, which encodes as JSON null.
	w = cli.write(line("vault write -f keymgmt/key/payments/rotate"))
	w.expect("PUT", "/v1/keymgmt/key/"+key+"/rotate", 204, `null`)
	w.noSecret()
	r = cli.read(line("vault read keymgmt/kms/kv1/key/payments"))
	after1 := checkDistribution(r, key, "hsm", "encrypt,decrypt", 2)
	check(after1.name == azure1.name, "the Azure name stays across a rotation: %q then %q", azure1.name, after1.name)
	check(after1.versions["1"] == azure1.versions["1"], "version 1's Azure id changed on rotation")
	r = cli.read(line("vault read keymgmt/kms/kv2/key/payments"))
	after2 := checkDistribution(r, key, "software", "sign,verify,wrap,unwrap", 2)
	check(after2.name == azure2.name, "the Azure name stays across a rotation")

	// 7. min_enabled_version, sent as the string "2" like every CLI value.
	w = cli.write(line("vault write keymgmt/key/payments min_enabled_version=2"))
	w.expect("PUT", "/v1/keymgmt/key/"+key, 204, `{"min_enabled_version":"2"}`)
	w.noSecret()

	// 8. Read the key: only version 2 and later are visible.
	r = cli.read(line("vault read keymgmt/key/payments"))
	r.expect("GET", "/v1/keymgmt/key/"+key, 200, "")
	checkKey(r, key, 2, 2, false, []string{"2"})
	r = cli.read(line("vault read keymgmt/kms/kv1/key/payments"))
	still := checkDistribution(r, key, "hsm", "encrypt,decrypt", 2)
	check(still.versions["1"] == azure1.versions["1"] && still.versions["2"] == after1.versions["2"],
		"the distribution's versions changed with min_enabled_version: %v", still.versions)

	// 9. Lists: the CLI's list is GET ?list=true.
	l := cli.list(line("vault list keymgmt/key"))
	l.expect("GET", "/v1/keymgmt/key?list=true", 200, "")
	l.keysContain(key)
	l = cli.list(line("vault list keymgmt/key/payments/kms"))
	l.expect("GET", "/v1/keymgmt/key/"+key+"/kms?list=true", 200, "")
	l.keys(kv1, kv2)
	l = cli.list(line("vault list keymgmt/kms/kv1/key"))
	l.expect("GET", "/v1/keymgmt/kms/"+kv1+"/key?list=true", 200, "")
	l.keys(key)
	l = cli.list(line("vault list keymgmt/kms"))
	l.keysContain(kv1, kv2)

	// 10. Remove from kv1.
	d := cli.delete(line("vault delete keymgmt/kms/kv1/key/payments"))
	d.expect("DELETE", "/v1/keymgmt/kms/"+kv1+"/key/"+key, 204, "")
	d.noSecret()
	l = cli.list(line("vault list keymgmt/key/payments/kms"))
	l.keys(kv2)
	// An empty list is 404 {"errors":[]}, which the client reads as "nothing there" (nil, no error).
	l = cli.list(line("vault list keymgmt/kms/kv1/key"))
	l.expect("GET", "/v1/keymgmt/kms/"+kv1+"/key?list=true", 404, "")
	l.responseBody(`{"errors":[]}`)
	l.noSecret()
	r = cli.read(line("vault read keymgmt/kms/kv1/key/payments"))
	r.expect("GET", "/v1/keymgmt/kms/"+kv1+"/key/"+key, 404, "")
	r.noSecret()

	// 11. A key goes only with deletion_allowed=true and in no vault; a provider only when it holds no key.
	d = cli.delete(line("vault delete keymgmt/key/payments"))
	d.failsWith("DELETE", "/v1/keymgmt/key/"+key, 400, "deletion is not allowed")
	w = cli.write(line("vault write keymgmt/key/payments deletion_allowed=true"))
	w.expect("PUT", "/v1/keymgmt/key/"+key, 204, `{"deletion_allowed":"true"}`)
	w.noSecret()
	r = cli.read(line("vault read keymgmt/key/payments"))
	checkKey(r, key, 2, 2, true, []string{"2"})
	d = cli.delete(line("vault delete keymgmt/key/payments"))
	d.failsWith("DELETE", "/v1/keymgmt/key/"+key, 400, kv2)
	d = cli.delete(line("vault delete keymgmt/kms/kv2"))
	d.failsWith("DELETE", "/v1/keymgmt/kms/"+kv2, 400, key)
	d = cli.delete(line("vault delete keymgmt/kms/kv2/key/payments"))
	d.expect("DELETE", "/v1/keymgmt/kms/"+kv2+"/key/"+key, 204, "")
	d.noSecret()
	l = cli.list(line("vault list keymgmt/key/payments/kms"))
	l.expect("GET", "/v1/keymgmt/key/"+key+"/kms?list=true", 404, "")
	l.responseBody(`{"errors":[]}`)
	l.noSecret()
	d = cli.delete(line("vault delete keymgmt/key/payments"))
	d.expect("DELETE", "/v1/keymgmt/key/"+key, 204, "")
	d.noSecret()
	r = cli.read(line("vault read keymgmt/key/payments"))
	r.expect("GET", "/v1/keymgmt/key/"+key, 404, "")
	r.noSecret()

	// 12. The providers, now empty.
	for _, kv := range []struct{ name, delete, read string }{
		{kv1, "vault delete keymgmt/kms/kv1", "vault read keymgmt/kms/kv1"},
		{kv2, "vault delete keymgmt/kms/kv2", "vault read keymgmt/kms/kv2"},
	} {
		d = cli.delete(line(kv.delete))
		d.expect("DELETE", "/v1/keymgmt/kms/"+kv.name, 204, "")
		d.noSecret()
		r = cli.read(line(kv.read))
		r.expect("GET", "/v1/keymgmt/kms/"+kv.name, 404, "")
		r.noSecret()
	}
	l = cli.list(line("vault list keymgmt/key"))
	if l.secret != nil {
		l.keysLack(key)
	}

	fmt.Println("what went over the wire:")
	for _, line := range sessionLog {
		fmt.Println("  " + line)
	}
	fmt.Printf("vault/api session passed: %d requests, %d checks\n", len(sessionLog), checks)
}

type distribution struct {
	name     string
	versions map[string]string
}

func checkDistribution(r *result, key, protection, purpose string, latest int) distribution {
	r.ok()
	data := r.secret.Data
	keysAre(data, "last_error", "name", "protection", "purpose", "state", "versions")
	name := str(data, "name")
	check(regexp.MustCompile("^"+regexp.QuoteMeta(key)+`-\d{10}$`).MatchString(name),
		"the Azure key name %q is not %s-<10 digits>", name, key)
	check(str(data, "protection") == protection, "protection %v, want %s", data["protection"], protection)
	check(str(data, "purpose") == purpose, "purpose %v, want %s", data["purpose"], purpose)
	check(str(data, "state") == "active", "state %v, want active", data["state"])
	check(data["last_error"] == nil, "last_error %v, want null", data["last_error"])
	raw, isMap := data["versions"].(map[string]any)
	check(isMap, "versions is %T, want an object", data["versions"])
	versions := map[string]string{}
	seen := map[string]bool{}
	for v, id := range raw {
		s, isString := id.(string)
		check(isString && hex32.MatchString(s), "version %s's Azure id %v is not 32 hex digits", v, id)
		check(!seen[s], "two versions share the Azure id %s", s)
		seen[s] = true
		versions[v] = s
	}
	want := []string{}
	for i := 1; i <= latest; i++ {
		want = append(want, fmt.Sprint(i))
	}
	check(fmt.Sprint(sortedKeys(raw)) == fmt.Sprint(want), "versions %v, want %v", sortedKeys(raw), want)
	return distribution{name: name, versions: versions}
}

func checkKey(r *result, key string, latest, minEnabled int, deletionAllowed bool, visible []string) {
	r.ok()
	data := r.secret.Data
	keysAre(data, "auto_rotate_period", "deletion_allowed", "last_rotated", "latest_version", "min_enabled_version",
		"name", "next_rotation", "type", "versions")
	check(str(data, "name") == key, "name %v, want %s", data["name"], key)
	check(fmt.Sprint(data["auto_rotate_period"]) == "0", "auto_rotate_period %v, want 0", data["auto_rotate_period"])
	check(data["next_rotation"] == nil, "next_rotation %v without a period, want null", data["next_rotation"])
	if latestVersion, isMap := data["versions"].(map[string]any)[fmt.Sprint(latest)].(map[string]any); isMap {
		check(data["last_rotated"] == latestVersion["creation_time"], "last_rotated %v is not version %d's creation_time",
			data["last_rotated"], latest)
	}
	check(str(data, "type") == "rsa-3072", "type %v, want rsa-3072", data["type"])
	check(fmt.Sprint(data["latest_version"]) == fmt.Sprint(latest), "latest_version %v, want %d", data["latest_version"], latest)
	check(fmt.Sprint(data["min_enabled_version"]) == fmt.Sprint(minEnabled),
		"min_enabled_version %v, want %d", data["min_enabled_version"], minEnabled)
	check(data["deletion_allowed"] == deletionAllowed, "deletion_allowed %v, want %v", data["deletion_allowed"], deletionAllowed)
	versions, isMap := data["versions"].(map[string]any)
	check(isMap, "versions is %T, want an object", data["versions"])
	check(fmt.Sprint(sortedKeys(versions)) == fmt.Sprint(visible), "visible versions %v, want %v", sortedKeys(versions), visible)
	moduli := map[string]bool{}
	for v, raw := range versions {
		version, isObject := raw.(map[string]any)
		check(isObject, "version %s is %T, want an object", v, raw)
		keysAre(version, "creation_time", "public_key")
		check(rfc3339.MatchString(str(version, "creation_time")), "creation_time %v is not RFC 3339", version["creation_time"])
		block, rest := pem.Decode([]byte(str(version, "public_key")))
		check(block != nil && block.Type == "PUBLIC KEY" && len(strings.TrimSpace(string(rest))) == 0,
			"version %s's public_key is not one PEM PUBLIC KEY block", v)
		parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
		check(err == nil, "version %s's public key does not parse: %v", v, err)
		rsaKey, isRSA := parsed.(*rsa.PublicKey)
		check(isRSA && rsaKey.N.BitLen() == 3072, "version %s's public key is not RSA 3072", v)
		check(!moduli[rsaKey.N.String()], "two versions share a modulus")
		moduli[rsaKey.N.String()] = true
	}
}

func keysAre(data map[string]any, want ...string) {
	got := sortedKeys(data)
	check(fmt.Sprint(got) == fmt.Sprint(want), "fields %v, want %v", got, want)
}

func str(data map[string]any, field string) string {
	s, isString := data[field].(string)
	check(isString, "%s is %T (%v), want a string", field, data[field], data[field])
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func check(ok bool, format string, args ...any) {
	checks++
	if !ok {
		panic(fmt.Sprintf(format, args...))
	}
}

func randomSuffix() string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
