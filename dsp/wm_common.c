/* wm_common.c -- error strings. */
#include "wm_common.h"

const char* wm_strerror(int err)
{
    switch (err) {
    case WM_OK: return "ok";
    case WM_ERR_ARG: return "invalid argument (NULL, NaN or a negative size)";
    case WM_ERR_NOMEM: return "arena exhausted: the request does not fit in the preallocated memory";
    case WM_ERR_RANGE: return "value out of range: clamped to the nearest limit";
    case WM_ERR_HANDLE: return "invalid handle";
    case WM_ERR_PARAM: return "unknown parameter id";
    case WM_ERR_LIMIT: return "a fixed limit was reached (engines, sample slots or events)";
    case WM_ERR_FULL: return "the sample pool has no room for this sample";
    default: return "unknown error code";
    }
}
