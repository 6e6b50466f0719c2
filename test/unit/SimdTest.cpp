// SIMD fully connected layers (lf_fixed.h, AVX2) against the scalar ones on
// random data with extreme values, and a whole snapshot through the twin
// built three ways (run-time dispatch, -DLF_NO_SIMD, -mavx2): the integers
// must be identical.  Built with -fwrapv (like the kernel's
// -fno-strict-overflow) so that extreme accumulators wrap in the scalar code
// instead of being undefined; wrapping sums are order independent too.
#include "TestUtil.h"

#include "lf_fixed.h"
#include "lfc/EmitC.h"
#include "lfc/Twin.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <random>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::lf;

namespace {

bool haveAvx2() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

/// A value of `bits` bits: mostly uniform, often an extreme or near zero.
int64_t pick(std::mt19937_64 &rng, unsigned bits) {
  int64_t hi = bits == 64 ? INT64_MAX : (int64_t(1) << (bits - 1)) - 1;
  int64_t lo = -hi - 1;
  switch (rng() % 8) {
  case 0:
    return lo;
  case 1:
    return hi;
  case 2:
    return int64_t(rng() % 5) - 2;
  case 3:
    return (rng() & 1) ? lo + 1 : hi - 1;
  default:
    return bits == 64 ? int64_t(rng())
                      : lo + int64_t(rng() % (uint64_t(hi) - lo + 1));
  }
}

#ifdef LF_SIMD_AVX2
template <typename W, typename FS, typename FV>
void compareFc(unsigned wbits, FS scalar, FV simd, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int iter = 0; iter < 3000; ++iter) {
    int m = 1 + rng() % 3, k = 1 + rng() % 70, n = 1 + rng() % 13;
    // Some cases small enough not to overflow, some with full extremes.
    bool small = iter % 2;
    std::vector<int32_t> x(m * k);
    std::vector<W> w(n * k);
    std::vector<int64_t> b(n);
    std::vector<int8_t> sh(n);
    for (auto &v : x)
      v = int32_t(small ? pick(rng, 20) : pick(rng, 32));
    for (auto &v : w)
      v = W(small ? pick(rng, wbits < 16 ? wbits : 16) : pick(rng, wbits));
    for (auto &v : b)
      v = small ? pick(rng, 40) : pick(rng, 64);
    for (auto &v : sh)
      v = int8_t(int(rng() % 140) - 70);
    int64_t lo = pick(rng, 32), hi = pick(rng, 32);
    if (rng() % 2 || lo > hi) {
      lo = INT32_MIN;
      hi = INT32_MAX;
    }
    std::vector<int32_t> ys(m * n, 0x5a5a5a5a), yv(m * n, -0x5a5a5a5a);
    scalar(x.data(), m, k, n, w.data(), b.data(), sh.data(), lo, hi, ys.data());
    simd(x.data(), m, k, n, w.data(), b.data(), sh.data(), lo, hi, yv.data());
    ASSERT_EQ(ys, yv) << "iter " << iter << " m " << m << " k " << k << " n "
                      << n;
  }
}
#endif

TEST(Simd, FcW32MatchesScalar) {
#ifdef LF_SIMD_AVX2
  if (!haveAvx2())
    GTEST_SKIP() << "CPU without AVX2";
  compareFc<int32_t>(32, lf_fc_w32_scalar, lf_fc_w32_avx2, 1);
  compareFc<int32_t>(32, lf_fc_w32_scalar, lf_fc_w32, 2);
#else
  GTEST_SKIP() << "lf_fixed.h built without LF_SIMD_AVX2";
#endif
}

TEST(Simd, FcW16MatchesScalar) {
#ifdef LF_SIMD_AVX2
  if (!haveAvx2())
    GTEST_SKIP() << "CPU without AVX2";
  compareFc<int16_t>(16, lf_fc_w16_scalar, lf_fc_w16_avx2, 3);
  compareFc<int16_t>(16, lf_fc_w16_scalar, lf_fc_w16, 4);
#else
  GTEST_SKIP() << "lf_fixed.h built without LF_SIMD_AVX2";
#endif
}

