// Package dovecottest starts a real Dovecot IMAP server for a test: its own
// configuration, port and maildir in the test's temporary directory, one user (any name,
// one password), stopped when the test ends. It skips the test when Dovecot is not
// installed, and fails it when CI=true (.ci/run installs dovecot-imapd).
package dovecottest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Password is every user's password.
const Password = "dovecot-test-secret"

// Ports tried, in order: the range this project's tests may bind (18600-18699), from
// 18640 on; DOVECOT_TEST_PORTS=first-last gives another range (where several test runs
// share one machine, each its own).
const firstPort, lastPort = 18640, 18699

// portRange is the range to try: DOVECOT_TEST_PORTS, else the default.
func portRange() (int, int) {
	if a, b, ok := strings.Cut(os.Getenv("DOVECOT_TEST_PORTS"), "-"); ok {
		lo, err1 := strconv.Atoi(a)
		hi, err2 := strconv.Atoi(b)
		if err1 == nil && err2 == nil && 0 < lo && lo <= hi && hi < 65536 {
			return lo, hi
		}
	}
	return firstPort, lastPort
}

// Server is a running Dovecot.
type Server struct {
	Addr string // 127.0.0.1:port
	dir  string
}

var portMu sync.Mutex

// Start starts Dovecot for t.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dovecot is not installed (CI=true: .ci/run installs dovecot-imapd)")
		}
		t.Skip("dovecot is not installed (apt-get install dovecot-imapd)")
	}
	dir, err := os.MkdirTemp("", "dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			_ = os.RemoveAll(dir)
		}
	})
	// Dovecot runs the mail processes as its own user, which must reach the maildir.
	for _, d := range []string{dir, filepath.Join(dir, "mail")} {
		if err := os.MkdirAll(d, 0o777); err != nil {
			t.Fatal(err)
		}
		_ = os.Chmod(d, 0o777)
	}
	portMu.Lock()
	defer portMu.Unlock()
	first, last := portRange()
	for port := first; port <= last; port++ {
		if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			_ = l.Close()
		} else {
			continue
		}
		s := &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), dir: dir}
		conf := filepath.Join(dir, "dovecot.conf")
		if err := os.WriteFile(conf, []byte(config(dir, port)), 0o644); err != nil {
			t.Fatal(err)
		}
		// No pipes: the daemon it forks would hold them open. Its errors are in its log.
		if err := exec.Command(bin, "-c", conf).Run(); err != nil {
			t.Fatalf("dovecot: %v: %s", err, readLog(dir))
		}
		t.Cleanup(func() { s.stop(bin, conf) })
		if s.ready(5 * time.Second) {
			return s
		}
		s.stop(bin, conf)
	}
	t.Fatalf("dovecot: no free port in %d-%d (log: %s)", first, last, readLog(dir))
	return nil
}

func readLog(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
	return string(b)
}

func (s *Server) stop(bin, conf string) {
	_ = exec.Command(bin, "-c", conf, "stop").Run()
	for i := 0; i < 50; i++ {
		if _, err := os.Stat(filepath.Join(s.dir, "run", "master.pid")); err != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *Server) ready(within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", s.Addr); err == nil {
			_ = c.Close()
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// Log is Dovecot's log so far.
func (s *Server) Log() string { return readLog(s.dir) }

// URL is the imap:// URL of user's INBOX, with the query (may be "").
func (s *Server) URL(user, query string) string {
	u := "imap://" + strings.ReplaceAll(user, "@", "%40") + ":" + Password + "@" + s.Addr + "/INBOX"
	if query != "" {
		u += "?" + query
	}
	return u
}

func config(dir string, port int) string {
	return fmt.Sprintf(`protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:%[1]s/mail/%%n
# A mail appended while a reader IDLEs is pushed at once when Dovecot can watch the
# maildir (inotify); when it cannot (the machine's inotify instances used up, as on a
# busy CI machine), only at this interval, 30 s by default: longer than a test waits.
mailbox_idle_check_interval = 1 secs
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = static
  args = password=%[3]s
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=%[1]s/mail/%%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
}
service imap {
  process_limit = 64
}
`, dir, port, Password)
}

// Client logs user in.
func (s *Server) Client(t testing.TB, user string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(user, Password).Wait(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Append puts raw mails into user's folder over IMAP, as a mail server delivers them.
func (s *Server) Append(t testing.TB, user, folder string, raws ...[]byte) {
	t.Helper()
	c := s.Client(t, user)
	_ = c.Create(folder, nil).Wait()
	for _, raw := range raws {
		raw = crlf(raw)
		cmd := c.Append(folder, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Logout().Wait()
}

// crlf makes a file's line ends the wire's.
func crlf(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

// Count is how many mails user's folder holds, and how many of them are \Seen.
func (s *Server) Count(t testing.TB, user, folder string) (all, seen int) {
	t.Helper()
	c := s.Client(t, user)
	data, err := c.Status(folder, &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
	if err != nil {
		return 0, 0
	}
	_ = c.Logout().Wait()
	return int(*data.NumMessages), int(*data.NumMessages - *data.NumUnseen)
}

// MessageIDs lists the Message-IDs of the mails in user's folder.
func (s *Server) MessageIDs(t testing.TB, user, folder string) []string {
	t.Helper()
	c := s.Client(t, user)
	mbox, err := c.Select(folder, nil).Wait()
	if err != nil || mbox.NumMessages == 0 {
		return nil
	}
	msgs, err := c.Fetch(imap.SeqSetNum(seq(mbox.NumMessages)...), &imap.FetchOptions{Envelope: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		out = append(out, m.Envelope.MessageID)
	}
	return out
}

func seq(n uint32) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = uint32(i + 1)
	}
	return out
}
