// Command vulnreport reads govulncheck's JSON stream on stdin and decides:
// a vulnerability our code can reach in a module we require fails the
// build (upgrade the module); one in the Go standard library is named with
// the Go release that fixes it, since the build uses the machine's Go (the
// release build should use that Go release or newer).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

type message struct {
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Version  string `json:"version"`
			Package  string `json:"package"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

func main() {
	called := map[string]string{} // osv → "module version (fixed in …)"
	stdlib := map[string]bool{}
	dec := json.NewDecoder(os.Stdin)
	for {
		var m message
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "vulnreport: cannot read govulncheck output:", err)
			os.Exit(2)
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue // only vulnerable code our program can reach counts
		}
		t := f.Trace[0]
		// One line per advisory, the same on every run (the stream's
		// order of traces is not).
		line := fmt.Sprintf("%s %s: %s (fixed in %s)", t.Module, t.Version, t.Package, f.FixedVersion)
		if old, seen := called[f.OSV]; !seen || line < old {
			called[f.OSV] = line
		}
		stdlib[f.OSV] = t.Module == "stdlib"
	}
	ids := make([]string, 0, len(called))
	for id := range called {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	failed := false
	for _, id := range ids {
		if stdlib[id] {
			fmt.Printf("notice  %s  %s: build releases with that Go or newer\n", id, called[id])
		} else {
			fmt.Printf("FAIL    %s  %s: upgrade the module\n", id, called[id])
			failed = true
		}
	}
	fmt.Printf("govulncheck: %d reachable vulnerabilities, %d in required modules\n", len(ids), func() (n int) {
		for _, id := range ids {
			if !stdlib[id] {
				n++
			}
		}
		return n
	}())
	if failed {
		os.Exit(1)
	}
}
