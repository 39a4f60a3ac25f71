/* C API of liblxmert_c: the only functions binding/ calls through cgo.
 *
 * Conventions: a tensor is an opaque at::Tensor* (the same handle gotorch wraps). Every function
 * that can fail returns NULL on success or a malloc'd message that the caller frees with
 * lx_free_str. Results come back through out-parameters and are new handles owned by the caller
 * (free with lx_free). `grad` selects autograd recording for that call alone: libtorch's grad
 * mode is thread-local and goroutines move between OS threads, so it is set inside each call. */
#ifndef LXMERT_LX_H_
#define LXMERT_LX_H_
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void *lx_tensor;
typedef char *lx_err;

void lx_free(lx_tensor t);
void lx_free_str(char *s);

/* runtime */
void lx_set_num_threads(int n);
int lx_get_num_threads(void);
int lx_thread_serial_begin(void);    /* this OS thread's LibTorch operators on one thread; returns the old size */
void lx_thread_serial_end(int old);  /* restores it */
void lx_manual_seed(uint64_t seed);
lx_err lx_runtime_info(char **out); /* malloc'd; libtorch version and parallel info */
/* tensor buffers of 128 KiB or more get their own mapping, reused through a cache of at most
 * cache_bytes (csrc/memory.cc); the host's malloc is untouched */
lx_err lx_use_tensor_allocator(int64_t cache_bytes);
int64_t lx_tensor_cache_bytes(void); /* bytes the cache holds now */

/* creation and host copies; dtype codes are c10::ScalarType values (gotorch's Dtype constants) */
lx_err lx_from_blob(const void *data, int dtype, const int64_t *shape, int ndim, lx_tensor *out);
lx_err lx_copy_to(lx_tensor t, int dtype, void *dst, int64_t nbytes);
lx_err lx_shape(lx_tensor t, int64_t *dims, int cap, int *ndim);
lx_err lx_dtype(lx_tensor t, int *dtype);
lx_err lx_numel(lx_tensor t, int64_t *n);
lx_err lx_empty(const int64_t *shape, int ndim, int dtype, lx_tensor *out); /* uninitialised */
lx_err lx_full(const int64_t *shape, int ndim, int dtype, double value, lx_tensor *out);
lx_err lx_arange(int64_t n, int dtype, lx_tensor *out);
lx_err lx_to_dtype(int grad, lx_tensor t, int dtype, lx_tensor *out);
lx_err lx_clone(int grad, lx_tensor t, lx_tensor *out);
lx_err lx_detach(lx_tensor t, lx_tensor *out);
lx_err lx_requires_grad(lx_tensor t, int flag);
lx_err lx_get_requires_grad(lx_tensor t, int *flag); /* true also for non-leaf graph nodes */
lx_err lx_copy_(lx_tensor dst, lx_tensor src); /* in place, no grad: loading weights */
lx_err lx_normal_(lx_tensor t, double mean, double std); /* in place, no grad: init */
lx_err lx_fill_(lx_tensor t, double value);

/* elementwise and reductions; reduction: 0 none, 1 mean, 2 sum */
lx_err lx_binary(int grad, int op, lx_tensor a, lx_tensor b, lx_tensor *out); /* 0 add 1 sub 2 mul 3 div */
lx_err lx_scalar(int grad, int op, lx_tensor a, double s, lx_tensor *out);    /* same op codes */
lx_err lx_unary(int grad, int op, lx_tensor a, lx_tensor *out); /* 0 tanh 1 gelu(erf) 2 relu 3 sigmoid 4 neg 5 exp */
lx_err lx_reduce(int grad, int op, lx_tensor a, int dim, int all, int keepdim, lx_tensor *out); /* 0 mean 1 sum */
lx_err lx_softmax(int grad, lx_tensor a, int dim, int log, lx_tensor *out);
lx_err lx_topk(lx_tensor a, int64_t k, int dim, lx_tensor *values, lx_tensor *indices);
lx_err lx_argmax(lx_tensor a, int dim, lx_tensor *out);
lx_err lx_allclose(lx_tensor a, lx_tensor b, double rtol, double atol, int *result);
lx_err lx_max_abs_diff(lx_tensor a, lx_tensor b, double *result);