/// Random lf_fc_w32b layers (broadcast layout): AVX2, the dispatcher and
/// the scalar helper give the same integers on any blob (weights beyond 32
/// bits in their lanes, shifts -70..69, full-range biases); on blobs that
/// lf_fc_w32b_valid() accepts they equal lf_fc_w32_scalar() (lf_requant()).
TEST(Simd, FcW32b) {
  std::mt19937_64 rng(17);
  int nValid = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    int m = 1 + rng() % 3, k = 1 + rng() % 70, n = 1 + rng() % 37;
    int n4 = (n + 3) & ~3;
    bool valid = iter % 2;
    std::vector<int32_t> x(size_t(m) * k), sh(n4), w32(size_t(n) * k);
    std::vector<int64_t> w(size_t(n4) * k, 0), b(n4);
    std::vector<int8_t> sh8(n);
    for (auto &v : x)
      v = int32_t(pick(rng, 32));
    for (int o = 0; o < n4; ++o) {
      b[o] = valid ? pick(rng, 50) : pick(rng, 64);
      sh[o] = valid ? 1 + int32_t(rng() % 62) : int32_t(rng() % 140) - 70;
    }
    for (int o = 0; o < n; ++o) {
      sh8[o] = int8_t(sh[o]);
      for (int i = 0; i < k; ++i) {
        int64_t v =
            valid ? pick(rng, 26) : (rng() % 4 ? pick(rng, 32) : pick(rng, 64));
        w[LF_W32B_WIDX(k, o, i)] = v;
        w32[size_t(o) * k + i] = int32_t(v);
      }
    }
    int64_t lo = pick(rng, 32), hi = pick(rng, 32);
    if (rng() % 2)
      lo = INT32_MIN, hi = INT32_MAX;
    std::vector<int32_t> ys(size_t(m) * n, 0x5a5a5a5a), yr(ys);
    lf_fc_w32b_scalar(x.data(), m, k, n, w.data(), b.data(), sh.data(), lo, hi,
                      ys.data());
    if (lf_fc_w32b_valid(k, n, w.data(), b.data(), sh.data())) {
      ++nValid;
      lf_fc_w32_scalar(x.data(), m, k, n, w32.data(), b.data(), sh8.data(), lo,
                       hi, yr.data());
      ASSERT_EQ(ys, yr) << "iter " << iter;
    } else {
      ASSERT_FALSE(valid && k < 32) << "iter " << iter;
    }
#ifdef LF_SIMD_AVX2
    if (!haveAvx2())
      continue;
    std::vector<int32_t> yv(size_t(m) * n, -0x5a5a5a5a), yd(yv);
    lf_fc_w32b_avx2(x.data(), m, k, n, w.data(), b.data(), sh.data(), lo, hi,
                    yv.data());
    lf_fc_w32b(x.data(), m, k, n, w.data(), b.data(), sh.data(), lo, hi,
               yd.data());
    ASSERT_EQ(ys, yv) << "iter " << iter << " m " << m << " k " << k << " n "
                      << n;
    ASSERT_EQ(ys, yd) << "iter " << iter;
#endif
  }
  EXPECT_GT(nValid, 1000);
}

TEST(Simd, FcW32bValid) {
  // One output, 2 inputs: the bound |b| + 2^31 sum |w| + 2^(s-1) < 2^63.
  std::vector<int64_t> w(8, 0);
  w[LF_W32B_WIDX(2, 0, 0)] = w[LF_W32B_WIDX(2, 0, 1)] = 1LL << 30;
  std::vector<int64_t> b(4, 0);
  std::vector<int32_t> sh(4, 1);
  auto valid = [&] {
    return lf_fc_w32b_valid(2, 1, w.data(), b.data(), sh.data());
  };
  // 2^31 * 2^31 = 2^62: room for a bias below 2^62 - 1 (half = 1).
  b[0] = (1LL << 62) - 2;
  EXPECT_EQ(valid(), 1);
  b[0] += 1;
  EXPECT_EQ(valid(), 0);
  b[0] = -((1LL << 62) - 2);
  EXPECT_EQ(valid(), 1);
  b[0] = 0;
  sh[0] = 62;
  EXPECT_EQ(valid(), 1);
  sh[0] = 63;
  EXPECT_EQ(valid(), 0);
  sh[0] = 0;
  EXPECT_EQ(valid(), 0);
  sh[0] = 1;
  w[LF_W32B_WIDX(2, 0, 1)] = 1LL << 31; // beyond 32 bits
  EXPECT_EQ(valid(), 0);
}

