// Package allocbound lets fuzz targets check that a reader's allocations stay within a
// bound of its input's size, so a hostile file cannot make it claim memory the file does
// not justify.
package allocbound

import (
	"runtime/metrics"
	"testing"
)

const allocs = "/gc/heap/allocs:bytes"

// Slack is the fixed allowance on top of the per-input-byte factor: small inputs still
// build maps, tables and error messages.
const Slack = 64 << 20

func allocated() uint64 {
	s := []metrics.Sample{{Name: allocs}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Check runs fn and fails t when it allocated more than perByte·inputLen + Slack bytes on the
// Go heap (cumulative, so memory freed again still counts). Fuzz workers run one input at a
// time, so the process-wide counter measures fn alone.
func Check(t testing.TB, inputLen int, perByte uint64, fn func()) {
	t.Helper()
	before := allocated()
	fn()
	got := allocated() - before
	if limit := perByte*uint64(inputLen) + Slack; got > limit {
		t.Fatalf("allocated %d bytes for a %d-byte input (bound %d)", got, inputLen, limit)
	}
}
