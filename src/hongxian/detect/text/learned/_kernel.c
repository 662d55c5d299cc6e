/* Compiled inner loop of the learned text scorer (hongxian.detect.text.learned._kernel).
 *
 * gram_logits sums, for every text of a batch, the weights of the hashed character n-grams the text
 * holds and scales the sums by 1 / sqrt(number of n-grams) -- the same numbers as
 * Featurizer.gram_matrix(enc) @ weights * Featurizer.inverse_norms(enc), computed in one pass over the
 * mapped code points with no intermediate matrix. The hash is the featurizer's: the key of an n-gram
 * is c0 * B^(n-1) + ... + c(n-1) in wrapping uint64 arithmetic (B = 0x110000), then
 * bucket = ((key * 7 + n) * 0x9E3779B97F4A7C15) >> (64 - bits).
 *
 * Buffers come through the buffer protocol (numpy arrays); sizes are checked here, so a wrong call
 * raises ValueError instead of reading out of bounds. The GIL is released during the loop.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

#define MAX_ORDER 8

typedef struct {
    Py_buffer v[4];
    int have[4];
} Buffers; /* the buffers one call holds, released together */

static void release(Buffers *b) {
    for (int i = 0; i < 4; i++) {
        if (b->have[i]) PyBuffer_Release(&b->v[i]);
    }
}

static int take(PyObject *obj, Py_buffer *view, int *have, int writable, Py_ssize_t itemsize,
                const char *name) {
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) return -1;
    *have = 1;
    if (view->len % itemsize != 0) {
        PyErr_Format(PyExc_ValueError, "%s: buffer size is not a multiple of %zd bytes", name, itemsize);
        return -1;
    }
    return 0;
}

static int check_starts(const int64_t *starts, Py_ssize_t n_texts, Py_ssize_t n_codes) {
    if (starts[0] < 0 || starts[n_texts] > n_codes) return -1;
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        if (starts[t + 1] < starts[t]) return -1;
    }
    return 0;
}

/* Add one text's scaled n-gram sums to out_row. The rows of all the text's n-grams are looked up and
 * prefetched first, then summed: the table is megabytes, so the lookups are cache misses, and issuing
 * them together lets the memory system serve them in parallel. */
#define CHUNK 256
static void score_text(const uint64_t *codes, Py_ssize_t len, const float *weights, int ncat,
                       unsigned wanted, int max_order, unsigned shift, double *out_row) {
    double acc[16] = {0};
    const float *rows[CHUNK];
    Py_ssize_t count = 0;
    int filled = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        uint64_t key = 0;
        for (int n = 1; n <= max_order && i + n <= len; n++) {
            key = key * (uint64_t)0x110000 + codes[i + n - 1];
            if (!(wanted >> n & 1u)) continue;
            uint64_t h = (key * (uint64_t)7 + (uint64_t)n) * (uint64_t)0x9E3779B97F4A7C15ULL;
            const float *w = weights + (size_t)(h >> shift) * (size_t)ncat;
            __builtin_prefetch(w);
            rows[filled++] = w;
            count++;
        }
        if (filled > CHUNK - MAX_ORDER || i + 1 == len) {
            for (int r = 0; r < filled; r++) {
                for (int c = 0; c < ncat; c++) acc[c] += rows[r][c];
            }
            filled = 0;
        }
    }
    double scale = 1.0 / sqrt(count > 0 ? (double)count : 1.0);
    for (int c = 0; c < ncat; c++) out_row[c] += acc[c] * scale;
}

