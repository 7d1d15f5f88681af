/* Internal to api: the map's PMTiles file, served with HTTP range requests. */
#ifndef HAVEN_API_TILES_H
#define HAVEN_API_TILES_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

/* The URL the tile file is served at. */
#define API_TILES_URL "/tiles/region.pmtiles"

/* Builds the response for a GET/HEAD of the tile file at path (NULL: none configured,
 * 404), one byte range when range (the Range header) is given: 206 with Content-Range,
 * 416 when it cannot be satisfied. Returns the status. */
int api_tiles_file(const char *path, const char *method, const char *range,
                   struct MHD_Response **out);

/* Parses a Range header of one range against the file size (tests). */
bool api_tiles_parse_range(const char *header, uint64_t size, uint64_t *from, uint64_t *to);

#endif
