#ifndef ACADEMY_COPENSSL_SHIM_H
#define ACADEMY_COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/params.h>

/* BIO_get_mem_data is a macro over BIO_ctrl, which Swift cannot import. */
static inline long BIO_get_mem_data_shim(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/* A keyed HMAC-SHA256 context, made once per key: the one-shot HMAC() fetches the algorithm and
 * hashes the key's pads on every call. NULL on failure. */
static inline EVP_MAC_CTX *academy_hmac_sha256_keyed(const unsigned char *key, size_t length) {
    static const unsigned char empty = 0;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (context == NULL) return NULL;
    OSSL_PARAM parameters[] = {
        OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
        OSSL_PARAM_construct_end()
    };
    /* A NULL key would mean "keep the previous key"; an empty key is a real (if weak) key. */
    if (EVP_MAC_init(context, key != NULL ? key : &empty, length, parameters) != 1) {
        EVP_MAC_CTX_free(context);
        return NULL;
    }
    return context;
}

/* The code of one message under a keyed context, which is only read (duplicated), never changed,
 * so one keyed context serves every thread at once. Returns 1 on success. */
static inline int academy_hmac_sha256(const EVP_MAC_CTX *keyed, const unsigned char *message, size_t length,
                                      unsigned char code[32]) {
    EVP_MAC_CTX *context = EVP_MAC_CTX_dup(keyed);
    if (context == NULL) return 0;
    size_t written = 0;
    int ok = EVP_MAC_update(context, message, length) == 1
        && EVP_MAC_final(context, code, &written, 32) == 1 && written == 32;
    EVP_MAC_CTX_free(context);
    return ok;
}
#endif