static PyObject *gram_logits(PyObject *self, PyObject *args) {
    PyObject *codes_o, *starts_o, *weights_o, *orders_o, *out_o;
    int bits, ncat;
    if (!PyArg_ParseTuple(args, "OOOiOiO", &codes_o, &starts_o, &weights_o, &bits, &orders_o, &ncat, &out_o))
        return NULL;
    if (bits < 1 || bits > 40 || ncat < 1 || ncat > 16) {
        PyErr_SetString(PyExc_ValueError, "bits must be 1..40 and categories 1..16");
        return NULL;
    }
    unsigned wanted = 0;
    int n_orders = 0, max_order = 0;
    PyObject *seq = PySequence_Fast(orders_o, "orders must be a sequence of ints");
    if (!seq) return NULL;
    Py_ssize_t given = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t k = 0; k < given; k++) {
        long n = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, k));
        if ((n == -1 && PyErr_Occurred()) || n < 1 || n > MAX_ORDER || n_orders == MAX_ORDER) {
            Py_DECREF(seq);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "orders must be 1..8, at most 8 of them");
            return NULL;
        }
        wanted |= 1u << n;
        n_orders++;
        if (n > max_order) max_order = (int)n;
    }
    Py_DECREF(seq);

    Buffers b = {0};
    Py_buffer *codes_b = &b.v[0], *starts_b = &b.v[1], *weights_b = &b.v[2], *out_b = &b.v[3];
    if (take(codes_o, codes_b, &b.have[0], 0, 8, "codes") < 0 ||
        take(starts_o, starts_b, &b.have[1], 0, 8, "starts") < 0 ||
        take(weights_o, weights_b, &b.have[2], 0, 4, "weights") < 0 ||
        take(out_o, out_b, &b.have[3], 1, 8, "out") < 0) {
        release(&b);
        return NULL;
    }
    Py_ssize_t n_codes = codes_b->len / 8, n_texts = starts_b->len / 8 - 1;
    Py_ssize_t rows = ((Py_ssize_t)1 << bits);
    const char *problem = NULL;
    if (n_texts < 0) problem = "starts must hold at least one offset";
    else if (weights_b->len / 4 < rows * ncat) problem = "weights must hold 2**bits rows of every category";
    else if (out_b->len / 8 != n_texts * ncat) problem = "out must hold one row per text";
    else if (check_starts((const int64_t *)starts_b->buf, n_texts, n_codes) < 0)
        problem = "starts must be non-decreasing offsets into codes";
    if (problem) {
        PyErr_SetString(PyExc_ValueError, problem);
        release(&b);
        return NULL;
    }
    const uint64_t *codes = (const uint64_t *)codes_b->buf;
    const int64_t *starts = (const int64_t *)starts_b->buf;
    const float *weights = (const float *)weights_b->buf;
    double *out = (double *)out_b->buf;
    unsigned shift = (unsigned)(64 - bits);
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        score_text(codes + starts[t], (Py_ssize_t)(starts[t + 1] - starts[t]), weights, ncat, wanted, max_order,
                   shift, out + t * ncat);
    }
    Py_END_ALLOW_THREADS
    release(&b);
    Py_RETURN_NONE;
}

/* utf8_blob(codes, starts, separator, out, byte_at) -> bytes written: the texts' mapped code points as
 * UTF-8, one separator byte between texts (so no word spans two), into the writable buffer out (at
 * least 4 * len(codes) + len(starts) bytes); byte_at[i] (int64) receives the offset in out of code i.
 * A lone surrogate becomes U+FFFD, which no lexicon word holds. */
static Py_ssize_t put_utf8(uint64_t cp, unsigned char *o) {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    if (cp > 0x10FFFF) cp = 0xFFFD;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

static PyObject *utf8_blob(PyObject *self, PyObject *args) {
    PyObject *codes_o, *starts_o, *out_o, *at_o;
    int separator;
    if (!PyArg_ParseTuple(args, "OOiOO", &codes_o, &starts_o, &separator, &out_o, &at_o)) return NULL;
    if (separator < 1 || separator > 0x7F) {
        PyErr_SetString(PyExc_ValueError, "separator must be an ASCII control byte");
        return NULL;
    }
    Buffers b = {0};
    Py_buffer *codes_b = &b.v[0], *starts_b = &b.v[1], *out_b = &b.v[2], *at_b = &b.v[3];
    if (take(codes_o, codes_b, &b.have[0], 0, 8, "codes") < 0 ||
        take(starts_o, starts_b, &b.have[1], 0, 8, "starts") < 0 ||
        take(out_o, out_b, &b.have[2], 1, 1, "out") < 0 || take(at_o, at_b, &b.have[3], 1, 8, "byte_at") < 0) {
        release(&b);
        return NULL;
    }
    Py_ssize_t n_codes = codes_b->len / 8, n_texts = starts_b->len / 8 - 1;
    const int64_t *starts = (const int64_t *)starts_b->buf;
    const char *problem = NULL;
    if (n_texts < 0) problem = "starts must hold at least one offset";
    else if (check_starts(starts, n_texts, n_codes) < 0 || starts[0] != 0 || starts[n_texts] != n_codes)
        problem = "starts must be non-decreasing offsets covering codes";
    else if (out_b->len < 4 * n_codes + n_texts + 1) problem = "out must hold 4 bytes per code and one per text";
    else if (at_b->len / 8 < n_codes) problem = "byte_at must hold one offset per code";
    if (problem) {
        PyErr_SetString(PyExc_ValueError, problem);
        release(&b);
        return NULL;
    }
    const uint64_t *codes = (const uint64_t *)codes_b->buf;
    unsigned char *out = (unsigned char *)out_b->buf;
    int64_t *byte_at = (int64_t *)at_b->buf;
    Py_ssize_t w = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        if (t > 0) out[w++] = (unsigned char)separator;
        for (int64_t i = starts[t]; i < starts[t + 1]; i++) {
            byte_at[i] = w;
            w += put_utf8(codes[i], out + w);
        }
    }
    Py_END_ALLOW_THREADS
    release(&b);
    return PyLong_FromSsize_t(w);
}

