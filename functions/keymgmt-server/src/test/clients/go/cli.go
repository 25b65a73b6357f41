package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"

	kvbuilder "github.com/hashicorp/go-secure-stdlib/kv-builder"
	"github.com/hashicorp/vault/api"
	"github.com/mitchellh/mapstructure"
)

// cli turns `vault write|read|list|delete` command lines into the api calls the vault CLI makes
// for them (vault v1.21 command/write.go, read.go, list.go, delete.go and base.go's Client()):
//
//   - write: the k=v arguments go through the CLI's own kv-builder (go-secure-stdlib/kv-builder),
//     so every value is a string, a repeated key becomes a list and `-f` with no arguments leaves
//     the data nil; then Logical().Write, which sends PUT with the data as JSON.
//   - read: Logical().ReadWithDataWithContext with no data: GET.
//   - list: Logical().List, which sends GET ?list=true.
//   - delete: Logical().DeleteWithData with no data: DELETE.
//
// The client is made as the CLI makes it: DefaultConfig (VAULT_ADDR and the other VAULT_*
// variables), NewClient (VAULT_TOKEN), no retries unless VAULT_MAX_RETRIES is set, and a wrapping
// lookup that asks for no wrapping. A recording transport keeps what went over the wire.
type cli struct {
	client *api.Client
	wire   *recorder
}

type exchange struct {
	method, uri, requestBody string
	status                   int
	responseBody             string
}

func (e exchange) String() string {
	return fmt.Sprintf("%s %s %s -> %d %s", e.method, e.uri, e.requestBody, e.status, strings.TrimSpace(e.responseBody))
}

type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	e := exchange{method: req.Method, uri: req.URL.RequestURI()}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
		e.requestBody = string(body)
	}
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		body, readErr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if readErr != nil {
			return nil, readErr
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		e.status = resp.StatusCode
		e.responseBody = string(body)
	}
	r.mu.Lock()
	r.seen = append(r.seen, e)
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) since(n int) []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.seen[n:]...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

func newCLI() *cli {
	config := api.DefaultConfig()
	if config.Error != nil {
		panic(config.Error)
	}
	wire := &recorder{next: config.HttpClient.Transport}
	config.HttpClient.Transport = wire
	client, err := api.NewClient(config)
	if err != nil {
		panic(err)
	}
	if os.Getenv(api.EnvVaultMaxRetries) == "" {
		client.SetMaxRetries(0)
	}
	client.SetWrappingLookupFunc(func(operation, path string) string { return "" })
	return &cli{client: client, wire: wire}
}

// result is one command line's outcome: what the api returned and what went over the wire.
type result struct {
	line   string
	secret *api.Secret
	err    error
	wire   []exchange
}

func (c *cli) run(line string, call func(path string, args []string) (*api.Secret, error), force bool) *result {
	fields := strings.Fields(line)
	if len(fields) < 3 || fields[0] != "vault" {
		panic("not a vault command line: " + line)
	}
	args := fields[2:]
	forced := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if force && (args[0] == "-f" || args[0] == "-force") {
			forced = true
		} else {
			panic("flag not supported here: " + args[0])
		}
		args = args[1:]
	}
	if len(args) < 1 {
		panic("no path in " + line)
	}
	if force && len(args) == 1 && !forced {
		panic("vault write would refuse this line: Must supply data or use -force: " + line)
	}
	path := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(args[0]), "/"), "/")
	before := c.wire.count()
	secret, err := call(path, args[1:])
	r := &result{line: line, secret: secret, err: err, wire: c.wire.since(before)}
	for _, e := range r.wire {
		sessionLog = append(sessionLog, line+"\n    "+e.String())
	}
	return r
}

func (c *cli) write(line string) *result {
	return c.run(line, func(path string, args []string) (*api.Secret, error) {
		builder := &kvbuilder.Builder{Stdin: os.Stdin}
		if err := builder.Add(args...); err != nil {
			panic(fmt.Sprintf("Failed to parse K=V data: %v", err))
		}
		return c.client.Logical().Write(path, builder.Map())
	}, true)
}

func (c *cli) read(line string) *result {
	return c.run(line, func(path string, args []string) (*api.Secret, error) {
		ctx, cancel := context.WithTimeout(context.Background(), c.client.ClientTimeout())
		defer cancel()
		return c.client.Logical().ReadWithDataWithContext(ctx, path, stringLists(args))
	}, false)
}

func (c *cli) list(line string) *result {
	return c.run(line, func(path string, args []string) (*api.Secret, error) {
		if len(args) > 0 {
			panic("vault list takes only a path: " + line)
		}
		return c.client.Logical().List(path)
	}, false)
}

func (c *cli) delete(line string) *result {
	return c.run(line, func(path string, args []string) (*api.Secret, error) {
		return c.client.Logical().DeleteWithData(path, stringLists(args))
	}, false)
}

// stringLists is the CLI's parseArgsDataStringLists: nil for no arguments.
func stringLists(args []string) map[string][]string {
	builder := &kvbuilder.Builder{Stdin: os.Stdin}
	if err := builder.Add(args...); err != nil {
		panic(err)
	}
	var out map[string][]string
	if err := mapstructure.WeakDecode(builder.Map(), &out); err != nil {
		panic(err)
	}
	return out
}