/// A random struct lf_lut16 (and its lf.lut twin `ref`, zero slopes) of
/// `n` knots: 16-bit knots, shift 0..15, start and c in +-2^12.
struct Lut16Case {
  std::vector<int32_t> table;
  lf_lut16 t;
  lf_lut ref;
};
void randomLut16(std::mt19937_64 &rng, Lut16Case &c) {
  c.table.clear();
  int n = 2 + int(rng() % 40);
  for (int i = 0; i < n; ++i)
    c.table.push_back(int32_t(pick(rng, 16)));
  c.table.push_back(c.table.back());
  int sym = int(rng() % 3), sh = int(rng() % 16);
  int32_t start = int32_t(rng() % 8192) - 4096;
  int32_t sc = int32_t(rng() % 8192) - 4096;
  c.t = {c.table.data(),
         int32_t(n - 1) << sh,
         sh,
         start,
         sym ? -1 : 0,
         sym == 2 ? sc : 0,
         int32_t(pick(rng, 17)),
         int32_t(pick(rng, 17))};
  if (c.t.lo > c.t.hi)
    std::swap(c.t.lo, c.t.hi);
  if (rng() % 2)
    c.t.lo = -40000, c.t.hi = 40000;
  c.ref = {c.table.data(), n, sh, start, 1, sym, sc, 0, 0, 24};
}

/// lf_lut16_eval() is lf_sat(lf_lut_eval()) of the same table (linear,
/// zero slopes) for every input within +-2^17, at knots +-1 and at random.
TEST(Simd, Lut16MatchesEval) {
  std::mt19937_64 rng(13);
  for (int iter = 0; iter < 300; ++iter) {
    Lut16Case c;
    randomLut16(rng, c);
    ASSERT_EQ(lf_lut16_valid(&c.t, c.ref.n), 1);
    std::vector<int32_t> xs;
    for (int i = 0; i < c.ref.n; ++i)
      for (int d = -1; d <= 1; ++d) {
        int32_t v = c.t.start + (i << c.t.shift) + d;
        xs.insert(xs.end(), {v, -v});
      }
    for (int i = 0; i < 300; ++i)
      xs.push_back(int32_t(rng() % (1 << 18)) - (1 << 17));
    for (int32_t v : {-(1 << 29), (1 << 29), 0, -1, 1})
      xs.push_back(v);
    for (int32_t v : xs)
      ASSERT_EQ(lf_lut16_eval(&c.t, v),
                lf_sat(lf_lut_eval(&c.ref, v), c.t.lo, c.t.hi))
          << "iter " << iter << " x " << v << " n " << c.ref.n << " sh "
          << c.t.shift << " start " << c.t.start << " sym " << c.ref.symmetry
          << " span " << c.t.span << " t0 " << c.table[0] << " tn "
          << c.table[c.ref.n - 1];
  }
  // Broken terms are refused.
  Lut16Case c;
  randomLut16(rng, c);
  int n = c.ref.n;
  c.t.span += 1;
  EXPECT_EQ(lf_lut16_valid(&c.t, n), 0);
  c.t.span -= 1;
  c.table[n] += 1;
  EXPECT_EQ(lf_lut16_valid(&c.t, n), 0);
  c.table[n] = c.table[n - 1];
  c.table[0] = 40000;
  EXPECT_EQ(lf_lut16_valid(&c.t, n), 0);
  c.table[0] = 0;
  c.t.sym = 1;
  EXPECT_EQ(lf_lut16_valid(&c.t, n), 0);
  c.t.sym = 0;
  EXPECT_EQ(lf_lut16_valid(&c.t, n), 1);
  c.t.lo = c.t.hi + 1;
  EXPECT_EQ(lf_lut16_valid(&c.t, n), 0);
}

/// lf_fc_q16 weights of an n x k layer in the interleaved layout.
std::vector<int16_t> q16Layout(const std::vector<int64_t> &w, int k, int n) {
  int kp2 = (k + 1) & ~1, n8 = (n + 7) & ~7;
  std::vector<int16_t> r(size_t(n8) * kp2, 0);
  for (int o = 0; o < n; ++o)
    for (int i = 0; i < k; ++i)
      r[LF_Q16_WIDX(kp2, o, i)] = int16_t(w[size_t(o) * k + i]);
  return r;
}

/// The same weights in the SWAR layout of lf_fc_q16_swar(), written with
/// multiplications (w[2j][i] + 2^32 w[2j + 1][i]).
std::vector<int64_t> q16SwarLayout(const std::vector<int64_t> &w, int k,
                                   int n) {
  int kp2 = (k + 1) & ~1, n2 = (n + 1) & ~1;
  std::vector<int64_t> r(size_t(n2 / 2) * kp2, 0);
  for (int o = 0; o < n; ++o)
    for (int i = 0; i < k; ++i)
      r[size_t(o / 2) * kp2 + i] +=
          w[size_t(o) * k + i] * (o % 2 ? int64_t(4294967296) : 1);
  return r;
}

