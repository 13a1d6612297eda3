// core/assert: programmer errors. Stays on in release builds: a broken invariant in a test
// harness must stop the run loudly, never produce a plausible-looking verdict.
#pragma once

#include <cstdio>
#include <cstdlib>

#define BH_ASSERT(cond, msg)                                                                      \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      std::fprintf(stderr, "%s:%d: assertion failed: %s (%s)\n", __FILE__, __LINE__, #cond, msg); \
      std::abort();                                                                               \
    }                                                                                             \
  } while (false)
