//===- ImportMatMul.cpp - Gemm and MatMul converters ----------------------- ===//
//
// Gemm and MatMul: a constant right-hand side becomes lf.fc, a run-time one lf.matmul (numpy batching).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace mlir::lf;
using namespace mlir::lf::importer;

static LogicalResult convertGemm(Importer &im) {
  auto alphaOr = im.floatAttr("alpha", 1.0), betaOr = im.floatAttr("beta", 1.0);
  auto transAOr = im.intAttr("transA", 0), transBOr = im.intAttr("transB", 0);
  if (failed(alphaOr) || failed(betaOr) || failed(transAOr) || failed(transBOr))
    return failure();
  double alpha = *alphaOr, beta = *betaOr;
  if ((*transAOr != 0 && *transAOr != 1) ||
      (*transBOr != 0 && *transBOr != 1)) {
    im.err() << "attributes 'transA' and 'transB' must be 0 or 1";
    return failure();
  }
  bool transA = *transAOr, transB = *transBOr;
  auto aIn = im.input(0), bIn = im.input(1);
  if (failed(aIn) || failed(bIn))
    return failure();
  Shape as = (*aIn)->shape(), bs = (*bIn)->shape();
  if (as.size() != 2 || bs.size() != 2) {
    im.err() << "A and B must be 2-D, got " << shapeStr(as) << " and "
          << shapeStr(bs);
    return failure();
  }
  int64_t M = transA ? as[1] : as[0], K = transA ? as[0] : as[1];
  int64_t KB = transB ? bs[1] : bs[0], N = transB ? bs[0] : bs[1];
  if (K != KB) {
    im.err() << "inner dimensions differ: A " << shapeStr(as)
          << (transA ? "^T" : "") << ", B " << shapeStr(bs)
          << (transB ? "^T" : "");
    return failure();
  }
  // A as an M x K value.
  Value a;
  if ((*aIn)->c && transA) {
    const Tensor &t = *(*aIn)->c;
    if (failed(im.checkFloatData(t)))
      return failure();
    std::vector<double> d(M * K);
    for (int64_t i = 0; i < M; ++i)
      for (int64_t k = 0; k < K; ++k)
        d[i * K + k] = t.values[k * M + i];
    a = im.constantOp({M, K}, d);
  } else {
    auto av = im.materialize(**aIn);
    if (failed(av))
      return failure();
    a = *av;
    if (transA) {
      auto t = im.transpose2D(a, "input A");
      if (failed(t))
        return failure();
      a = *t;
    }
  }
  // C, if any.
  Val *cIn = nullptr;
  if (im.hasInput(2)) {
    auto c = im.input(2);
    if (failed(c))
      return failure();
    cIn = *c;
    Shape cs = cIn->shape();
    auto bc = broadcastShapes(cs, {M, N});
    if (failed(bc) || *bc != Shape{M, N}) {
      im.err() << "C " << shapeStr(cs) << " does not broadcast to " << M << "x"
            << N;
      return failure();
    }
  }
  Value y;
  bool cDone = false;
  if ((*bIn)->c) {
    const Tensor &t = *(*bIn)->c;
    if (failed(im.checkFloatData(t)))
      return failure();
    std::vector<double> w(N * K);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        w[n * K + k] =
            alpha * (transB ? t.values[n * K + k] : t.values[k * N + n]);
    std::vector<double> bias(N, 0.0);
    // A constant C that does not vary along M becomes the bias.
    if (cIn && cIn->c) {
      const Tensor &c = *cIn->c;
      if (failed(im.checkFloatData(c)))
        return failure();
      Shape cs(c.dims.begin(), c.dims.end());
      bool rowsOnly = cs.size() < 2 || cs[0] == 1;
      if (rowsOnly) {
        int64_t cn = cs.empty() ? 1 : cs.back();
        for (int64_t n = 0; n < N; ++n)
          bias[n] = beta * c.values[cn == 1 ? 0 : n];
        cDone = true;
      }
    }
    y = im.fc(a, {N, K}, w, bias);
  } else {
    auto bv = im.materialize(**bIn);
    if (failed(bv))
      return failure();
    Value bm = *bv;
    if (transB) {
      auto t = im.transpose2D(bm, "input B");
      if (failed(t))
        return failure();
      bm = *t;
    }
    y = im.b.create<MatMulOp>(im.loc, im.ft({M, N}), a, bm);
    if (alpha != 1.0) {
      auto r = im.binary(BinaryKind::mul, y, im.scalarConst(alpha, 2));
      if (failed(r))
        return failure();
      y = *r;
    }
  }
  if (cIn && !cDone) {
    Value c;
    if (cIn->c) {
      if (failed(im.checkFloatData(*cIn->c)))
        return failure();
      std::vector<double> d(cIn->c->values);
      for (double &v : d)
        v *= beta;
      c = im.constantOp(cIn->c->dims, d);
    } else {
      auto cv = im.materialize(*cIn);
      if (failed(cv))
        return failure();
      c = *cv;
      if (beta != 1.0) {
        auto r = im.binary(
            BinaryKind::mul, c,
            im.scalarConst(beta, cast<RankedTensorType>(c.getType()).getRank()));
        if (failed(r))
          return failure();
        c = *r;
      }
    }
    if (beta != 0.0 || !cIn->c) {
      auto r = im.binary(BinaryKind::add, y, c);
      if (failed(r))
        return failure();
      y = *r;
    }
  }
  return im.setOutput(0, y);
}

