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

/* BIO_get_mem_data is a macro over BIO_ctrl, which Swift cannot import. */
static inline long BIO_get_mem_data_shim(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}
#endif