/* shape */
lx_err lx_reshape(int grad, lx_tensor a, const int64_t *shape, int ndim, lx_tensor *out);
lx_err lx_permute(int grad, lx_tensor a, const int64_t *dims, int ndim, lx_tensor *out);
lx_err lx_transpose(int grad, lx_tensor a, int d0, int d1, lx_tensor *out);
lx_err lx_unsqueeze(int grad, lx_tensor a, int dim, lx_tensor *out);
lx_err lx_contiguous(int grad, lx_tensor a, lx_tensor *out);
lx_err lx_cat(int grad, const lx_tensor *ts, int n, int dim, lx_tensor *out);
lx_err lx_narrow(int grad, lx_tensor a, int dim, int64_t start, int64_t length, lx_tensor *out);
lx_err lx_select(int grad, lx_tensor a, int dim, int64_t index, lx_tensor *out);
lx_err lx_index_select(int grad, lx_tensor a, int dim, lx_tensor index, lx_tensor *out);
lx_err lx_masked_fill(int grad, lx_tensor a, lx_tensor mask, double value, lx_tensor *out);
lx_err lx_where(int grad, lx_tensor cond, lx_tensor a, lx_tensor b, lx_tensor *out);

/* neural-network ops */
lx_err lx_linear(int grad, lx_tensor x, lx_tensor w, lx_tensor b /* nullable */, lx_tensor *out);
lx_err lx_matmul(int grad, lx_tensor a, lx_tensor b, lx_tensor *out);
lx_err lx_layer_norm(int grad, lx_tensor x, lx_tensor w, lx_tensor b, double eps, lx_tensor *out);
/* padding_idx only affects gradients (no update for that row), as nn.Embedding; -1 = none */
lx_err lx_embedding(int grad, lx_tensor weight, lx_tensor ids, int64_t padding_idx, lx_tensor *out);
lx_err lx_dropout(int grad, lx_tensor x, double p, int train, lx_tensor *out);
lx_err lx_cross_entropy(int grad, lx_tensor logits, lx_tensor target, int64_t ignore_index,
                        int reduction, lx_tensor *out);
lx_err lx_smooth_l1(int grad, lx_tensor a, lx_tensor b, int reduction, double beta, lx_tensor *out);

/* fused attention layers (csrc/attention.cc): HF's LxmertAttention followed by
 * LxmertAttentionOutput (dense, dropout, residual, LayerNorm). Masks are additive, already
 * extended to [B,1,1,Lk] by lx_extend_mask; a NULL mask means no masking. */
typedef struct {
  lx_tensor qw, qb, kw, kb, vw, vb; /* attention projections */
  lx_tensor ow, ob, lnw, lnb;       /* output dense and LayerNorm */
  int heads;
  double attn_dropout, hidden_dropout, eps;
} lx_attn_layer;
lx_err lx_extend_mask(lx_tensor mask, lx_tensor *out);
lx_err lx_attention_layer(int grad, int train, const lx_attn_layer *w, lx_tensor hidden,
                          lx_tensor context, lx_tensor mask, lx_tensor *out, lx_tensor *probs);
/* both directions of an X-layer's shared cross-attention: language attends to vision with the
 * visual mask, then vision attends to language with the language mask, with the same weights.
 * Only the language-side probabilities are returned (as HF does); lang_probs may be NULL. */
lx_err lx_cross_attention_layer(int grad, int train, const lx_attn_layer *w, lx_tensor lang,
                                lx_tensor visn, lx_tensor lang_mask, lx_tensor visn_mask,
                                lx_tensor *lang_out, lx_tensor *visn_out, lx_tensor *lang_probs);

/* the inference fast path (csrc/fast_*.cc): eval mode, no autograd, oneDNN GEMMs with fused
 * epilogues, buffers from a per-model pool. A context belongs to one model; free it with
 * lx_fast_free (tensors it handed out stay valid). Weights are [out, in] float32 tensors,
 * fastest when stored transposed (lx_relayout_linear); precision 0 is float32, 1 bfloat16,
 * 2 int8 dynamic quantization (linear layers only; attention, softmax and LayerNorm stay
 * float32). act: -1 none, 0 gelu
 * (erf), 1 relu, 2 tanh, 3 sigmoid. Masks are extended masks [B,1,1,L] or NULL. */
