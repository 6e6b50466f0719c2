// SimdTest.cpp again, built without -fwrapv and under UBSan (see
// CMakeLists.txt): the table lookups and the 16-bit / broadcast fc layers
// must compute their integers without signed overflow for any blob or input
// (the twin is userspace C, where signed overflow is undefined).
#include "SimdTest.cpp"