/// Random lf_fc_q16 layers, with and without a fused table: AVX2 and the
/// pairwise scalar helper give the same integers on any blob (extreme
/// weights -2^15 included, biases, shifts -20..79, bounds, any pair shift);
/// on blobs that lf_fc_q16_valid() accepts with the code's pair shift they,
/// the SWAR helper and the dispatcher equal an independent 64-bit
/// reference: the pair terms floored, requantized, then lf_lut_eval().
/// Inputs are 16-bit or full 32-bit (saturated), weights and pair sums
/// reach +-(2^15 - 1) and +-(2^31 - 2^16) (the SWAR lanes' limits).
TEST(Simd, FcQ16) {
  std::mt19937_64 rng(11);
  for (int iter = 0; iter < 4000; ++iter) {
    int m = 1 + rng() % 3, k = 1 + rng() % 150, n = 1 + rng() % 37;
    int n8 = (n + 7) & ~7, kp = (k + 1) / 2;
    bool valid = iter % 2;
    int r = 1;
    while ((1 << (r - 1)) < kp)
      ++r;
    if (!valid)
      r = int(rng() % 20);
    std::vector<int32_t> x(size_t(m) * k), b(n8), sh(n8);
    std::vector<int64_t> w(size_t(n) * k);
    for (auto &v : x)
      v = int32_t(iter % 3 ? pick(rng, 16) : pick(rng, 32));
    bool extreme = iter % 5 == 1; // every pair sum at +-(2^31 - 2^16)
    int sgn = rng() % 2 ? 1 : -1;
    for (auto &v : w) {
      v = extreme ? sgn * 32767 : pick(rng, 16);
      if (valid && v == -32768)
        v = -32767;
    }
    if (extreme)
      for (auto &v : x)
        v = rng() % 2 ? -32768 : INT32_MIN;
    for (int o = 0; o < n8; ++o) {
      sh[o] = valid ? int32_t(rng() % 32) : int32_t(rng() % 100) - 20;
      b[o] = valid ? int32_t(pick(rng, 30)) : int32_t(pick(rng, 32));
    }
    std::vector<int16_t> wl = q16Layout(w, k, n);
    std::vector<int64_t> ws = q16SwarLayout(w, k, n);
    int64_t lo = pick(rng, 17), hi = pick(rng, 17);
    if (valid && lo > hi)
      std::swap(lo, hi);
    if (rng() % 3 == 0) {
      lo = valid ? -(1 << 29) : INT64_MIN;
      hi = valid ? (1 << 29) : INT64_MAX;
    }
    Lut16Case lc;
    randomLut16(rng, lc);
    const lf_lut16 *t = rng() % 2 ? &lc.t : nullptr;
    std::vector<int32_t> ys(size_t(m) * n, 0x5a5a5a5a);
    lf_fc_q16_scalar(x.data(), m, k, n, r, wl.data(), b.data(), sh.data(), lo,
                     hi, t, ys.data());
    if (valid) {
      ASSERT_EQ(lf_fc_q16_valid(k, n, wl.data(), ws.data(), b.data(),
                                sh.data(), lo, hi),
                1);
      std::vector<int32_t> yw(size_t(m) * n, 0x3c3c3c3c);
      lf_fc_q16_swar(x.data(), m, k, n, r, wl.data(), ws.data(), b.data(),
                     sh.data(), lo, hi, t, yw.data());
      ASSERT_EQ(ys, yw) << "iter " << iter << " m " << m << " k " << k
                        << " n " << n;
      int64_t lo32 = std::max<int64_t>(lo, INT32_MIN);
      int64_t hi32 = std::min<int64_t>(hi, INT32_MAX);
      for (int row = 0; row < m; ++row)
        for (int o = 0; o < n; ++o) {
          int64_t acc = b[o];
          auto xv = [&](int i) -> int64_t {
            return i < k ? std::clamp<int64_t>(x[size_t(row) * k + i], -32768,
                                               32767)
                         : 0;
          };
          auto wv = [&](int i) -> int64_t {
            return i < k ? w[size_t(o) * k + i] : 0;
          };
          for (int i = 0; i < k; i += 2) {
            int64_t p = xv(i) * wv(i) + xv(i + 1) * wv(i + 1);
            // floor(p / 2^r), written without a shift of a negative value.
            acc += p >= 0 ? p / (int64_t(1) << r)
                          : -((-p + (int64_t(1) << r) - 1) / (int64_t(1) << r));
          }
          ASSERT_LT(std::abs(acc), int64_t(1) << 31);
          int64_t q = acc >= 0 ? acc / (int64_t(1) << sh[o])
                               : -((-acc + (int64_t(1) << sh[o]) - 1) /
                                   (int64_t(1) << sh[o]));
          int64_t want = lo32 > hi32 ? hi32 : lf_sat(q, lo32, hi32);
          if (t)
            want = lf_sat(lf_lut_eval(&lc.ref, want), lc.t.lo, lc.t.hi);
          if (t && lc.t.lo > lc.t.hi)
            want = lc.t.hi;
          ASSERT_EQ(ys[size_t(row) * n + o], want)
              << "iter " << iter << " row " << row << " o " << o;
        }
    }
#ifdef LF_SIMD_AVX2
    if (!haveAvx2())
      continue;
    std::vector<int32_t> yv(size_t(m) * n, -0x5a5a5a5a), yd(yv);
    lf_fc_q16_avx2(x.data(), m, k, n, r, wl.data(), ws.data(), b.data(),
                   sh.data(), lo, hi, t, yv.data());
    ASSERT_EQ(ys, yv) << "iter " << iter << " m " << m << " k " << k << " n "
                      << n;
    if (valid) {
      lf_fc_q16(x.data(), m, k, n, r, wl.data(), ws.data(), b.data(),
                sh.data(), lo, hi, t, yd.data());
      ASSERT_EQ(ys, yd) << "iter " << iter;
    }
#endif
  }
}