typedef void *lx_fast_ctx;
typedef struct {
  lx_tensor w, b; /* b nullable */
} lx_lin;
typedef struct {
  lx_lin q, k, v, o;
  lx_tensor lnw, lnb;
} lx_fast_att;
typedef struct {
  lx_lin inter, out;
  lx_tensor lnw, lnb;
} lx_fast_ffn;
typedef struct {
  int heads, act, precision;
  int threads; /* OpenMP team size of this call; 0: the process setting */
  double eps;
} lx_fast_cfg;
lx_err lx_relayout_linear(lx_tensor w, int copy);
/* a float32 [n, k] weight from row-major host data, stored transposed (one copy) */
lx_err lx_from_blob_linear(const float *data, int64_t n, int64_t k, lx_tensor *out); /* copy 0: keep no values (placeholders) */
lx_err lx_fast_new(lx_fast_ctx *out);
void lx_fast_free(lx_fast_ctx c);
lx_err lx_fast_linear(lx_fast_ctx c, int precision, int threads, lx_tensor x, const lx_lin *w,
                      int act, lx_tensor *out);
/* lx_fast_linear plus a residual added after the activation (nullable, shaped like the
 * output) and, with portable != 0, int8's portable kernels instead of VNNI ones (tests) */
lx_err lx_fast_linear_ex(lx_fast_ctx c, int precision, int threads, lx_tensor x, const lx_lin *w,
                         int act, lx_tensor resid, int portable, lx_tensor *out);
/* one LxmertLayer: self-attention block then FFN block; probs may be NULL */
lx_err lx_fast_layer(lx_fast_ctx c, const lx_fast_cfg *cfg, const lx_fast_att *att,
                     const lx_fast_ffn *ffn, lx_tensor x, lx_tensor mask, lx_tensor *out,
                     lx_tensor *probs);
/* one LxmertXLayer: the shared cross-attention both ways (language and vision rows stacked
 * through its GEMMs), each side's self-attention, each side's FFN; probs (language to
 * vision) may be NULL */
lx_err lx_fast_xlayer(lx_fast_ctx c, const lx_fast_cfg *cfg, const lx_fast_att *cross,
                      const lx_fast_att *lang_self, const lx_fast_att *visn_self,
                      const lx_fast_ffn *lang_ffn, const lx_fast_ffn *visn_ffn, lx_tensor lang,
                      lx_tensor visn, lx_tensor lang_mask, lx_tensor visn_mask,
                      lx_tensor *lang_out, lx_tensor *visn_out, lx_tensor *probs);
/* LxmertVisualFeatureEncoder's weights and inputs (feats [B, boxes, F], pos [B, boxes, P]) */
typedef struct {
  lx_lin visn, box;
  lx_tensor visn_lnw, visn_lnb, box_lnw, box_lnb;
  double eps;
  int precision;
  lx_tensor feats, pos;
} lx_fast_fc;
/* a stack of n lx_fast_layer calls (each on the previous output; atts[i] and ffns[i] are
 * copied) started on a helper thread, after the feature encoder on fc's inputs when fc is not
 * NULL: the caller goes on; lx_fast_stack_features waits for the feature encoder's output (an
 * error when there is none or it failed); lx_fast_stack_wait waits for the layers and fills
 * outs[0..n) with every layer's output (and probs[0..n) when want_probs; otherwise probs may
 * be NULL), and lx_fast_stack_free (after the wait, or alone: it waits too) frees the stack.
 * The weights and inputs must stay alive until then. lx_fast_stack_stop (any thread, before
 * the free) makes the stack stop before its next layer; its wait then fails. */
typedef void *lx_fast_stack;
lx_err lx_fast_stack_start(lx_fast_ctx c, const lx_fast_cfg *cfg, int n, const lx_fast_att *atts,
                           const lx_fast_ffn *ffns, lx_tensor x, lx_tensor mask, int want_probs,
                           const lx_fast_fc *fc, lx_fast_stack *out);
lx_err lx_fast_stack_features(lx_fast_stack s, lx_tensor *out);
void lx_fast_stack_stop(lx_fast_stack s);
lx_err lx_fast_stack_wait(lx_fast_stack s, lx_tensor *outs, lx_tensor *probs);
void lx_fast_stack_free(lx_fast_stack s);
/* the X-layer's shared cross-attention block alone, both directions (the first part of
 * lx_fast_xlayer; each side's self-attention and FFN are then an lx_fast_layer each) */
lx_err lx_fast_cross(lx_fast_ctx c, const lx_fast_cfg *cfg, const lx_fast_att *cross,
                     lx_tensor lang, lx_tensor visn, lx_tensor lang_mask, lx_tensor visn_mask,
                     lx_tensor *lang_out, lx_tensor *visn_out, lx_tensor *probs);