/* map_texts(raw, first, chars, digits, codes, msg, pos, kept_digits, starts) -> kept count: the
 * character map of a batch in one pass. raw (uint32) holds the texts' code points back to back, text t
 * at [first[t], first[t+1]); chars (uint32, 0x110000 entries) maps a code point, 0 meaning dropped;
 * digits (uint8, same size) gives the ASCII digit it normalises to. Kept characters are written in
 * order: their mapped code (uint64), text index and offset in the text (int64) and digit (uint8);
 * starts[t] (int64, n + 1) is where text t's kept characters begin. */
static PyObject *map_texts(PyObject *self, PyObject *args) {
    PyObject *o[9];
    if (!PyArg_ParseTuple(args, "OOOOOOOOO", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5], &o[6], &o[7], &o[8]))
        return NULL;
    static const char *names[9] = {"raw", "first", "chars", "digits", "codes", "msg", "pos", "kept_digits", "starts"};
    static const Py_ssize_t sizes[9] = {4, 8, 4, 1, 8, 8, 8, 1, 8};
    static const int writable[9] = {0, 0, 0, 0, 1, 1, 1, 1, 1};
    Py_buffer v[9];
    int have[9] = {0};
    PyObject *result = NULL;
    for (int k = 0; k < 9; k++) {
        if (take(o[k], &v[k], &have[k], writable[k], sizes[k], names[k]) < 0) goto done;
    }
    Py_ssize_t n_raw = v[0].len / 4, n_texts = v[1].len / 8 - 1;
    const int64_t *first = (const int64_t *)v[1].buf;
    const char *problem = NULL;
    if (n_texts < 0) problem = "first must hold at least one offset";
    else if (check_starts(first, n_texts, n_raw) < 0 || first[0] != 0 || first[n_texts] != n_raw)
        problem = "first must be non-decreasing offsets covering raw";
    else if (v[2].len / 4 != 0x110000 || v[3].len != 0x110000) problem = "chars and digits must cover every code point";
    else if (v[4].len / 8 < n_raw || v[5].len / 8 < n_raw || v[6].len / 8 < n_raw || v[7].len < n_raw)
        problem = "codes, msg, pos and kept_digits must hold one entry per code point";
    else if (v[8].len / 8 != n_texts + 1) problem = "starts must hold one offset per text and one more";
    if (problem) {
        PyErr_SetString(PyExc_ValueError, problem);
        goto done;
    }
    const uint32_t *raw = (const uint32_t *)v[0].buf, *chars = (const uint32_t *)v[2].buf;
    const uint8_t *digits = (const uint8_t *)v[3].buf;
    uint64_t *codes = (uint64_t *)v[4].buf;
    int64_t *msg = (int64_t *)v[5].buf, *pos = (int64_t *)v[6].buf, *starts = (int64_t *)v[8].buf;
    uint8_t *kept_digits = (uint8_t *)v[7].buf;
    Py_ssize_t k = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        starts[t] = k;
        for (int64_t i = first[t]; i < first[t + 1]; i++) {
            uint32_t cp = raw[i] < 0x110000 ? raw[i] : 0xFFFD;
            uint32_t mapped = chars[cp];
            if (mapped == 0) continue;
            codes[k] = mapped;
            msg[k] = t;
            pos[k] = i - first[t];
            kept_digits[k] = digits[cp];
            k++;
        }
    }
    starts[n_texts] = k;
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(k);
done:
    for (int j = 0; j < 9; j++) {
        if (have[j]) PyBuffer_Release(&v[j]);
    }
    return result;
}

static PyMethodDef methods[] = {
    {"gram_logits", gram_logits, METH_VARARGS,
     "gram_logits(codes, starts, weights, bits, orders, ncat, out): add every text's scaled n-gram weight "
     "sums to out (float64, texts x categories)."},
    {"map_texts", map_texts, METH_VARARGS,
     "map_texts(raw, first, chars, digits, codes, msg, pos, kept_digits, starts) -> kept count: the "
     "character map of a batch in one pass."},
    {"utf8_blob", utf8_blob, METH_VARARGS,
     "utf8_blob(codes, starts, separator, out, byte_at) -> bytes written: the texts as UTF-8 with a "
     "separator byte between them, and the byte offset of every code."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", NULL, -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
