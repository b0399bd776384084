/* wm_streams.c -- streams into tracks and the master's recording, over
   frames rings. Written for wamix.

   The audio thread owns every ring: it formats them at init, consumes the
   stream rings and produces the record ring. Sizes come from the private
   wm_ring structs (wm_ring validates every index it loads), and the words
   of commands are checked here against the counts, so nothing read from
   shared memory can steer a copy outside the rings, the scratch block or
   the mixer's track inputs. */
#include "wm_streams.h"

#include "wm_ops.h"

static int frames_ok(int frames, int max_block)
{
    return frames >= max_block && (uint32_t)frames <= WM_RING_MAX_CAPACITY && (frames & (frames - 1)) == 0;
}

size_t wm_streams_memory_size(int count, int ring_frames, int record_frames, int max_block, int* ok)
{
    if (ring_frames == 0)
        ring_frames = WM_STREAMS_DEFAULT_RING_FRAMES;
    *ok = max_block >= 1 && count >= 0 && count <= WM_STREAMS_MAX &&
          (count == 0 || frames_ok(ring_frames, max_block)) &&
          (record_frames == 0 || frames_ok(record_frames, max_block));
    if (!*ok || (count == 0 && record_frames == 0))
        return 0;
    size_t n = (size_t)count * sizeof(wm_stream) + 64;
    n += (size_t)(WM_STREAMS_CHANNELS + 1) * (size_t)max_block * sizeof(float) + 64;
    if (count > 0)
        n += (size_t)count * (wm_ring_memory_size(WM_RING_FRAMES, ring_frames, WM_STREAMS_CHANNELS) + 64);
    if (record_frames > 0)
        n += wm_ring_memory_size(WM_RING_FRAMES, record_frames, WM_STREAMS_CHANNELS) + 64;
    return n;
}

int wm_streams_init(wm_streams* s, wm_arena* a, int count, int ring_frames, int record_frames, int max_block)
{
    int ok;
    size_t bytes = wm_streams_memory_size(count, ring_frames, record_frames, max_block, &ok);
    memset(s, 0, sizeof *s);
    if (!ok)
        return WM_ERR_ARG;
    if (bytes == 0)
        return WM_OK;
    if (ring_frames == 0)
        ring_frames = WM_STREAMS_DEFAULT_RING_FRAMES;
    s->max_block = max_block;
    s->streams = wm_arena_alloc(a, (size_t)count * sizeof(wm_stream) + 1, 64);
    s->buf = wm_arena_alloc(a, (size_t)(WM_STREAMS_CHANNELS + 1) * (size_t)max_block * sizeof(float), 64);
    if (!s->streams || !s->buf)
        return WM_ERR_NOMEM;
    for (; s->count < count; s->count++) {
        wm_stream* st = &s->streams[s->count];
        st->track = -1;
        int r = wm_ring_create(&st->ring, a, WM_RING_FRAMES, ring_frames, WM_STREAMS_CHANNELS);
        if (r != WM_OK)
            return r;
    }
    if (record_frames > 0) {
        int r = wm_ring_create(&s->record, a, WM_RING_FRAMES, record_frames, WM_STREAMS_CHANNELS);
        if (r != WM_OK)
            return r;
        s->has_record = 1;
    }
    return WM_OK;
}

int wm_streams_bind(wm_streams* s, wm_mixer* m, uint32_t stream, uint32_t track, uint32_t mode)
{
    if (stream >= (uint32_t)s->count || mode > WM_STREAM_MODE_LIVE ||
        !wm_mixer_track(m, track < WM_MIXER_MAX_TRACKS ? (int)track : -1))
        return WM_ERR_ARG;
    for (int i = 0; i < s->count; i++)
        if ((uint32_t)i != stream && s->streams[i].track == (int)track)
            return WM_ERR_ARG;
    s->streams[stream].track = (int)track;
    s->streams[stream].mode = (int)mode;
    return WM_OK;
}

int wm_streams_unbind(wm_streams* s, uint32_t stream)
{
    if (stream >= (uint32_t)s->count)
        return WM_ERR_ARG;
    s->streams[stream].track = -1;
    wm_ring_reset(&s->streams[stream].ring);
    return WM_OK;
}

int wm_streams_record(wm_streams* s, uint32_t on)
{
    if (on > 1 || !s->has_record)
        return WM_ERR_ARG;
    s->recording = (int)on;
    return WM_OK;
}

void wm_streams_pull(wm_streams* s, wm_mixer* m, int n)
{
    if (n < 1 || n > s->max_block)
        return;
    int playing = wm_mixer_transport(m)->state == WM_TRANSPORT_PLAYING;
    float* buf = s->buf;
    for (int i = 0; i < s->count; i++) {
        wm_stream* st = &s->streams[i];
        if (st->track < 0 || (st->mode == WM_STREAM_MODE_TRANSPORT && !playing))
            continue;
        int got = wm_ring_pop(&st->ring, buf, n);
        got = got < 0 ? 0 : got;
        if (got < n) {
            s->underruns++;
            s->silent_frames += (uint32_t)(n - got);
            memset(buf + 2 * got, 0, (size_t)(n - got) * 2 * sizeof(float));
        }
        float* left = wm_mixer_track_input(m, st->track, 0);
        float* right = wm_mixer_track_input(m, st->track, 1);
        if (right) {
            wm_ops_deinterleave2_scalar(buf, left, right, n);
        } else { /* left = (L + R) / 2, through the third part of buf */
            float* r = buf + 2 * s->max_block;
            wm_ops_deinterleave2_scalar(buf, left, r, n);
            wm_ops_sum(left, r, 1.0f, n);
            memset(left, 0, (size_t)n * sizeof(float));
            wm_ops_sum(r, left, 0.5f, n);
        }
    }
}

void wm_streams_capture(wm_streams* s, const wm_mixer* m, int n)
{
    if (!s->recording || n < 1 || n > s->max_block)
        return;
    if (wm_ring_available_write(&s->record) < n) {
        s->record_overruns++;
        s->record_dropped += (uint32_t)n;
        return;
    }
    wm_ops_interleave2_scalar(wm_mixer_output(m, 0), wm_mixer_output(m, 1), s->buf, n);
    s->recorded += (uint64_t)wm_ring_push(&s->record, s->buf, n);
}

void* wm_streams_ring(wm_streams* s, int i) { return i >= 0 && i < s->count ? (void*)s->streams[i].ring.hdr : NULL; }
void* wm_streams_record_ring(wm_streams* s) { return s->has_record ? (void*)s->record.hdr : NULL; }

uint32_t wm_streams_ring_status(const wm_streams* s)
{
    uint32_t bits = s->has_record ? wm_ring_status(&s->record) : 0;
    for (int i = 0; i < s->count; i++)
        bits |= wm_ring_status(&s->streams[i].ring);
    return bits;
}

int wm_streams_bound(const wm_streams* s)
{
    int n = 0;
    for (int i = 0; i < s->count; i++)
        n += s->streams[i].track >= 0;
    return n;
}