/* calls two threads run at once (csrc/fast_coop*.cc): a _new function checks the inputs and
 * makes the state (or leaves *out NULL, no error, where the two-thread kernels cannot take
 * the weights), lx_fast_coop_run runs half 0 on the calling thread and half 1 on a helper
 * thread at once (each waits for the other between steps; a failing one releases the other,
 * and the first failure is returned; fail_second != 0 (tests) fails half 1 at once),
 * lx_fast_coop_take hands out the outputs (NULL pointers skipped), lx_fast_coop_free
 * releases the state */
typedef void *lx_fast_coop;
lx_err lx_fast_coop_run(lx_fast_coop co, int fail_second);
lx_err lx_fast_coop_take(lx_fast_coop co, lx_tensor *a, lx_tensor *b, lx_tensor *c);
void lx_fast_coop_free(lx_fast_coop co);
/* one LxmertXLayer: take gives the language and vision outputs and the language-to-vision
 * probabilities (want_probs) */
lx_err lx_fast_xlayer_coop_new(lx_fast_ctx c, const lx_fast_cfg *cfg, const lx_fast_att *cross,
                               const lx_fast_att *lang_self, const lx_fast_att *visn_self,
                               const lx_fast_ffn *lang_ffn, const lx_fast_ffn *visn_ffn,
                               lx_tensor lang, lx_tensor visn, lx_tensor lang_mask,
                               lx_tensor visn_mask, int want_probs, lx_fast_coop *out);
/* the pooled-only last X-layer (lx_fast_xlayer_first): take gives [B, 1, H] */
lx_err lx_fast_xlayer_first_coop_new(lx_fast_ctx c, const lx_fast_cfg *cfg, const lx_fast_att *cross,
                                     const lx_fast_att *lang_self, const lx_fast_ffn *lang_ffn,
                                     lx_tensor lang, lx_tensor visn, lx_tensor lang_mask,
                                     lx_tensor visn_mask, lx_fast_coop *out);
/* act(x·wᵀ + b) (lx_fast_linear) with half the output columns each: take gives the output */
lx_err lx_fast_linear_coop_new(lx_fast_ctx c, int precision, lx_tensor x, const lx_lin *w, int act,
                               lx_fast_coop *out);
/* the last X-layer's language output at the first token alone ([B, 1, H]), for a pooled
 * output: what lx_fast_xlayer gives at lang_out[:, :1] without the work nothing else reads */
lx_err lx_fast_xlayer_first(lx_fast_ctx c, const lx_fast_cfg *cfg, const lx_fast_att *cross,
                            const lx_fast_att *lang_self, const lx_fast_ffn *lang_ffn,
                            lx_tensor lang, lx_tensor visn, lx_tensor lang_mask,
                            lx_tensor visn_mask, lx_tensor *out);
/* LayerNorm over the last dimension with a team of threads threads (0: the process setting) */
lx_err lx_fast_layer_norm(lx_fast_ctx c, int threads, lx_tensor x, lx_tensor w, lx_tensor b,
                          double eps, lx_tensor *out);
lx_err lx_fast_pool_bytes(lx_fast_ctx c, int64_t *cached);

/* training (csrc/train.cc) */
lx_err lx_backward(lx_tensor loss);
lx_err lx_grad(lx_tensor t, lx_tensor *out); /* *out = NULL when t has no gradient */
lx_err lx_has_grad(lx_tensor t, int *out);
lx_err lx_zero_grad(const lx_tensor *ts, int n); /* set_to_none */
/* torch.nn.utils.clip_grad_norm_(params, max_norm) (2-norm); total receives the norm */
lx_err lx_clip_grad_norm(const lx_tensor *ts, int n, double max_norm, double *total);
/* one torch.optim.AdamW step (1.13's single-tensor path) over one parameter group; steps[i]
 * is parameter i's step count after this step (the caller keeps them) */
lx_err lx_adamw_step(const lx_tensor *params, const lx_tensor *exp_avg, const lx_tensor *exp_avg_sq,
                     const double *steps, int n, double lr, double beta1, double beta2, double eps,
                     double weight_decay);
lx_err lx_bce_with_logits(int grad, lx_tensor logits, lx_tensor target, int reduction,
                          lx_tensor *out);
lx_err lx_get_rng_state(lx_tensor *out); /* the default CPU generator's state (uint8 tensor) */
lx_err lx_set_rng_state(lx_tensor state);

#ifdef __cplusplus
}
#endif
#endif
