package main

import "syscall"

// childAttrs make the kernel send SIGTERM to a `lxmert serve` child whose parent died
// (a load test killed outright), so it drains and exits rather than serving on alone.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