TEST(Simd, FcQ16Valid) {
  // 2 outputs x 3 inputs: bias, shifts, weights and bounds at the limits.
  std::vector<int64_t> w = {32767, -32767, 1, -1, 0, 0};
  std::vector<int32_t> b(8, 0), sh(8, 0);
  auto wl = q16Layout(w, 3, 2);
  auto ws = q16SwarLayout(w, 3, 2);
  auto valid = [&](int64_t lo = -32768, int64_t hi = 32767) {
    return lf_fc_q16_valid(3, 2, wl.data(), ws.data(), b.data(), sh.data(),
                           lo, hi);
  };
  b[0] = (1 << 30) - 1;
  EXPECT_EQ(valid(), 1);
  b[0] += 1;
  EXPECT_EQ(valid(), 0);
  b[0] = -(1 << 30) + 1;
  EXPECT_EQ(valid(), 1);
  b[0] -= 1;
  EXPECT_EQ(valid(), 0);
  b[0] = 0;
  sh[1] = 31;
  EXPECT_EQ(valid(), 1);
  sh[1] = 32;
  EXPECT_EQ(valid(), 0);
  sh[1] = -1;
  EXPECT_EQ(valid(), 0);
  sh[1] = 0;
  EXPECT_EQ(valid(-(1 << 29), 1 << 29), 1);
  EXPECT_EQ(valid(-(1 << 29) - 1, 0), 0);
  EXPECT_EQ(valid(0, (1 << 29) + 1), 0);
  EXPECT_EQ(valid(1, 0), 0);
  // The SWAR copy must hold the same weights, in either lane.
  ws[1] += 1;
  EXPECT_EQ(valid(), 0);
  ws[1] -= 1;
  ws[2] += int64_t(1) << 32;
  EXPECT_EQ(valid(), 0);
  ws[2] -= int64_t(1) << 32;
  EXPECT_EQ(valid(), 1);
  wl[LF_Q16_WIDX(4, 1, 2)] = -32768;
  EXPECT_EQ(valid(), 0);
}

/// A random table configuration: mostly the fast path's (linear, shift
/// 0..30, start and sym_const within 32 bits), often not (nearest, shift
/// 31..34, start or sym_const beyond 32 bits or INT32_MIN, empty or
/// inverted bounds).
struct LutCase {
  std::vector<int32_t> table;
  lf_lut t;
  int64_t lo, hi;
};

