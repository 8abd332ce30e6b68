package archtest

import (
	"bufio"
	"fmt"
	"sort"
	"strings"
)

// Floor is the top folder of a module package: cmd, adapters, projections, application,
// domain, migrations or docs. docs/ARCHITECTURE.md draws the imports between floors.
func Floor(rel string) string {
	floor, _, _ := strings.Cut(rel, "/")
	return floor
}

// FloorEdges returns every "from -> to" import between two different floors of the
// module's packages, sorted.
func FloorEdges(module string, pkgs []Package) []string {
	seen := map[string]bool{}
	for _, p := range pkgs {
		from, ok := strings.CutPrefix(p.ImportPath, module+"/")
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			to, own := strings.CutPrefix(imp, module+"/")
			if own && Floor(from) != Floor(to) {
				seen[Floor(from)+" -> "+Floor(to)] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for e := range seen {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// DrawnEdges reads the "```floors" block of a Markdown document: one "from -> to" a line.
func DrawnEdges(markdown string) (map[string]bool, error) {
	drawn := map[string]bool{}
	in := false
	for sc := bufio.NewScanner(strings.NewReader(markdown)); sc.Scan(); {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "```floors":
			in = true
		case in && line == "```":
			return drawn, nil
		case in && line != "":
			from, to, ok := strings.Cut(line, "->")
			if !ok {
				return nil, fmt.Errorf("floors block: %q is not \"from -> to\"", line)
			}
			drawn[strings.TrimSpace(from)+" -> "+strings.TrimSpace(to)] = true
		}
	}
	return nil, fmt.Errorf("no closed ```floors block")
}
