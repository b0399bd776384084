/* emscripten.h for the native build of wasm/wm_exports.c in
   fuzz_exports.c: the one macro it uses, which only keeps a symbol alive
   in WASM. */
#define EMSCRIPTEN_KEEPALIVE