LutCase randomLut(std::mt19937_64 &rng, int iter) {
  LutCase c;
  int n = iter % 7 == 0 ? 1281 : 2 + int(rng() % 40);
  c.table.resize(n);
  bool smooth = rng() % 2;
  int64_t v = pick(rng, 32);
  for (int32_t &e : c.table) {
    if (smooth) {
      v += int64_t(rng() % 2001) - 1000;
      v = std::max<int64_t>(INT32_MIN, std::min<int64_t>(INT32_MAX, v));
      e = int32_t(v);
    } else {
      e = int32_t(pick(rng, 32)); // neighbours up to 2^32 - 1 apart
    }
  }
  lf_lut &t = c.t;
  t.table = c.table.data();
  t.n = n;
  t.shift = rng() % 8 == 0 ? 31 + int(rng() % 4) : int(rng() % 31);
  switch (rng() % 6) {
  case 0:
    t.start = 0;
    break;
  case 1:
    t.start = INT32_MIN;
    break;
  case 2:
    t.start = int64_t(INT32_MAX) - int64_t(rng() % 1000);
    break;
  case 3:
    t.start = pick(rng, 40); // often beyond 32 bits
    break;
  default:
    t.start = pick(rng, 32) >> (rng() % 32);
  }
  // Keep end = start + (n - 1) << shift well inside 64 bits.
  t.linear = rng() % 6 != 0;
  t.symmetry = int(rng() % 3);
  t.sym_const = rng() % 4 == 0 ? pick(rng, 40) : pick(rng, 32);
  t.slope_below = pick(rng, 40);
  t.slope_above = pick(rng, 40);
  t.slope_frac = int(rng() % 70) - 4;
  c.lo = INT32_MIN;
  c.hi = INT32_MAX;
  if (rng() % 2) {
    c.lo = pick(rng, rng() % 4 ? 32 : 40);
    c.hi = pick(rng, rng() % 4 ? 32 : 40);
    if (rng() % 4 && c.lo > c.hi)
      std::swap(c.lo, c.hi);
  }
  return c;
}

/// Inputs around every knot (for big tables a sample of them), the table's
/// edges, their negatives, zero, the 32-bit extremes and random values.
std::vector<int32_t> lutInputs(std::mt19937_64 &rng, const lf_lut &t) {
  std::vector<int32_t> xs;
  auto add = [&](int64_t x) {
    for (int64_t d = -2; d <= 2; ++d)
      for (int64_t y : {x + d, -(x + d)})
        if (y >= INT32_MIN && y <= INT32_MAX)
          xs.push_back(int32_t(y));
  };
  int64_t step = int64_t(1) << t.shift;
  for (int64_t j = 0; j<t.n; j += t.n> 64 ? 1 + int64_t(rng() % 40) : 1) {
    int64_t k = t.start + j * step;
    add(k);
    add(k + step / 2);
    add(k + step / 2 + 1);
    add(k + int64_t(rng() % uint64_t(step)));
  }
  add(t.start);
  add(t.start + (int64_t(t.n) - 1) * step);
  for (int64_t x : {int64_t(0), int64_t(INT32_MIN), int64_t(INT32_MAX),
                    int64_t(INT32_MIN + 1), int64_t(INT32_MAX - 1)})
    add(x);
  for (int i = 0; i < 64; ++i)
    xs.push_back(int32_t(pick(rng, 32)));
  std::shuffle(xs.begin(), xs.end(), rng);
  return xs;
}

template <typename F> void compareLut(F variant, uint64_t seed, int iters) {
  std::mt19937_64 rng(seed);
  for (int iter = 0; iter < iters; ++iter) {
    LutCase c = randomLut(rng, iter);
    std::vector<int32_t> xs = lutInputs(rng, c.t);
    // Whole vectors and every tail length (1..17 elements).
    for (size_t at = 0; at < xs.size();) {
      size_t len = std::min(xs.size() - at, size_t(1 + rng() % 17));
      if (rng() % 3 == 0)
        len = std::min(xs.size() - at, size_t(64));
      std::vector<int32_t> x(xs.begin() + at, xs.begin() + at + len);
      std::vector<int32_t> ref(len), y(len, 0x5a5a5a5a);
      for (size_t i = 0; i < len; ++i)
        ref[i] = int32_t(lf_sat(lf_lut_eval(&c.t, x[i]), c.lo, c.hi));
      bool inPlace = rng() % 4 == 0;
      if (inPlace) {
        y = x;
        variant(&c.t, y.data(), int(len), c.lo, c.hi, y.data());
      } else {
        variant(&c.t, x.data(), int(len), c.lo, c.hi, y.data());
      }
      for (size_t i = 0; i < len; ++i)
        ASSERT_EQ(ref[i], y[i])
            << "iter " << iter << " x " << x[i] << " n " << c.t.n << " shift "
            << c.t.shift << " start " << c.t.start << " linear " << c.t.linear
            << " symmetry " << c.t.symmetry << " sym_const " << c.t.sym_const
            << " lo " << c.lo << " hi " << c.hi << " in place " << inPlace;
      at += len;
    }
  }
}

