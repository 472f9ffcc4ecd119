#ifndef CLIBFUZZER_SHIM_H
#define CLIBFUZZER_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for programs that have their own `main`: SwiftPM gives every executable a
/// `main` of its own (aliased to the module's entry point), so libFuzzer's `main` is never linked
/// in, and the fuzz targets' `@main` calls this instead. Provided by `-sanitize=fuzzer`'s runtime.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
