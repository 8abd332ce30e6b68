package attachments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// The files as a whole: what `ticketctl verify` checks and `export`/`import` carry. Each
// reads the log once for the uploads not deleted; the log is the list of files, so a file
// on disk that no event names is neither checked nor carried.

// Live reads the log and returns every upload not deleted, ordered by id.
func Live(ctx context.Context, store eventlog.EventStore) ([]Uploaded, error) {
	live := map[string]Uploaded{}
	var after uint64
	for {
		page, err := store.ReadAll(ctx, after, sweepPage)
		if err != nil {
			return nil, err
		}
		for _, r := range page {
			after = r.Position
			if err := noteLive(live, r); err != nil {
				return nil, err
			}
		}
		if len(page) < sweepPage {
			break
		}
	}
	out := make([]Uploaded, 0, len(live))
	for _, u := range live {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func noteLive(live map[string]Uploaded, r eventlog.Record) error {
	if !strings.HasPrefix(r.Stream, eventlog.AttachmentStreamPrefix) {
		return nil
	}
	st := State{Version: -1}
	if err := st.apply(r); err != nil {
		return err
	}
	id := strings.TrimPrefix(r.Stream, eventlog.AttachmentStreamPrefix)
	switch r.Type {
	case TypeUploaded:
		live[id] = st.Uploaded
	case TypeDeleted:
		delete(live, id)
	}
	return nil
}

// FileProblem is an upload whose file is missing or does not hash to its event's SHA-256.
type FileProblem struct {
	Upload  Uploaded
	Problem string
}

func (p FileProblem) String() string {
	return fmt.Sprintf("%s (%s, sha256 %s): %s", Stream(p.Upload.ID), p.Upload.Filename, p.Upload.SHA256, p.Problem)
}

// VerifyFiles hashes the file of every upload (Live's) and reports each one missing or
// altered.
func VerifyFiles(ctx context.Context, live []Uploaded, blobs Blobs) ([]FileProblem, error) {
	var problems []FileProblem
	for _, u := range live {
		if p, err := checkFile(ctx, blobs, u); err != nil {
			return nil, err
		} else if p != "" {
			problems = append(problems, FileProblem{Upload: u, Problem: p})
		}
	}
	return problems, nil
}

func checkFile(ctx context.Context, blobs Blobs, u Uploaded) (string, error) {
	f, err := blobs.Open(ctx, u.SHA256)
	if errors.Is(err, application.ErrNotFound) {
		return "the file is missing", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != u.SHA256 || n != u.Size {
		return fmt.Sprintf("the file was altered: %d bytes, sha256 %s", n, sum), nil
	}
	return "", nil
}

// CopyFiles copies the file of every upload (Live's) from one blob store to another
// (export: the data directory to the export's; import: back), each checked against its
// event on the way; a missing or altered file stops it. It returns how many files it
// copied (equal uploads share one).
func CopyFiles(ctx context.Context, live []Uploaded, from, to Blobs) (int, error) {
	done := map[string]bool{}
	for _, u := range live {
		if done[u.SHA256] {
			continue
		}
		if err := copyFile(ctx, from, to, u); err != nil {
			return len(done), err
		}
		done[u.SHA256] = true
	}
	return len(done), nil
}

func copyFile(ctx context.Context, from, to Blobs, u Uploaded) error {
	f, err := from.Open(ctx, u.SHA256)
	if err != nil {
		return fmt.Errorf("%s (%s): %w", Stream(u.ID), u.Filename, err)
	}
	defer f.Close()
	sum, _, err := to.Put(ctx, f)
	if err != nil {
		return fmt.Errorf("%s (%s): %w", Stream(u.ID), u.Filename, err)
	}
	if sum != u.SHA256 {
		_ = to.Delete(ctx, sum)
		return fmt.Errorf("%s (%s): the file was altered: sha256 %s, its event says %s", Stream(u.ID), u.Filename, sum, u.SHA256)
	}
	return nil
}