// expect checks the one request this line sent, its body exactly, and the status it got; body ""
// means no body.
func (r *result) expect(method, uri string, status int, body string) {
	check(len(r.wire) == 1, "%s: sent %d requests, want 1: %v", r.line, len(r.wire), r.wire)
	e := r.wire[0]
	check(e.method == method, "%s: sent %s, want %s", r.line, e.method, method)
	check(e.uri == uri, "%s: sent to %s, want %s", r.line, e.uri, uri)
	if body == "" {
		check(e.requestBody == "", "%s: sent the body %q, want none", r.line, e.requestBody)
	} else {
		// Byte for byte: encoding/json writes map keys sorted, so the CLI's body is predictable.
		check(e.requestBody == body, "%s: sent the body %s, want %s", r.line, e.requestBody, body)
	}
	check(e.status == status, "%s: answered %d %s, want %d", r.line, e.status, e.responseBody, status)
	if status >= 400 && status != 404 {
		check(r.err != nil, "%s: the client returned no error for %d", r.line, status)
	} else {
		check(r.err == nil, "%s: the client returned the error %v", r.line, r.err)
	}
}

func (r *result) responseBody(want string) {
	check(len(r.wire) == 1 && sameJSON(r.wire[0].responseBody, want),
		"%s: answered %q, want %s", r.line, r.wire[0].responseBody, want)
}

// failsWith checks a refused request: the status, Vault's error envelope with one message that
// mentions the given text, returned as the api's ResponseError carrying that message.
func (r *result) failsWith(method, uri string, status int, mentions string) {
	check(len(r.wire) == 1 && r.wire[0].method == method && r.wire[0].uri == uri, "%s: sent %v", r.line, r.wire)
	e := r.wire[0]
	check(e.status == status, "%s: answered %d %s, want %d", r.line, e.status, e.responseBody, status)
	var envelope map[string][]string
	check(json.Unmarshal([]byte(e.responseBody), &envelope) == nil && len(envelope) == 1 && len(envelope["errors"]) == 1 &&
		strings.Contains(envelope["errors"][0], mentions),
		"%s: the error body %q is not {\"errors\":[\"...%s...\"]}", r.line, e.responseBody, mentions)
	re, isResponseError := r.err.(*api.ResponseError)
	check(isResponseError, "%s: the client returned %T %v, want an *api.ResponseError", r.line, r.err, r.err)
	check(re.StatusCode == status && !re.RawError && reflect.DeepEqual(re.Errors, envelope["errors"]),
		"%s: the client read the error as %+v", r.line, re)
	check(r.secret == nil, "%s: returned a secret with the error", r.line)
}

func (r *result) noSecret() {
	check(r.secret == nil, "%s: returned %+v, want nothing", r.line, r.secret)
}

// ok checks a read's Vault envelope and that it has data.
func (r *result) ok() {
	check(r.err == nil && r.secret != nil && r.secret.Data != nil, "%s: got %+v, %v", r.line, r.secret, r.err)
	s := r.secret
	check(len(s.RequestID) == 36 && s.LeaseID == "" && !s.Renewable && s.LeaseDuration == 0 &&
		s.WrapInfo == nil && s.Auth == nil && len(s.Warnings) == 0,
		"%s: the envelope is not a plain read's: %+v", r.line, s)
	var raw map[string]any
	check(json.Unmarshal([]byte(r.wire[0].responseBody), &raw) == nil, "%s: the answer is not JSON", r.line)
	for _, field := range []string{"request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings", "auth"} {
		_, present := raw[field]
		check(present, "%s: the answer lacks %s: %s", r.line, field, r.wire[0].responseBody)
	}
}

func (r *result) data(want map[string]any) {
	r.ok()
	check(reflect.DeepEqual(r.secret.Data, want), "%s: data %v, want %v", r.line, r.secret.Data, want)
}

func (r *result) listed() []string {
	check(r.err == nil && r.secret != nil, "%s: got %+v, %v", r.line, r.secret, r.err)
	keysAre(r.secret.Data, "keys")
	raw, isList := r.secret.Data["keys"].([]any)
	check(isList, "%s: keys is %T", r.line, r.secret.Data["keys"])
	out := []string{}
	for _, k := range raw {
		s, isString := k.(string)
		check(isString, "%s: a listed key is %T", r.line, k)
		out = append(out, s)
	}
	check(sort.StringsAreSorted(out), "%s: keys %v are not sorted", r.line, out)
	return out
}

func (r *result) keys(want ...string) {
	got := r.listed()
	sort.Strings(want)
	check(fmt.Sprint(got) == fmt.Sprint(want), "%s: keys %v, want %v", r.line, got, want)
}

func (r *result) keysContain(want ...string) {
	got := map[string]bool{}
	for _, k := range r.listed() {
		got[k] = true
	}
	for _, w := range want {
		check(got[w], "%s: %s not listed", r.line, w)
	}
}

func (r *result) keysLack(unwanted string) {
	for _, k := range r.listed() {
		check(k != unwanted, "%s: %s still listed", r.line, unwanted)
	}
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
