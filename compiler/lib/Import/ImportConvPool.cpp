//===- ImportConvPool.cpp - convolution and pooling converters ------------- ===//
//
// 1-D Conv over [N, C, L] as lf.conv1d (-lf-decompose unrolls it into an fc).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace mlir::lf;
using namespace mlir::lf::importer;

static LogicalResult convertConv(Importer &im) {
  auto x = im.runtimeInput(0);
  if (failed(x))
    return failure();
  Shape s(cast<RankedTensorType>(x->getType()).getShape());
  if (s.size() != 3) {
    if (s.size() == 4)
      im.err() << "2-D convolution is not supported (lfc supports 1-D Conv over "
               "[N, C, L] only)";
    else
      im.err() << "only 1-D convolution over [N, C, L] is supported, got input "
            << shapeStr(s);
    return failure();
  }
  auto wt = im.constFloatInput(1, "weight");
  if (failed(wt))
    return failure();
  const Tensor &w = **wt;
  if (w.dims.size() != 3) {
    im.err() << "weight must be [OC, C/group, K], got " << shapeStr(w.dims);
    return failure();
  }
  int64_t N = s[0], C = s[1], L = s[2];
  int64_t OC = w.dims[0], CG = w.dims[1], K = w.dims[2];
  auto groupOr = im.intAttr("group", 1);
  auto stridesOr = im.intsAttr("strides", {1});
  auto dilOr = im.intsAttr("dilations", {1});
  auto padsOr = im.intsAttr("pads", {0, 0});
  auto kOr = im.intsAttr("kernel_shape", {K});
  auto autoPad = im.stringAttr("auto_pad", "NOTSET");
  if (failed(groupOr) || failed(stridesOr) || failed(dilOr) || failed(padsOr) ||
      failed(kOr) || failed(autoPad))
    return failure();
  int64_t G = *groupOr;
  if (G < 1 || C % G || OC % G || C / G != CG) {
    im.err() << "attribute 'group' = " << G << " does not match input channels "
          << C << ", weight " << shapeStr(w.dims);
    return failure();
  }
  if (stridesOr->size() != 1 || dilOr->size() != 1 || padsOr->size() != 2 ||
      kOr->size() != 1) {
    im.err() << "strides, dilations, kernel_shape must have 1 entry and pads 2";
    return failure();
  }
  int64_t stride = (*stridesOr)[0], dil = (*dilOr)[0];
  int64_t pb = (*padsOr)[0], pe = (*padsOr)[1];
  if (stride < 1 || dil < 1 || pb < 0 || pe < 0 || (*kOr)[0] != K) {
    im.err() << "attribute out of range: strides and dilations must be >= 1, "
             "pads >= 0, kernel_shape equal to the weight's";
    return failure();
  }
  int64_t span = dil * (K - 1) + 1;
  if (*autoPad == "VALID") {
    pb = pe = 0;
  } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    int64_t lout = (L + stride - 1) / stride;
    int64_t total = std::max<int64_t>(0, (lout - 1) * stride + span - L);
    pb = *autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
    pe = total - pb;
  } else if (*autoPad != "NOTSET") {
    im.err() << "attribute 'auto_pad' = '" << *autoPad << "' is not supported";
    return failure();
  }
  int64_t padded = L + pb + pe;
  if (padded < span) {
    im.err() << "kernel span " << span << " exceeds the padded length " << padded;
    return failure();
  }
  int64_t Lout = (padded - span) / stride + 1;
  std::vector<double> bias(OC, 0.0);
  if (im.hasInput(2)) {
    auto bt = im.constFloatInput(2, "bias");
    if (failed(bt))
      return failure();
    if ((int64_t)(*bt)->values.size() != OC) {
      im.err() << "bias must have " << OC << " elements";
      return failure();
    }
    bias = (*bt)->values;
  }
  // -lf-decompose lowers it to an fc over the Toeplitz matrix.
  Value y = im.b.create<Conv1dOp>(
      im.loc, im.ft({N, OC, Lout}), *x, im.denseF32(w.dims, w.values),
      im.denseF32({OC}, bias), stride, dil, pb, pe, G);
  return im.setOutput(0, y);
}

void mlir::lf::importer::registerConvPoolConverters(ConverterTable &t) {
  t.add("Conv", convertConv);
}
