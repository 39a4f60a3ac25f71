package weights

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// The scanner's opcode table must agree with Python's pickletools, which the
// generator dumped: same opcodes, same argument encodings.
func TestPickleOpcodeTableMatchesPickletools(t *testing.T) {
	raw, err := os.ReadFile(fixture("pickle_opcodes.json"))
	require.NoError(t, err)
	var table struct {
		Opcodes []struct {
			Code int    `json:"code"`
			Name string `json:"name"`
			ArgN int    `json:"arg_n"`
		} `json:"opcodes"`
	}
	require.NoError(t, json.Unmarshal(raw, &table))
	require.Len(t, pickleOps, len(table.Opcodes)-1, "every opcode but STOP is in the table")
	for _, op := range table.Opcodes {
		t.Run(op.Name, func(t *testing.T) {
			if op.Code == '.' {
				return // STOP ends the scan
			}
			arg, ok := pickleOps[byte(op.Code)]
			require.True(t, ok)
			// pickletools: n >= 0 fixed bytes, -1 newline-terminated, -2/-3/-4/-5 a
			// length prefix of 1/4/4/8 bytes (-3 and -4 differ only in signedness).
			switch {
			case op.ArgN == 0:
				require.Equal(t, argNone, arg.kind)
			case op.ArgN > 0:
				require.Equal(t, opArg{argFixed, op.ArgN}, arg)
			case op.ArgN == -1 && (op.Name == "GLOBAL" || op.Name == "INST"):
				require.Equal(t, argLines, arg.kind)
			case op.ArgN == -1:
				require.Equal(t, argLine, arg.kind)
			default:
				prefix := map[int]int{-2: 1, -3: 4, -4: 4, -5: 8}[op.ArgN]
				require.Equal(t, opArg{argLen, prefix}, arg)
			}
		})
	}
}

func TestScanPickleRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, data, err string
	}{
		{"empty", "", "no STOP"},
		{"unknown opcode", "\x80\x02\xff.", "unknown pickle opcode 0xff at byte 2"},
		{"huge BINBYTES8", "\x8e\xff\xff\xff\xff\xff\xff\xff\x7f.", "claims 9223372036854775807 bytes"},
		{"negative BINSTRING", "T\xff\xff\xff\xff.", "claims"},
		{"truncated BININT", "J\x01\x02", "truncated"},
		{"huge FRAME", "\x950\xff00\x00\x02\x00\x00.", "FRAME at byte 0 claims"},
		{"unterminated GLOBAL", "cos\nsystem", "truncated in a text argument"},
		{"no STOP", "K\x01", "no STOP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scanPickle([]byte(tc.data))
			require.ErrorContains(t, err, tc.err)
		})
	}
	n, err := scanPickle([]byte("\x80\x02K\x05.trailing"))
	require.NoError(t, err)
	require.Equal(t, 5, n)
}
