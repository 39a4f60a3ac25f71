package weights

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// pickle opcode argument kinds, used by scanPickle.
const (
	argNone  = iota
	argFixed // n fixed bytes
	argLen   // n-byte little-endian length, then that many bytes
	argLine  // one newline-terminated line
	argLines // two newline-terminated lines
)

type opArg struct{ kind, n int }

// pickleOps maps every opcode of pickle protocols 0-5 to its argument.
var pickleOps = func() map[byte]opArg {
	m := map[byte]opArg{}
	for _, op := range []byte("()012NQRabdelostu}]\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x97\x98") {
		m[op] = opArg{argNone, 0}
	}
	for op, n := range map[byte]int{'\x80': 1, '\x95': 8, '\x82': 1, '\x83': 2, '\x84': 4, 'J': 4, 'K': 1, 'M': 2, 'G': 8, 'h': 1, 'j': 4, 'q': 1, 'r': 4} {
		m[op] = opArg{argFixed, n}
	}
	for op, n := range map[byte]int{'\x8a': 1, '\x8b': 4, 'T': 4, 'U': 1, 'B': 4, 'C': 1, '\x8e': 8, '\x96': 8, 'X': 4, '\x8c': 1, '\x8d': 8} {
		m[op] = opArg{argLen, n}
	}
	for _, op := range []byte("IFLSVgpP") {
		m[op] = opArg{argLine, 0}
	}
	m['c'] = opArg{argLines, 0}
	m['i'] = opArg{argLines, 0}
	return m
}()

// scanPickle walks the opcodes of the pickle at the start of data without
// building anything and returns its length up to and including STOP. It
// rejects unknown opcodes and any length that runs past the data, so the
// unpickler that runs next can never be asked to allocate more than the
// input holds.
func scanPickle(data []byte) (int, error) {
	pos := 0
	for pos < len(data) {
		op := data[pos]
		pos++
		if op == '.' {
			return pos, nil
		}
		arg, ok := pickleOps[op]
		if !ok {
			return 0, fmt.Errorf("unknown pickle opcode 0x%02x at byte %d", op, pos-1)
		}
		need := 0
		switch arg.kind {
		case argFixed:
			need = arg.n
			// FRAME's argument is the size of the frame that follows, which
			// gopickle allocates up front: it must fit in what remains.
			if op == '\x95' && len(data)-pos >= 8 && binary.LittleEndian.Uint64(data[pos:]) > uint64(len(data)-pos-8) {
				return 0, fmt.Errorf("pickle FRAME at byte %d claims %d bytes, only %d remain", pos-1, binary.LittleEndian.Uint64(data[pos:]), len(data)-pos-8)
			}
		case argLen:
			if len(data)-pos < arg.n {
				return 0, fmt.Errorf("pickle truncated at byte %d", pos)
			}
			var l uint64
			for i := arg.n - 1; i >= 0; i-- {
				l = l<<8 | uint64(data[pos+i])
			}
			if op == 'T' { // BINSTRING's length is signed
				l = uint64(int32(binary.LittleEndian.Uint32(data[pos:])))
			}
			pos += arg.n
			if l > uint64(len(data)-pos) {
				return 0, fmt.Errorf("pickle opcode 0x%02x at byte %d claims %d bytes, only %d remain", op, pos-arg.n-1, l, len(data)-pos)
			}
			need = int(l)
		case argLine, argLines:
			lines := 1 + arg.kind - argLine
			for ; lines > 0; lines-- {
				nl := bytes.IndexByte(data[pos:], '\n')
				if nl < 0 {
					return 0, fmt.Errorf("pickle truncated in a text argument at byte %d", pos)
				}
				pos += nl + 1
			}
		}
		if len(data)-pos < need {
			return 0, fmt.Errorf("pickle truncated at byte %d", pos)
		}
		pos += need
	}
	return 0, fmt.Errorf("pickle has no STOP opcode in %d bytes", len(data))
}
