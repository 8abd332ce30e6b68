package tool_test

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/tool"
)

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err        error
		code       int
		wantStderr string
	}{
		{nil, 0, ""},
		{flag.ErrHelp, 0, ""},
		{fmt.Errorf("parse: %w", flag.ErrHelp), 0, ""},
		{errors.New("no such file"), 1, "tool: no such file\n"},
	} {
		var stderr strings.Builder
		if got := tool.ExitCode("tool", c.err, &stderr); got != c.code || stderr.String() != c.wantStderr {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", c.err, got, stderr.String(), c.code, c.wantStderr)
		}
	}
}
