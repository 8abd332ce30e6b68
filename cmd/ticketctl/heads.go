package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// The heads listing is what an auditor keeps to anchor the hash chains outside the
// store: one line per stream, "stream version hash", sorted by stream name (bytewise),
// then a last line "sha256 DIGEST", the SHA-256 over all the stream lines, each ended by
// "\n". Keeping the digest somewhere the operators cannot edit (a signed mail, a ticket
// in another system, paper) makes the listing itself tamper-evident; a later
// `verify --expect-heads FILE` shows any stream rewritten, shortened or deleted since.

// headLines returns the sorted stream lines of heads.
func headLines(heads map[string]head) []string {
	lines := make([]string, 0, len(heads))
	for stream, h := range heads {
		lines = append(lines, stream+" "+strconv.FormatInt(h.Version, 10)+" "+h.Hash+"\n")
	}
	sort.Strings(lines) // stream names hold no space, so this sorts by stream
	return lines
}

// headsDigest is the SHA-256 over the sorted stream lines.
func headsDigest(lines []string) string {
	h := sha256.New()
	for _, l := range lines {
		io.WriteString(h, l)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeHeads writes the listing and returns its digest.
func writeHeads(w io.Writer, heads map[string]head) (string, error) {
	bw := bufio.NewWriter(w)
	lines := headLines(heads)
	for _, l := range lines {
		bw.WriteString(l)
	}
	digest := headsDigest(lines)
	fmt.Fprintf(bw, "sha256 %s\n", digest)
	return digest, bw.Flush()
}

// readHeads parses a kept listing and checks it against its own digest, so an edited
// listing is refused rather than trusted.
func readHeads(r io.Reader) (map[string]head, string, error) {
	heads := map[string]head{}
	var lines []string
	digest := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 0:
		case len(f) == 2 && f[0] == "sha256" && digest == "":
			digest = f[1]
		case len(f) == 3 && digest == "":
			v, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || v < 0 {
				return nil, "", fmt.Errorf("heads line %d: %q is not a version", n, f[1])
			}
			heads[f[0]] = head{Version: v, Hash: f[2]}
			lines = append(lines, f[0]+" "+f[1]+" "+f[2]+"\n")
		default:
			return nil, "", fmt.Errorf("heads line %d: want \"stream version hash\" lines, then \"sha256 DIGEST\"", n)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, "", err
	}
	if digest == "" {
		return nil, "", fmt.Errorf("heads listing: the last line \"sha256 DIGEST\" is missing")
	}
	sort.Strings(lines)
	if got := headsDigest(lines); got != digest {
		return nil, "", fmt.Errorf("heads listing: its lines give digest %s, not the %s it ends with: the listing was edited", got, digest)
	}
	return heads, digest, nil
}
