# The WASM build (included from the root CMakeLists.txt under emcmake).
# Memory plan: docs/memory.md. Size budget: scripts/size-report.mjs.
# The memory is imported and shared (docs/memory.md): the host creates it,
# at any size between these two, and it never grows after that.
set(WAMIX_MIN_MEMORY 16777216 CACHE STRING "smallest linear memory the module accepts, in bytes")
set(WAMIX_MAX_MEMORY 1073741824 CACHE STRING "largest linear memory the module accepts, in bytes")
set(WAMIX_MEMORY_FLAGS
  -sIMPORTED_MEMORY -Wl,--shared-memory
  -sINITIAL_MEMORY=${WAMIX_MIN_MEMORY} -sMAXIMUM_MEMORY=${WAMIX_MAX_MEMORY}
  # Growth must be "allowed" for emcc to declare a maximum above the
  # minimum; nothing in wamix ever grows the memory.
  -sALLOW_MEMORY_GROWTH=1)
set(WAMIX_STACK 65536 CACHE STRING "C stack in bytes")
set(WAMIX_DIST_DIR ${CMAKE_SOURCE_DIR}/dist CACHE PATH "where wamix.wasm is written")

add_executable(wamix ${WAMIX_DSP_SOURCES} ${CMAKE_SOURCE_DIR}/wasm/wm_exports.c)
target_include_directories(wamix PRIVATE ${CMAKE_SOURCE_DIR}/dsp ${WAMIX_KISSFFT_INCLUDES})
set_target_properties(wamix PROPERTIES SUFFIX ".wasm" RUNTIME_OUTPUT_DIRECTORY ${WAMIX_DIST_DIR})
# -O3 for the per-sample code: against -O2 -fno-unroll-loops, the
# reference mix at 128 tracks renders 1.10x (mono) and 1.08x (stereo)
# faster (bench/compare.mjs, docs/BENCHMARKS.md) for 44.0 KB gzip against
# 40.8. The module was built at -O2 without unrolling to fit the 48 KB
# budget until the table-free math (wm_math) freed 8 KB.
set(WAMIX_WASM_OPT "-O3" CACHE STRING "optimization flags of the WASM module's per-sample code")
target_compile_options(wamix PRIVATE ${WAMIX_WARNINGS} -Werror ${WAMIX_WASM_OPT} -msimd128 -matomics -mbulk-memory -fno-math-errno)
# Linked at -Oz, which runs binaryen's size passes over the
# finished module: 4% smaller (1.8 KB gzip); measured side by side, the
# module benchmark did not change beyond noise.
set(WAMIX_LINK_OPT -Oz)
target_link_options(wamix PRIVATE
  ${WAMIX_LINK_OPT} -msimd128 -matomics -mbulk-memory
  -sSTANDALONE_WASM --no-entry
  ${WAMIX_MEMORY_FLAGS}
  -sTOTAL_STACK=${WAMIX_STACK}
  -sFILESYSTEM=0
  -sERROR_ON_UNDEFINED_SYMBOLS=1)

# Code off the per-sample path is compiled for size: the control path
# (command decoding, automation timelines and lanes, the pool, clip lists,
# the transport, rings and stream plumbing), the analyzer (its FFT runs at
# display rate), the exports, the table-free exp/log/sin/cos (wm_math:
# filter design and level conversions, never per sample), and the
# convolution reverb, whose cost per block is its FFTs (KissFFT keeps
# WAMIX_WASM_OPT) and spectral products either way. The per-sample DSP
# keeps WAMIX_WASM_OPT. Sizes: scripts/size-report.mjs, in every build.
set(WAMIX_SIZE_SOURCES wm_session wm_lanes wm_automation wm_pool wm_clips wm_transport wm_ring wm_arena
  wm_common wm_streams wm_analyzer wm_busverb wm_convolver wm_partconv
  wm_limiter wm_loudness wm_truepeak wm_correlation wm_math)
list(TRANSFORM WAMIX_SIZE_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/dsp/)
list(TRANSFORM WAMIX_SIZE_SOURCES APPEND .c)
set_source_files_properties(${WAMIX_SIZE_SOURCES} ${CMAKE_SOURCE_DIR}/wasm/wm_exports.c PROPERTIES COMPILE_OPTIONS -Oz)

# The tools module (wasm/wm_tools.c): WAV reading, resampling and waveform
# overviews for a host's own thread, kept out of the audio module. Its own
# fixed 16 MiB memory, no imports: instantiated anywhere without isolation.
set(WAMIX_TOOLS_SOURCES wm_arena wm_common wm_math wm_wav wm_resample wm_peaks)
list(TRANSFORM WAMIX_TOOLS_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/dsp/)
list(TRANSFORM WAMIX_TOOLS_SOURCES APPEND .c)
add_executable(wamix_tools ${WAMIX_TOOLS_SOURCES} ${CMAKE_SOURCE_DIR}/wasm/wm_tools.c)
target_include_directories(wamix_tools PRIVATE ${CMAKE_SOURCE_DIR}/dsp)
set_target_properties(wamix_tools PROPERTIES OUTPUT_NAME wamix-tools SUFFIX ".wasm" RUNTIME_OUTPUT_DIRECTORY ${WAMIX_DIST_DIR})
target_compile_options(wamix_tools PRIVATE ${WAMIX_WARNINGS} -Werror ${WAMIX_WASM_OPT} -msimd128 -fno-math-errno)
target_link_options(wamix_tools PRIVATE ${WAMIX_LINK_OPT} -msimd128 -sSTANDALONE_WASM --no-entry
  -sINITIAL_MEMORY=16777216 -sALLOW_MEMORY_GROWTH=0 -sTOTAL_STACK=65536 -sFILESYSTEM=0 -sERROR_ON_UNDEFINED_SYMBOLS=1)

# The per-module benchmark and conformance harness (bench/bench_modules.c),
# built twice: with SIMD128 and without, so the table can compare them.
# Not part of the package; written next to the build, not into dist/.
foreach(variant simd scalar)
  set(target wamix_bench_${variant})
  add_executable(${target} ${WAMIX_DSP_SOURCES} ${CMAKE_SOURCE_DIR}/bench/bench_modules.c
                 ${CMAKE_SOURCE_DIR}/bench/bench_workloads.c ${CMAKE_SOURCE_DIR}/bench/bench_refmix.c)
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/dsp ${CMAKE_SOURCE_DIR}/bench ${WAMIX_KISSFFT_INCLUDES})
  set_target_properties(${target} PROPERTIES SUFFIX ".wasm")
  set(simd_flag "")
  if(variant STREQUAL "simd")
    set(simd_flag -msimd128)
  endif()
  target_compile_options(${target} PRIVATE ${WAMIX_WARNINGS} ${WAMIX_WASM_OPT} ${simd_flag} -matomics -mbulk-memory -fno-math-errno)
  target_link_options(${target} PRIVATE ${WAMIX_LINK_OPT} ${simd_flag} -matomics -mbulk-memory -sSTANDALONE_WASM --no-entry
    ${WAMIX_MEMORY_FLAGS} -sINITIAL_MEMORY=67108864 # room for the harness's 40 MiB arena
    -sTOTAL_STACK=65536 -sFILESYSTEM=0 -sERROR_ON_UNDEFINED_SYMBOLS=1)
endforeach()

# The test-only ring probe for the JS-WASM ring tests.
add_subdirectory(${CMAKE_SOURCE_DIR}/tests/wasm ${CMAKE_BINARY_DIR}/tests-wasm)
