package binding

// #include "lx.h"
import "C"

import "runtime"

// FastXLayerFirst runs an LxmertXLayer for a pooled output only: it returns the language
// output at the first token of each example, [batch, 1, hidden], equal (within float
// rounding) to FastXLayer's langOut[:, :1], and skips what no other output reads (the
// vision side, the vision-to-language direction, the language rows after the first).
func (s *Scope) FastXLayerFirst(f *FastContext, cfg FastConfig, cross, langSelf *FastAttention, langFFN *FastFFN, lang, visn, langMask, visnMask Tensor) Tensor {
	args := firstArgs(cross, langSelf, langFFN, lang, visn, langMask, visnMask)
	if !s.check("FastXLayerFirst", args) {
		return Tensor{}
	}
	cx, cl, fl, cc := cross.c(), langSelf.c(), langFFN.c(), cfg.c()
	var out C.lx_tensor
	var e C.lx_err
	f.use(s, "FastXLayerFirst", func(c C.lx_fast_ctx) {
		e = C.lx_fast_xlayer_first(c, &cc, &cx, &cl, &fl, ptr(lang), ptr(visn), ptr(langMask), ptr(visnMask), &out)
	})
	runtime.KeepAlive(args)
	if s.err != nil {
		return Tensor{}
	}
	return s.done("FastXLayerFirst", e, out, lang, visn, langMask, visnMask)
}
