/* wm_kissfft_config.h -- wamix's build configuration for KissFFT, written
   for wamix; it holds no KissFFT code. KissFFT itself is a dependency: its
   sources are compiled from the pinned npm package kissfft-js
   (node_modules/kissfft-js/src, or -DWAMIX_KISSFFT_DIR), never copied here.

   CMake force-includes this header (-include) before every KissFFT
   source file. KissFFT is used with caller-owned memory only (configs are
   placed in the arena by wm_fft), out of place and with power-of-two sizes,
   so it never needs to allocate, print or exit; these macros make sure it
   cannot: no allocator reaches the DSP library (a ctest checks), and no
   WASI import (fd_write, proc_exit) reaches the standalone WASM module. */
#ifndef WM_KISSFFT_CONFIG_H
#define WM_KISSFFT_CONFIG_H

#include <stdio.h>
#include <stdlib.h>

#define malloc(nbytes) ((void*)0)
#define free(ptr) ((void)(ptr))
#define fprintf(...) ((void)0)
#define exit(code) __builtin_trap()

#endif
