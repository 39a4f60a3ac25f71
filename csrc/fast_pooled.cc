// The last X-layer when only the pooled output is wanted (LxmertForQuestionAnswering without
// hidden states or attentions): the pooler reads the first language token of each example,
// so the vision side's self-attention and FFN, the vision-to-language direction of the
// cross-attention, and every language row but the first after the cross block are dead
// work. Each remaining row is computed exactly as the full layer computes it.
#include "fast_blocks.h"

using namespace lx::fast;

extern "C" {

lx_err lx_fast_xlayer_first(lx_fast_ctx cp, const lx_fast_cfg *cf, const lx_fast_att *cross,
                            const lx_fast_att *lang_self, const lx_fast_ffn *lang_ffn,
                            lx_tensor lang, lx_tensor visn, lx_tensor lang_mask,
                            lx_tensor visn_mask, lx_tensor *out) {
  LX_TRY
  auto &c = ctx_of(cp);
  auto cfg = cfg_of(cf);
  Team team(cfg.threads);
  auto sd = sides(lang, visn, "fast x-layer");
  auto &l = sd.l, &v = sd.v;
  TORCH_CHECK(l.size(1) > 0, "fast x-layer: no language tokens");
  const int64_t B = sd.B, Ll = sd.Ll, Lv = sd.Lv, H = sd.H;
  const int64_t Ml = B * Ll, Mv = B * Lv;
  auto &pool = *c.pool;
  // Language attends to vision (queries: language rows; keys, values: vision rows).
  Scratch x(pool, Ml * H * 4);
  att_block(c, cfg, *cross, l.data_ptr<float>(), Ml, v.data_ptr<float>(), Mv, H,
            {Dir{B, Ll, Lv, 0, 0, lx::opt(visn_mask), nullptr}}, f(x));
  // Self-attention of the first token of each example over all language rows.
  Scratch first(pool, B * H * 4), a(pool, B * H * 4);
  for (int64_t b = 0; b < B; b++) std::memcpy(f(first) + b * H, f(x) + b * Ll * H, H * 4);
  att_block(c, cfg, *lang_self, f(first), B, f(x), Ml, H,
            {Dir{B, 1, Ll, 0, 0, lx::opt(lang_mask), nullptr}}, f(a));
  auto y = pool.tensor({B, 1, H}, at::kFloat);
  ffn(c, cfg, *lang_ffn, f(a), B, H, y.data_ptr<float>());
  *out = lx::wrap(y);
  LX_END
}

}  // extern "C"
