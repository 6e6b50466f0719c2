// RUN: lf-opt %s --split-input-file --lf-quantize="input-range=-1,1" -verify-diagnostics
// RUN: not lf-opt %s --split-input-file --lf-quantize="input-range=1,-1" 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not lf-opt %s --split-input-file --lf-quantize="input-range=0,1,2" 2>&1 | FileCheck %s --check-prefix=ODD
// RUN: not lf-opt %s --split-input-file --lf-quantize="input-range=0,1,0,1,0,1" 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not lf-opt %s --split-input-file --lf-quantize="input-range=0,1 bits=8" 2>&1 | FileCheck %s --check-prefix=BITS
// EMPTY: input range 0 [1.000000e+00, -1.000000e+00] is empty or not finite
// ODD: input-range needs lo,hi pairs, got 3 numbers
// COUNT: expected 1 or 2 input ranges, got 3
// BITS: --bits must be 32 or 16, got 8

func.func @div_by_zero_range(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{divides by a value whose range [-1.000000e+00, 1.000000e+00] includes 0}}
  %0 = lf.binary div %x, %y : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @softmax_not_decomposed(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{is not supported by range analysis (run -lf-decompose first?)}}
  %0 = lf.softmax %x, axis = 1 : tensor<1x2xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @unbounded(%x: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %c = lf.constant dense<3.0e38> : tensor<1xf32> -> tensor<1xf32>
  %0 = lf.binary mul %x, %c : tensor<1x1xf32>, tensor<1xf32> -> tensor<1x1xf32>
  // expected-error @+1 {{has an unbounded range; give tighter input ranges}}
  %1 = lf.activation exp %0 : tensor<1x1xf32> -> tensor<1x1xf32>
  return %1 : tensor<1x1xf32>
}

// -----

func.func @accumulator(%x: tensor<1x1xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{no weight format for output channel 0 keeps the 64-bit accumulator from overflowing}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<1x1xf32>, bias = dense<3.0e38> : tensor<1xf32> : tensor<1x1xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// RUN: not lf-opt %s --split-input-file --lf-quantize="input-range=-1,1 result-frac=31" 2>&1 | FileCheck %s --check-prefix=PIN
// RUN: not lf-opt %s --split-input-file --lf-quantize="input-range=-1,1 result-frac=20,20" 2>&1 | FileCheck %s --check-prefix=PINCOUNT
// PIN: result 0 pinned at 31 fractional bits cannot hold its range (needs at most 30)
// PINCOUNT: result-frac has 2 entries, the function has 1 results
func.func @pin_too_fine(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %0 = lf.fc %x, weight = dense<0.75> : tensor<1x2xf32>, bias = dense<0.0> : tensor<1xf32> : tensor<1x2xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// A zero-size tensor is refused by the verifier before the pass runs (it
// crashed range analysis before issue 15).
func.func @empty(%x: tensor<1x2xf32>) -> tensor<1x0xf32> {
  // expected-error @+1 {{requires tensors with at least one element}}
  %0 = lf.fc %x, weight = dense<> : tensor<0x2xf32>, bias = dense<> : tensor<0xf32> : tensor<1x2xf32> -> tensor<1x0xf32>
  return %0 : tensor<1x0xf32>
}
