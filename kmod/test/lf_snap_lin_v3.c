// SPDX-License-Identifier: GPL-2.0
#define LIN_VARIANT 5
#include "lf_snap_lin.c"
