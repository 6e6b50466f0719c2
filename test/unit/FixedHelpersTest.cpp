// lf_fixed.h against hand-derived numbers.
#include "lf_fixed.h"

#include <gtest/gtest.h>

namespace {

TEST(LfFixed, ShiftRoundTiesUp) {
  EXPECT_EQ(lf_shift_round(5, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(lf_shift_round(-5, 1), -2);  // -2.5 -> -2 (ties towards +inf)
  EXPECT_EQ(lf_shift_round(7, 2), 2);    // 1.75
  EXPECT_EQ(lf_shift_round(-6, 2), -1);  // -1.5 -> -1
  EXPECT_EQ(lf_shift_round(-7, 2), -2);  // -1.75
  EXPECT_EQ(lf_shift_round(6, 2), 2);    // 1.5 -> 2
  EXPECT_EQ(lf_shift_round(123, 0), 123);
  EXPECT_EQ(lf_shift_round(-1, 63), 0);
  EXPECT_EQ(lf_shift_round(LF_S64_MAX, 63), 0);
  // v + half would overflow: saturates to MAX >> s.
  EXPECT_EQ(lf_shift_round(LF_S64_MAX, 1), LF_S64_MAX >> 1);
  EXPECT_EQ(lf_shift_round(LF_S64_MIN, 1), LF_S64_MIN / 2);
}

TEST(LfFixed, ShiftLeftSaturates) {
  EXPECT_EQ(lf_shift_round(3, -2), 12);
  EXPECT_EQ(lf_shift_round(-3, -2), -12);
  EXPECT_EQ(lf_shift_round((int64_t)1 << 61, -1), (int64_t)1 << 62);
  EXPECT_EQ(lf_shift_round((int64_t)1 << 62, -1), LF_S64_MAX);
  EXPECT_EQ(lf_shift_round(-((int64_t)1 << 62), -1), LF_S64_MIN);
  EXPECT_EQ(lf_shift_round(-((int64_t)1 << 62) - 1, -1), LF_S64_MIN);
  EXPECT_EQ(lf_shift_round(1, -63), LF_S64_MAX);
  EXPECT_EQ(lf_shift_round(-1, -63), LF_S64_MIN);
  EXPECT_EQ(lf_shift_round(0, -63), 0);
  EXPECT_EQ(lf_shift_round(0x7fffffff, -31), (int64_t)0x7fffffff << 31);
}

TEST(LfFixed, SatAndRequant) {
  EXPECT_EQ(lf_sat(5, -3, 3), 3);
  EXPECT_EQ(lf_sat(-5, -3, 3), -3);
  EXPECT_EQ(lf_sat(2, -3, 3), 2);
  EXPECT_EQ(lf_requant(1000, 2, -100, 100), 100);
  EXPECT_EQ(lf_requant(-1000, 2, -100, 100), -100);
  EXPECT_EQ(lf_requant(10, 2, -100, 100), 3);    // 2.5 -> 3
  EXPECT_EQ(lf_requant(-10, 2, -100, 100), -2);  // -2.5 -> -2
  EXPECT_EQ(lf_requant(1 << 20, -20, -32768, 32767), 32767);
  EXPECT_EQ(lf_requant(-(1 << 20), -20, -32768, 32767), -32768);
}

TEST(LfFixed, DivRoundsAwayFromZero) {
  EXPECT_EQ(lf_div_round(7, 2), 4);    // 3.5
  EXPECT_EQ(lf_div_round(-7, 2), -4);  // -3.5
  EXPECT_EQ(lf_div_round(7, -2), -4);
  EXPECT_EQ(lf_div_round(-7, -2), 4);
  EXPECT_EQ(lf_div_round(5, 3), 2);    // 1.67
  EXPECT_EQ(lf_div_round(4, 3), 1);    // 1.33
  EXPECT_EQ(lf_div_round(-4, 3), -1);
  EXPECT_EQ(lf_div_round(-5, 3), -2);
  EXPECT_EQ(lf_div_round(-1, 2), -1);  // -0.5
  EXPECT_EQ(lf_div_round(1, 2), 1);    // 0.5
  EXPECT_EQ(lf_div_round(1, 3), 0);
  EXPECT_EQ(lf_div_round(0, 5), 0);
  EXPECT_EQ(lf_div_round(5, 0), LF_S64_MAX);
  EXPECT_EQ(lf_div_round(0, 0), LF_S64_MAX);
  EXPECT_EQ(lf_div_round(-5, 0), LF_S64_MIN);
  EXPECT_EQ(lf_div_round(LF_S64_MAX, 1), LF_S64_MAX);
  EXPECT_EQ(lf_div_round(LF_S64_MIN, 1), LF_S64_MIN);
}

TEST(LfFixed, MulSat) {
  EXPECT_EQ(lf_mul_sat(3, -4), -12);
  EXPECT_EQ(lf_mul_sat((int64_t)1 << 40, (int64_t)1 << 30), LF_S64_MAX);
  EXPECT_EQ(lf_mul_sat(-((int64_t)1 << 40), (int64_t)1 << 30), LF_S64_MIN);
  EXPECT_EQ(lf_mul_sat(LF_S64_MIN, -1), LF_S64_MAX);
}

TEST(LfFixed, Binary) {
  // a = 3 (frac 0), b = 5 (frac 2, 1.25): common frac 2, la 2, lb 0.
  EXPECT_EQ(lf_add(3, 2, 5, 0, 0, -1000, 1000), 17);  // 4.25 in Q2
  EXPECT_EQ(lf_sub(3, 2, 5, 0, 0, -1000, 1000), 7);   // 1.75
  EXPECT_EQ(lf_add(3, 2, 5, 0, 1, -1000, 1000), 9);   // 8.5 -> 9 (Q1)
  EXPECT_EQ(lf_add(3, 2, 5, 0, -1, -1000, 1000), 34); // Q3
  EXPECT_EQ(lf_add(300, 2, 5, 0, 0, -1000, 1000), 1000);  // saturates
  // Negative la: rounded right pre-shift of the finer operand.
  EXPECT_EQ(lf_add(5, -1, 0, 0, 0, -1000, 1000), 3);  // 2.5 -> 3
  EXPECT_EQ(lf_add(-5, -1, 0, 0, 0, -1000, 1000), -2);
  // Widest left shift without saturation for 32-bit operands.
  EXPECT_EQ(lf_add(INT32_MIN, 31, INT32_MIN, 31, 31, LF_S64_MIN, LF_S64_MAX),
            2LL * INT32_MIN);
  // mul: 1.5 * 0.5 in Q8 -> Q8: s = 8 + 8 - 8.
  EXPECT_EQ(lf_mul(384, 128, 8, -32768, 32767), 192);
  EXPECT_EQ(lf_mul(-384, 128, 8, -32768, 32767), -192);
  EXPECT_EQ(lf_mul(30000, 30000, 8, -32768, 32767), 32767);
  // div: 1.5 / 0.5 in Q8 -> Q8: s = 8 - 8 - 8 = -8.
  EXPECT_EQ(lf_div(384, 128, -8, -32768, 32767), 768);
  EXPECT_EQ(lf_div(256, 768, -8, -32768, 32767), 85);    // 0.333 -> 85.33
  EXPECT_EQ(lf_div(-256, 512, -8, -32768, 32767), -128); // -0.5
  EXPECT_EQ(lf_div(1, 3, 0, -32768, 32767), 0);
  EXPECT_EQ(lf_div(2, 3, 0, -32768, 32767), 1);
  EXPECT_EQ(lf_div(5, 0, -8, -32768, 32767), 32767);    // division by zero
  EXPECT_EQ(lf_div(-5, 0, -8, -32768, 32767), -32768);
}

struct Lut {
  int32_t table[8];
  struct lf_lut t;
  Lut(std::initializer_list<int32_t> v, int64_t start, int shift, int linear,
      int symmetry = 0) {
    int n = 0;
    for (int32_t x : v)
      table[n++] = x;
    t = {};
    t.table = table;
    t.n = n;
    t.shift = shift;
    t.start = start;
    t.linear = linear;
    t.symmetry = symmetry;
    t.slope_frac = 24;
  }
};

TEST(LfFixed, LutLinear) {
  Lut l({0, 100, 200, 250}, 0, 2, 1);
  // Exact knots.
  EXPECT_EQ(lf_lut_eval(&l.t, 0), 0);
  EXPECT_EQ(lf_lut_eval(&l.t, 4), 100);
  EXPECT_EQ(lf_lut_eval(&l.t, 8), 200);
  EXPECT_EQ(lf_lut_eval(&l.t, 12), 250);
  // Midpoints and quarter points.
  EXPECT_EQ(lf_lut_eval(&l.t, 2), 50);
  EXPECT_EQ(lf_lut_eval(&l.t, 1), 25);
  EXPECT_EQ(lf_lut_eval(&l.t, 5), 125);
  EXPECT_EQ(lf_lut_eval(&l.t, 10), 225);
  EXPECT_EQ(lf_lut_eval(&l.t, 11), 238);  // 237.5 -> 238
  // Outside with zero slopes: saturates at the end knots.
  EXPECT_EQ(lf_lut_eval(&l.t, 100), 250);
  EXPECT_EQ(lf_lut_eval(&l.t, -100), 0);
}

TEST(LfFixed, LutRoundingOfDifferences) {
  Lut up({0, 101}, 0, 2, 1);
  EXPECT_EQ(lf_lut_eval(&up.t, 2), 51);  // 50.5 -> 51
  Lut down({100, 0}, 0, 2, 1);
  EXPECT_EQ(lf_lut_eval(&down.t, 1), 75);
  EXPECT_EQ(lf_lut_eval(&down.t, 2), 50);
  Lut down2({101, 0}, 0, 2, 1);
  EXPECT_EQ(lf_lut_eval(&down2.t, 2), 51);  // 101 - 50.5 -> 101 + (-50)
}

TEST(LfFixed, LutNearest) {
  Lut l({0, 100, 200, 250}, 0, 2, 0);
  EXPECT_EQ(lf_lut_eval(&l.t, 1), 0);
  EXPECT_EQ(lf_lut_eval(&l.t, 2), 100);  // tie goes up
  EXPECT_EQ(lf_lut_eval(&l.t, 5), 100);
  EXPECT_EQ(lf_lut_eval(&l.t, 6), 200);
  EXPECT_EQ(lf_lut_eval(&l.t, 11), 250);
}

TEST(LfFixed, LutSlopes) {
  Lut l({0, 100, 200, 250}, 0, 2, 1);
  l.t.slope_above = 1 << 23;  // 0.5 output units per input unit
  l.t.slope_below = 1 << 24;  // 1.0
  EXPECT_EQ(lf_lut_eval(&l.t, 14), 251);
  EXPECT_EQ(lf_lut_eval(&l.t, 15), 252);  // 251.5 -> 252
  EXPECT_EQ(lf_lut_eval(&l.t, 12), 250);
  EXPECT_EQ(lf_lut_eval(&l.t, -4), -4);
  EXPECT_EQ(lf_lut_eval(&l.t, 0), 0);
  // Offset start.
  Lut s({10, 20}, -8, 3, 1);
  EXPECT_EQ(lf_lut_eval(&s.t, -8), 10);
  EXPECT_EQ(lf_lut_eval(&s.t, -4), 15);
  EXPECT_EQ(lf_lut_eval(&s.t, 0), 20);
}

TEST(LfFixed, LutSymmetry) {
  Lut odd({0, 100, 200, 250}, 0, 2, 1, 1);
  EXPECT_EQ(lf_lut_eval(&odd.t, 2), 50);
  EXPECT_EQ(lf_lut_eval(&odd.t, -2), -50);
  EXPECT_EQ(lf_lut_eval(&odd.t, -8), -200);
  EXPECT_EQ(lf_lut_eval(&odd.t, -100), -250);
  EXPECT_EQ(lf_lut_eval(&odd.t, LF_S64_MIN), -250);
  Lut comp({500, 700, 900, 1000}, 0, 2, 1, 2);
  comp.t.sym_const = 1000;
  EXPECT_EQ(lf_lut_eval(&comp.t, 0), 500);
  EXPECT_EQ(lf_lut_eval(&comp.t, 2), 600);
  EXPECT_EQ(lf_lut_eval(&comp.t, -2), 400);
  EXPECT_EQ(lf_lut_eval(&comp.t, -12), 0);
}

TEST(LfFixed, FullyConnected) {
  const int32_t x[2 * 3] = {256, -512, 128, 0, 1, -1};
  const int8_t w8[2 * 3] = {64, 32, -16, -128, 127, 1};
  const int16_t w16[2 * 3] = {64, 32, -16, -128, 127, 1};
  const int32_t w32[2 * 3] = {64, 32, -16, -128, 127, 1};
  const int64_t b[2] = {1000, -7};
  const int8_t shift[2] = {6, -1};
  int32_t y8[4], y16[4], y32[4];
  lf_fc_w8(x, 2, 3, 2, w8, b, shift, -32768, 32767, y8);
  lf_fc_w16(x, 2, 3, 2, w16, b, shift, -32768, 32767, y16);
  lf_fc_w32(x, 2, 3, 2, w32, b, shift, -32768, 32767, y32);
  // Row 0: o0 = 16384 - 16384 - 2048 + 1000 = -1048 -> /64 = -16.375 -> -16
  //        o1 = -32768 - 65024 + 128 - 7 << 1 -> saturates at -32768
  // Row 1: o0 = 32 + 16 + 1000 = 1048 / 64 = 16.375 -> 16
  //        o1 = 127 - 1 - 7 = 119 << 1 = 238
  const int32_t expect[4] = {-16, -32768, 16, 238};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(y8[i], expect[i]) << i;
    EXPECT_EQ(y16[i], expect[i]) << i;
    EXPECT_EQ(y32[i], expect[i]) << i;
  }
}

TEST(LfFixed, MatMul) {
  // batch 2 of (1x2) x (2x2)
  const int32_t a[4] = {1, 2, 3, -4};
  const int32_t b[8] = {10, 20, 30, 40, 1, 0, 0, 1};
  int32_t y[4];
  // k = 2: every product is first shifted right by ceil(log2 2) = 1 bit
  // (floor) so that k full-scale products cannot overflow 64 bits; the
  // final shift is then 1 - 1 = 0.
  lf_matmul(a, b, 2, 1, 2, 2, 1, -1000, 1000, y);
  EXPECT_EQ(y[0], 35);   // (10 >> 1) + (60 >> 1)
  EXPECT_EQ(y[1], 50);   // (20 >> 1) + (80 >> 1)
  EXPECT_EQ(y[2], 1);    // (3 >> 1) + (0 >> 1): the pre-shift floors 1.5
  EXPECT_EQ(y[3], -2);   // (0 >> 1) + (-4 >> 1)
}

} // namespace
