/* ring_sequence.h -- the test sequences that ring producers write and
   consumers verify: sample s of a stream and record k's length and bytes,
   all derived from their index and a seed. Shared by the native ring test
   and the WASM ring probe (tests/js/ring-worker.mjs is the JS twin). */
#ifndef WM_RING_SEQUENCE_H
#define WM_RING_SEQUENCE_H

#include <stdint.h>

static inline uint32_t ring_mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

/* Sample s: a float in [1, 2) with 23 random mantissa bits. */
static inline float ring_seq_value(uint32_t s, uint32_t seed)
{
    return 1.0f + (float)(ring_mix32(s + seed * 0x9e3779b9u) >> 9) * 0x1p-23f;
}

/* Record k: its length (1..max_len) and its byte j. */
static inline uint32_t ring_rec_len(uint32_t k, uint32_t seed, uint32_t max_len)
{
    return 1u + ring_mix32(k ^ (seed * 0x85ebca6bu)) % max_len;
}

static inline unsigned char ring_rec_byte(uint32_t k, uint32_t j)
{
    return (unsigned char)((ring_mix32(k) >> ((j & 3u) * 8u)) + j);
}

#endif
