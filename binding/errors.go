package binding

// #include <stdlib.h>
// #include "lx.h"
import "C"

// Error is a failure of one native operation: the operation's name and libtorch's message.
type Error struct {
	Op  string // binding operation, e.g. "Linear"
	Msg string // libtorch's message, without backtrace
}

func (e *Error) Error() string { return "binding: " + e.Op + ": " + e.Msg }

// takeErr turns a C error string into an *Error (nil when e is NULL) and frees it.
func takeErr(op string, e C.lx_err) error {
	if e == nil {
		return nil
	}
	msg := C.GoString(e)
	C.lx_free_str(e)
	return &Error{Op: op, Msg: msg}
}