static LogicalResult convertMatMul(Importer &im) {
  auto aIn = im.input(0), bIn = im.input(1);
  if (failed(aIn) || failed(bIn))
    return failure();
  Shape as = (*aIn)->shape(), bs = (*bIn)->shape();
  if (as.empty() || bs.empty()) {
    im.err() << "operands must have rank >= 1";
    return failure();
  }
  auto av = im.materialize(**aIn);
  if (failed(av))
    return failure();
  int64_t K = as.back();
  int64_t KB = bs.size() == 1 ? bs[0] : bs[bs.size() - 2];
  if (K != KB) {
    im.err() << "contraction dimensions differ: " << shapeStr(as) << " x "
          << shapeStr(bs);
    return failure();
  }
  // A constant 1-D or 2-D rhs: a fully connected layer over the rows of A.
  if ((*bIn)->c && bs.size() <= 2) {
    const Tensor &t = *(*bIn)->c;
    if (failed(im.checkFloatData(t)))
      return failure();
    int64_t N = bs.size() == 1 ? 1 : bs[1];
    std::vector<double> w(N * K);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        w[n * K + k] = t.values[k * N + n];
    int64_t rows = product(as) / K;
    Value x = im.reshape(*av, {rows, K});
    Value y = im.fc(x, {N, K}, w, std::vector<double>(N, 0.0));
    Shape out(as.begin(), as.end() - 1);
    if (bs.size() == 2)
      out.push_back(N);
    return im.setOutput(0, im.reshape(y, out));
  }
  auto bv = im.materialize(**bIn);
  if (failed(bv))
    return failure();
  // General case: numpy matmul semantics over lf.matmul.
  Shape a2 = as, b2 = bs;
  if (a2.size() == 1)
    a2.insert(a2.begin(), 1);
  if (b2.size() == 1)
    b2.push_back(1);
  int64_t M = a2[a2.size() - 2], N = b2.back();
  auto batch = broadcastShapes(ArrayRef<int64_t>(a2).drop_back(2),
                               ArrayRef<int64_t>(b2).drop_back(2));
  if (failed(batch)) {
    im.err() << "batch dimensions of " << shapeStr(as) << " and " << shapeStr(bs)
          << " do not broadcast";
    return failure();
  }
  auto expand = [&](Value v, ArrayRef<int64_t> s2, int64_t r, int64_t c) {
    Shape full(batch->size() - (s2.size() - 2), 1);
    full.append(s2.begin(), s2.end());
    Value x = im.reshape(v, full);
    Shape target(*batch);
    target.push_back(r);
    target.push_back(c);
    return im.broadcastTo(x, target);
  };
  Value a = expand(*av, a2, M, K), bm = expand(*bv, b2, K, N);
  Shape rs(*batch);
  rs.push_back(M);
  rs.push_back(N);
  Value y = im.b.create<MatMulOp>(im.loc, im.ft(rs), a, bm);
  if (rs.size() == 2 && (*batch).empty() && as.size() >= 2 && bs.size() >= 2)
    return im.setOutput(0, y);
  Shape out(*batch);
  if (as.size() > 1)
    out.push_back(M);
  if (bs.size() > 1)
    out.push_back(N);
  return im.setOutput(0, im.reshape(y, out));
}

void mlir::lf::importer::registerMatMulConverters(ConverterTable &t) {
  t.add("Gemm", convertGemm);
  t.add("MatMul", convertMatMul);
}
