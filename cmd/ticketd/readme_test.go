package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestREADMEWalkThrough runs the README's curl walk-through as written, with bash, curl
// and jq, against a freshly started ticketd whose --data is ./data of the script's
// directory (the walk-through reads data/admin.token), started as the README starts it:
// mails to the log (--smtp-url log:), the log in ./ticketd.log (the walk-through takes
// the confirmation link from it). Only the API= line is changed, to the port the server got. curl is wrapped to report each answer's status on stderr:
// every request must succeed except the one the README shows failing (412 on reopen).
func TestREADMEWalkThrough(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the walk-through needs %s: %v", tool, err)
		}
	}
	block := readmeWalkThrough(t)
	if raw, _ := os.ReadFile(filepath.Join("..", "..", "README.md")); !strings.Contains(string(raw), readmeStart) {
		t.Fatalf("the README no longer starts ticketd with %q; update this test", readmeStart)
	}
	dir := t.TempDir()
	log, err := os.Create(filepath.Join(dir, "ticketd.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() }) // after the daemon's end: cleanups run last first
	d := startDaemonLog(t, daemonEnv(), log, "--data", filepath.Join(dir, "data"), "--smtp-url", "log:")
	const as = "API=http://127.0.0.1:8080"
	if !strings.Contains(block, as) {
		t.Fatalf("the walk-through no longer sets %s; update this test", as)
	}
	script := `curl() { command curl -w '%{stderr}HTTP %{http_code} %{method} %{url_effective}\n' "$@"; }` + "\n" +
		strings.Replace(block, as, "API="+d.base, 1)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir, cmd.Env = dir, daemonEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("walk-through: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	answers := curlAnswers(&stderr)
	if want := len(curlCall.FindAllString(stripComments(block), -1)); len(answers) != want {
		t.Fatalf("%d curl answers, the walk-through has %d curl calls\nstderr:\n%s", len(answers), want, stderr.String())
	}
	for _, a := range answers {
		checkWalkThroughAnswer(t, a)
	}
}

// readmeStart is how the README starts ticketd; the test starts it the same way.
const readmeStart = "go run ./cmd/ticketd --smtp-url log: 2> ticketd.log &"

// pendingSteps are walk-through requests known to fail today, each with its cause (a part
// of the engine not wired yet, or a README line out of date); a failure there is logged,
// not failed. Remove an entry once its cause is fixed.
var pendingSteps = map[*regexp.Regexp]string{}

func checkWalkThroughAnswer(t *testing.T, a curlAnswer) {
	t.Helper()
	want := "2"
	if a.method == "POST" && strings.HasSuffix(a.url, "/reopen") {
		want = "412" // the README's stale If-Match
	}
	if strings.HasPrefix(a.status, want) {
		return
	}
	for re, why := range pendingSteps {
		if re.MatchString(a.method + " " + a.url) {
			t.Logf("pending README step %s %s answered %s: %s", a.method, a.url, a.status, why)
			return
		}
	}
	t.Errorf("README step %s %s answered %s, want %s…", a.method, a.url, a.status, want)
}

var curlCall = regexp.MustCompile(`\bcurl\s+-`)

type curlAnswer struct{ status, method, url string }

func curlAnswers(stderr *bytes.Buffer) []curlAnswer {
	var out []curlAnswer
	sc := bufio.NewScanner(bytes.NewReader(stderr.Bytes()))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 4 && f[0] == "HTTP" {
			out = append(out, curlAnswer{status: f[1], method: f[2], url: f[3]})
		}
	}
	return out
}

// readmeWalkThrough returns the README's sh code block that talks to the API.
func readmeWalkThrough(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(string(raw), "```sh\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		if strings.Contains(block, "API=") {
			return block
		}
	}
	t.Fatal("README.md has no sh block setting API=")
	return ""
}

func stripComments(script string) string {
	var keep []string
	for _, line := range strings.Split(script, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}
