/*
 * The packaged app's stand-in for pyproj's vendored libcurl (Linux).
 *
 * PROJ uses libcurl for one thing only: downloading transformation grids from its CDN
 * when PROJ's network is switched on. The app keeps it off (the runtime hook sets
 * PROJ_NETWORK=OFF, asset_register.grids switches pyproj's network off) and ships the
 * grids it needs, so the real library (6 MB with its OpenSSL, and libnghttp2) is dead
 * weight that could reach the network. packaging/trim_libs.py (with_curl_stub) builds
 * this file under the real library's name and SONAME, after checking that every bundled
 * library needing libcurl calls only these five functions.
 *
 * No handle is ever made: curl_easy_init returns NULL, which PROJ reads as "no download
 * possible" (the grid is then missing, and the transformation fails cleanly or another
 * one is used); the other functions do nothing and answer CURLE_FAILED_INIT. Nothing
 * here opens a socket or reads a file.
 */

typedef void CURL;
typedef int CURLcode;

#define CURLE_FAILED_INIT 2

CURL *curl_easy_init(void) { return 0; }

CURLcode curl_easy_setopt(CURL *handle, int option, ...) {
    (void)handle;
    (void)option;
    return CURLE_FAILED_INIT;
}

CURLcode curl_easy_perform(CURL *handle) {
    (void)handle;
    return CURLE_FAILED_INIT;
}

CURLcode curl_easy_getinfo(CURL *handle, int info, ...) {
    (void)handle;
    (void)info;
    return CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL *handle) { (void)handle; }
