//===- ImportNorms.cpp - normalization converters ----------------------- ===//
//
// BatchNormalization (inference): a per-channel scale and shift.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace mlir::lf;
using namespace mlir::lf::importer;

static LogicalResult convertBatchNorm(Importer &im) {
  auto x = im.runtimeInput(0);
  if (failed(x))
    return failure();
  auto eps = im.floatAttr("epsilon", 1e-5);
  auto training = im.intAttr("training_mode", 0);
  auto spatial = im.intAttr("spatial", 1);
  if (failed(eps) || failed(training) || failed(spatial))
    return failure();
  if (*training != 0) {
    im.err() << "training mode is not supported (inference only)";
    return failure();
  }
  if (*spatial != 1) {
    im.err() << "attribute 'spatial' = 0 is not supported";
    return failure();
  }
  if (*eps < 0) {
    im.err() << "attribute 'epsilon' must be non-negative";
    return failure();
  }
  for (size_t i = 1; i < im.node->outputs.size(); ++i)
    if (failed(im.requireUnused(i, "a training statistics output")))
      return failure();
  Shape s(cast<RankedTensorType>(x->getType()).getShape());
  if (s.size() < 2) {
    im.err() << "input must have rank >= 2 ([N, C, ...]), got " << shapeStr(s);
    return failure();
  }
  int64_t C = s[1];
  const char *names[] = {"scale", "B", "input_mean", "input_var"};
  std::vector<double> p[4];
  for (int i = 0; i < 4; ++i) {
    auto t = im.constFloatInput(i + 1, names[i]);
    if (failed(t))
      return failure();
    if ((int64_t)(*t)->values.size() != C) {
      im.err() << names[i] << " has " << (*t)->values.size()
            << " elements, expected " << C << " (one per channel)";
      return failure();
    }
    p[i] = (*t)->values;
  }
  std::vector<double> sc(C), sh(C);
  for (int64_t c = 0; c < C; ++c) {
    if (p[3][c] + *eps <= 0) {
      im.err() << "variance + epsilon is not positive for channel " << c;
      return failure();
    }
    sc[c] = p[0][c] / std::sqrt(p[3][c] + *eps);
    sh[c] = p[1][c] - p[2][c] * sc[c];
  }
  // [C] followed by ones so that the constants broadcast along axis 1.
  Shape cs{C};
  cs.append(s.size() - 2, 1);
  auto y = im.binary(BinaryKind::mul, *x, im.constantOp(cs, sc));
  if (failed(y))
    return failure();
  auto z = im.binary(BinaryKind::add, *y, im.constantOp(cs, sh));
  return failed(z) ? failure() : im.setOutput(0, *z);
}

void mlir::lf::importer::registerNormConverters(ConverterTable &t) {
  t.add("BatchNormalization", convertBatchNorm);
}
