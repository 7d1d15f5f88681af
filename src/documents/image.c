/* Checking an uploaded photo and removing its metadata, by walking the file's own
 * structure: JPEG segments (ITU T.81, B.1) and PNG chunks (PNG spec, 5.3).
 *
 * Why walk rather than trust a header: a browser says what a file's name says, and a
 * phone's JPEG carries EXIF with the place it was taken, the device and often a
 * thumbnail of the uncropped picture. The walk keeps only what draws the image (and its
 * colour profile) and refuses anything it cannot follow to the end. Every read is
 * bounded by len; tests/fuzz/fuzz_image.c runs it on arbitrary bytes. */
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "core/mem.h"
#include "documents/documents.h"

typedef struct {
    unsigned char *buf;
    size_t len;
} image_out;

static void put(image_out *o, const unsigned char *p, size_t n) {
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static herr *damaged(const char *what) {
    return err_with(err_invalid("photo", "the photo is damaged or cut short (%s)", what),
                    "photo_damaged", (const char *)NULL);
}

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* APP0 (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform) say how to
 * draw the image; every other APPn (EXIF, XMP, IPTC, maker notes) and COM is metadata. */
static bool jpeg_keep(unsigned m) {
    return !(m >= 0xE0 && m <= 0xEF) || m == 0xE0 || m == 0xE2 || m == 0xEE;
}

static bool jpeg_is_sof(unsigned m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

static herr *clean_jpeg(const unsigned char *d, size_t len, image_out *o) {
    size_t i = 2;
    bool frame = false, scan = false;
    put(o, d, 2); /* SOI */
    for (;;) {
        if (i >= len || d[i] != 0xFF) return damaged("no marker where one must be");
        while (i < len && d[i] == 0xFF) i++; /* fill bytes */
        if (i >= len) return damaged("ends inside a marker");
        unsigned m = d[i++];
        if (m == 0xD9) { /* EOI: anything after it is dropped */
            if (!scan) return damaged("no image data");
            const unsigned char eoi[2] = {0xFF, 0xD9};
            put(o, eoi, 2);
            return NULL;
        }
        if (m == 0x00 || m == 0xD8) return damaged("unexpected marker");
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* standalone markers */
            const unsigned char mk[2] = {0xFF, (unsigned char)m};
            put(o, mk, 2);
            continue;
        }
        if (len - i < 2) return damaged("segment length cut short");
        size_t seg = (size_t)d[i] << 8 | d[i + 1];
        if (seg < 2 || seg > len - i) return damaged("segment longer than the file");
        if (jpeg_is_sof(m)) frame = true;
        if (jpeg_keep(m) && m != 0xFE) {
            const unsigned char mk[2] = {0xFF, (unsigned char)m};
            put(o, mk, 2);
            put(o, d + i, seg);
        }
        i += seg;
        if (m != 0xDA) continue;
        /* Entropy-coded data after SOS runs to the next marker that is neither a stuffed
         * zero nor a restart marker. */
        if (!frame) return damaged("image data before the frame header");
        scan = true;
        size_t start = i;
        while (i + 1 < len &&
               !(d[i] == 0xFF && d[i + 1] != 0x00 && !(d[i + 1] >= 0xD0 && d[i + 1] <= 0xD7)))
            i++;
        if (i + 1 >= len) return damaged("image data cut short");
        put(o, d + start, i - start);
    }
}

/* Chunks that draw the image; any other ancillary chunk (tEXt, zTXt, iTXt, eXIf, tIME,
 * animation, private chunks) is dropped. An unknown critical chunk is refused. */
static const char *const png_keep[] = {"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM",
                                       "sRGB", "iCCP", "sBIT", "bKGD", "pHYs", NULL};

static bool png_kept(const unsigned char *type) {
    for (int k = 0; png_keep[k]; k++)
        if (!memcmp(type, png_keep[k], 4)) return true;
    return false;
}

static herr *clean_png(const unsigned char *d, size_t len, image_out *o) {
    size_t i = 8;
    bool idat = false;
    put(o, d, 8);
    for (int n = 0;; n++) {
        if (len - i < 12) return damaged("chunk cut short");
        uint32_t clen = be32(d + i);
        const unsigned char *type = d + i + 4;
        if (clen > len - i - 12) return damaged("chunk longer than the file");
        for (int k = 0; k < 4; k++)
            if (!((type[k] >= 'A' && type[k] <= 'Z') || (type[k] >= 'a' && type[k] <= 'z')))
                return damaged("bad chunk name");
        uint32_t crc = (uint32_t)crc32(0L, type, 4 + clen);
        if (crc != be32(d + i + 8 + clen)) return damaged("chunk checksum");
        bool ihdr = !memcmp(type, "IHDR", 4);
        if ((n == 0) != ihdr) return damaged("IHDR must come first, once");
        if (ihdr && (clen != 13 || be32(type + 4) == 0 || be32(type + 8) == 0))
            return damaged("bad image header");
        if (!memcmp(type, "IDAT", 4)) idat = true;
        bool critical = type[0] >= 'A' && type[0] <= 'Z';
        bool keep = png_kept(type);
        if (critical && !keep) return damaged("unknown critical chunk");
        if (keep) put(o, d + i, 12 + clen);
        i += 12 + clen;
        if (!memcmp(type, "IEND", 4)) {
            if (!idat) return damaged("no image data");
            return NULL; /* anything after IEND is dropped */
        }
    }
}

herr *documents_image_clean(const unsigned char *data, size_t len, documents_image_type *type,
                            unsigned char **out, size_t *out_len) {
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    image_out o = {0};
    herr *e;
    *out = NULL;
    *out_len = 0;
    if (len > DOCUMENTS_PHOTO_MAX)
        return err_with(err_new(ERR_TOO_LARGE, "photo", "the photo is larger than %d MB",
                                DOCUMENTS_PHOTO_MAX / (1024 * 1024)),
                        "photo_too_large", "max", "4", (const char *)NULL);
    if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
        *type = DOCUMENTS_IMAGE_JPEG;
        o.buf = mem_alloc(len);
        e = clean_jpeg(data, len, &o);
    } else if (len >= 8 && !memcmp(data, png_sig, 8)) {
        *type = DOCUMENTS_IMAGE_PNG;
        o.buf = mem_alloc(len);
        e = clean_png(data, len, &o);
    } else {
        return err_with(err_new(ERR_UNSUPPORTED, "photo", "the photo must be a JPEG or PNG image"),
                        "photo_type", (const char *)NULL);
    }
    if (e) {
        mem_free(o.buf);
        return e;
    }
    *out = o.buf;
    *out_len = o.len;
    return NULL;
}

const char *documents_image_mime(documents_image_type type) {
    return type == DOCUMENTS_IMAGE_PNG ? "image/png" : "image/jpeg";
}
