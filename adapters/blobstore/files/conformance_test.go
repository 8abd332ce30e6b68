package files_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/blobstore/files"
	"github.com/ticketengine/ticketengine/application/attachments/blobtest"
)

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blobtest.Subject {
		dir := t.TempDir()
		s, err := files.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		// Every file under the directory, the temporary ones in tmp/ included.
		kept := func(context.Context) ([]string, error) {
			var names []string
			err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					names = append(names, path)
				}
				return err
			})
			return names, err
		}
		return blobtest.Subject{Blobs: s, Kept: kept}
	})
}
