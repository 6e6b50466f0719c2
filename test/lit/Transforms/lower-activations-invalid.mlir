// RUN: lf-opt %s --split-input-file --lf-lower-activations="max-entries=16" -verify-diagnostics
// RUN: not lf-opt %s --split-input-file --lf-lower-activations="lut-error=0" 2>&1 | FileCheck %s --check-prefix=ERR
// ERR: lut-error must be positive

func.func @too_small(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 30>> {
  // expected-warning @+1 {{exceeds the target 1.000000e-05 (limited to 16 entries)}}
  %0 = lf.activation tanh %x {lf.range = array<f64: -4.0, 4.0>} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0 : tensor<4x!lf.fixed<32, 30>>
}

// -----

func.func @wide(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<64, 30>> {
  // expected-error @+1 {{tables hold at most 32-bit values}}
  %0 = lf.activation tanh %x : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<64, 30>>
  return %0 : tensor<4x!lf.fixed<64, 30>>
}

// -----

func.func @no_table(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 30>> {
  // expected-error @+1 {{no table of at most 16 entries covers the domain}}
  %0 = lf.activation exp %x {lf.range = array<f64: -4.0, 4.0>} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0 : tensor<4x!lf.fixed<32, 30>>
}

// -----

func.func @log_nonpositive(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 28>> {
  // expected-error @+1 {{log needs a positive input range, got [-1.000000e+00, 2.000000e+00]}}
  %0 = lf.activation log %x {lf.range = array<f64: -1.0, 2.0>} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 28>>
  return %0 : tensor<4x!lf.fixed<32, 28>>
}
