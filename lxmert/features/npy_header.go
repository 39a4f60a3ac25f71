package features

import (
	"fmt"
	"strconv"
	"strings"
)

// npyHeader is the parsed header dict of a .npy file.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader parses the Python dict literal numpy writes, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (36, 2048), }. It accepts exactly
// the three keys, each once, with string, bool and int-tuple values.
func parseNPYHeader(s string) (npyHeader, error) {
	var h npyHeader
	p := &pyLit{s: strings.TrimRight(s, " \n\x00")}
	if !p.eat("{") {
		return h, fmt.Errorf("does not start with '{'")
	}
	seen := map[string]bool{}
	for !p.eat("}") {
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if seen[key] {
			return h, fmt.Errorf("key %q repeated", key)
		}
		seen[key] = true
		if !p.eat(":") {
			return h, fmt.Errorf("want ':' after key %q", key)
		}
		switch key {
		case "descr":
			h.descr, err = p.str()
		case "fortran_order":
			switch {
			case p.eat("True"):
				h.fortran = true
			case p.eat("False"):
			default:
				err = fmt.Errorf("fortran_order is not True or False")
			}
		case "shape":
			h.shape, err = p.tuple()
		default:
			err = fmt.Errorf("unexpected key %q", key)
		}
		if err != nil {
			return h, err
		}
		if !p.eat(",") && !strings.HasPrefix(strings.TrimLeft(p.s, " "), "}") {
			return h, fmt.Errorf("want ',' or '}' after %q", key)
		}
	}
	if len(seen) != 3 {
		return h, fmt.Errorf("want keys descr, fortran_order and shape")
	}
	if strings.TrimSpace(p.s) != "" {
		return h, fmt.Errorf("trailing text after the dict")
	}
	return h, nil
}

// pyLit is a cursor over a Python literal.
type pyLit struct{ s string }

// eat consumes tok after optional spaces and reports whether it was there.
func (p *pyLit) eat(tok string) bool {
	t := strings.TrimLeft(p.s, " ")
	if !strings.HasPrefix(t, tok) {
		return false
	}
	p.s = t[len(tok):]
	return true
}

// str consumes a single- or double-quoted string without escapes.
func (p *pyLit) str() (string, error) {
	p.s = strings.TrimLeft(p.s, " ")
	if p.s == "" || (p.s[0] != '\'' && p.s[0] != '"') {
		return "", fmt.Errorf("want a quoted string at %q", truncate([]byte(p.s)))
	}
	end := strings.IndexByte(p.s[1:], p.s[0])
	if end < 0 {
		return "", fmt.Errorf("unterminated string")
	}
	v := p.s[1 : 1+end]
	p.s = p.s[2+end:]
	return v, nil
}

// tuple consumes a tuple of non-negative ints: (), (3,), (36, 2048).
func (p *pyLit) tuple() ([]int, error) {
	if !p.eat("(") {
		return nil, fmt.Errorf("shape is not a tuple")
	}
	dims := []int{}
	for !p.eat(")") {
		t := strings.TrimLeft(p.s, " ")
		n := 0
		for n < len(t) && t[n] >= '0' && t[n] <= '9' {
			n++
		}
		d, err := strconv.Atoi(t[:n])
		if err != nil || len(dims) >= 8 {
			return nil, fmt.Errorf("bad shape at %q", truncate([]byte(t)))
		}
		dims = append(dims, d)
		p.s = t[n:]
		if !p.eat(",") && !strings.HasPrefix(strings.TrimLeft(p.s, " "), ")") {
			return nil, fmt.Errorf("want ',' or ')' in shape")
		}
	}
	return dims, nil
}