TEST(Simd, LutScalarMatchesEval) { compareLut(lf_lut_s32_scalar, 11, 3000); }

TEST(Simd, LutAvx2MatchesEval) {
#ifdef LF_SIMD_AVX2
  if (!haveAvx2())
    GTEST_SKIP() << "CPU without AVX2";
  compareLut(lf_lut_s32_avx2, 12, 3000);
  compareLut(lf_lut_s32, 13, 1000);
#else
  GTEST_SKIP() << "lf_fixed.h built without LF_SIMD_AVX2";
#endif
}

/// Every input of a stride-sweep of the 32-bit range (and every input
/// near zero) through an Aurora-like tanh table, in every variant.
TEST(Simd, LutSweep) {
  std::vector<int32_t> table(1281);
  for (int j = 0; j < 1281; ++j) // tanh-like, steep then flat
    table[j] = int32_t(int64_t(INT32_MAX) * j / (j + 64));
  for (int shift : {0, 1, 19, 22, 30}) {
    for (int sym : {0, 1, 2}) {
      lf_lut t = {table.data(),
                  1281,
                  shift,
                  sym == 0 ? -(int64_t(640) << shift) : 0,
                  1,
                  sym,
                  int64_t(INT32_MAX) / 2,
                  3 << 20,
                  -(5 << 20),
                  24};
      std::vector<int32_t> x;
      for (int64_t v = INT32_MIN; v <= INT32_MAX; v += 65521)
        x.push_back(int32_t(v));
      for (int v = -70000; v <= 70000; ++v)
        x.push_back(v);
      x.push_back(INT32_MAX);
      std::vector<int32_t> ref(x.size()), ys(x.size()), yv(x.size());
      for (size_t i = 0; i < x.size(); ++i)
        ref[i] =
            int32_t(lf_sat(lf_lut_eval(&t, x[i]), -2000000000, 2000000000));
      lf_lut_s32_scalar(&t, x.data(), int(x.size()), -2000000000, 2000000000,
                        ys.data());
      ASSERT_EQ(ref, ys) << "shift " << shift << " sym " << sym;
#ifdef LF_SIMD_AVX2
      if (haveAvx2()) {
        lf_lut_s32_avx2(&t, x.data(), int(x.size()), -2000000000, 2000000000,
                        yv.data());
        ASSERT_EQ(ref, yv) << "shift " << shift << " sym " << sym;
      }
#endif
    }
  }
}

/// An Aurora-shaped net (30 -> 32 -> tanh table -> 16 -> tanh -> 1) with
/// random weights of `wbits` bits; `acc32`: 16-bit values and fc layers with
/// a 32-bit accumulator (weights small enough for the bound).
std::string auroraLike(unsigned wbits, uint64_t seed, bool acc32 = false,
                       bool small = false) {
  unsigned vw = acc32 ? 16 : 32;
  std::mt19937_64 rng(seed);
  std::string s;
  llvm::raw_string_ostream os(s);
  auto fc = [&](const char *res, const char *in, int k, int n, int fin,
                int fout) {
    os << "  " << res << " = lf.fc " << in << ", weight = dense<[";
    for (int o = 0; o < n; ++o) {
      os << (o ? ", [" : "[");
      for (int i = 0; i < k; ++i)
        os << (i ? ", " : "")
           << (acc32   ? std::max<int64_t>(pick(rng, 16), -32767)
               : small ? pick(rng, 24)
                       : pick(rng, wbits));
      os << "]";
    }
    os << "]> : tensor<" << n << "x" << k << "xi" << wbits
       << ">, bias = dense<[";
    for (int o = 0; o < n; ++o)
      os << (o ? ", " : "") << pick(rng, acc32 ? 24 : 40);
    os << "]> : tensor<" << n << "xi64> {"
       << (acc32 ? "acc_bits = 32 : i32, " : "") << "weight_frac = array<i32: ";
    for (int o = 0; o < n; ++o)
      os << (o ? ", " : "") << (wbits - 4 + int(rng() % 6));
    os << ">} : tensor<1x" << k << "x!lf.fixed<" << vw << ", " << fin
       << ">> -> tensor<1x" << n << "x!lf.fixed<" << vw << ", " << fout
       << ">>\n";
  };
  auto lut = [&](const char *res, const char *in, int n) {
    os << "  " << res << " = lf.lut linear odd " << in
       << " {table = array<i64: 0, 500, 800, 950, 1000>, start = 0, shift "
          "= 9 : i32} : tensor<1x"
       << n << "x!lf.fixed<" << vw << ", 10>> -> tensor<1x" << n
       << "x!lf.fixed<" << vw << ", 10>>\n";
  };
  os << "func.func @alike(%x: tensor<1x30xf32>) -> tensor<1x1xf32> {\n"
     << "  %q = lf.quantize %x : tensor<1x30xf32> -> "
        "tensor<1x30x!lf.fixed<"
     << vw << ", 16>>\n";
  fc("%h1", "%q", 30, 32, 16, 10);
  lut("%t1", "%h1", 32);
  fc("%h2", "%t1", 32, 16, 10, 10);
  lut("%t2", "%h2", 16);
  fc("%o", "%t2", 16, 1, 10, 12);
  os << "  %d = lf.dequantize %o : tensor<1x1x!lf.fixed<" << vw
     << ", 12>> -> "
        "tensor<1x1xf32>\n"
     << "  return %d : tensor<1x1xf32>\n}\n";
  return s;
}

TEST(Simd, TwinBuildsAgree) {
  if (!haveAvx2())
    GTEST_SKIP() << "CPU without AVX2";
  for (unsigned wbits : {32u, 33u, 16u, 17u}) {
    // 17: 16-bit weights, values and a 32-bit accumulator (lf_fc_q16);
    // 33: 32-bit weights small enough for the broadcast layout (lf_fc_w32b).
    bool acc32 = wbits == 17, bcast = wbits == 33;
    if (acc32)
      wbits = 16;
    if (bcast)
      wbits = 32;
    lftest::Ctx ctx;
    auto m = ctx.parse(auroraLike(wbits, wbits + acc32 + bcast, acc32, bcast));
    ASSERT_TRUE(m) << ctx.diag;
    TwinOptions dispatch, scalar, avx2;
    scalar.extraFlags = {"-DLF_NO_SIMD"};
    avx2.extraFlags = {"-mavx2"};
    std::vector<std::unique_ptr<Twin>> twins;
    for (const TwinOptions *o : {&dispatch, &scalar, &avx2}) {
      auto t = Twin::fromFunc(ctx.func(*m), {}, *o);
      ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
      twins.push_back(std::move(*t));
    }
    std::mt19937_64 rng(7);
    for (int s = 0; s < 2000; ++s) {
      int32_t in[30], out[3][1];
      for (int32_t &v : in)
        v = int32_t(s % 3 ? pick(rng, 20) : pick(rng, 32));
      for (int t = 0; t < 3; ++t)
        ASSERT_EQ(twins[t]->infer(in, out[t]), 0);
      ASSERT_EQ(out[0][0], out[1][0])
          << "sample " << s << " w" << wbits << " acc32 " << acc32;
      ASSERT_EQ(out[2][0], out[1][0])
          << "sample " << s << " w" << wbits << " acc32 " << acc32;
    }
    // The batched entry gives the single queries' integers; the compiled
    // blob validates, a blob of 0x7f bytes (shifts far out of range) does
    // not where the code relies on bounds (acc32, broadcast layout).
    std::vector<int32_t> bin(37 * 30), bout(37), one(1);
    for (auto &v : bin)
      v = int32_t(pick(rng, 20));
    for (auto &t : twins) {
      ASSERT_EQ(t->inferBatch(bin.data(), bout.data(), 37), 0);
      for (int q = 0; q < 37; ++q) {
        ASSERT_EQ(t->infer(bin.data() + q * 30, one.data()), 0);
        ASSERT_EQ(bout[q], one[0]) << "query " << q << " w" << wbits;
      }
      EXPECT_EQ(t->validate(t->params()), 0);
      std::vector<uint8_t> bad(t->info().paramsBytes, 0x7f);
      if (acc32 || bcast)
        EXPECT_EQ(t->validate(bad.data()), -EINVAL) << "w" << wbits;
    }
  }
}

} // namespace
