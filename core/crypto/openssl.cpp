#include "core/crypto/openssl_p.h"

#include "core/common/secret.h"
#include "core/crypto/cryptologging.h"

#include <QCoreApplication>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <memory>

namespace EasyCrm::Crypto::Detail {

namespace {

struct MacDeleter
{
    void operator()(EVP_MAC *mac) const { EVP_MAC_free(mac); }
    void operator()(EVP_MAC_CTX *ctx) const { EVP_MAC_CTX_free(ctx); }
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using MacPtr = std::unique_ptr<EVP_MAC, MacDeleter>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacDeleter>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, MacDeleter>;

constexpr int kAes256KeySize = 32;
constexpr int kAesBlockSize = 16;

const unsigned char *bytes(QByteArrayView view)
{
    // OpenSSL rejects a null key pointer even for a zero-length key; point at a real byte.
    static const unsigned char empty = 0;
    return view.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(view.data());
}

unsigned char *bytes(QByteArray &array)
{
    return reinterpret_cast<unsigned char *>(array.data());
}

bool fitsInt(QByteArrayView view)
{
    return view.size() <= INT_MAX - kAesBlockSize;
}

Result<QByteArray> runCipher(bool encrypt, QByteArrayView key, QByteArrayView iv,
                             QByteArrayView input)
{
    if (key.size() != kAes256KeySize || iv.size() != kAesBlockSize || !fitsInt(input))
        return cryptoFailure(encrypt ? "aes-encrypt-arguments" : "aes-decrypt-arguments");
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_CipherInit_ex2(ctx.get(), EVP_aes_256_cbc(), bytes(key), bytes(iv),
                                   encrypt ? 1 : 0, nullptr) != 1)
        return cryptoFailure(encrypt ? "aes-encrypt-init" : "aes-decrypt-init");
    QByteArray output(input.size() + kAesBlockSize, Qt::Uninitialized);
    int written = 0;
    int finalWritten = 0;
    if (EVP_CipherUpdate(ctx.get(), bytes(output), &written, bytes(input),
                         static_cast<int>(input.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), bytes(output) + written, &finalWritten) != 1) {
        wipe(output);
        return cryptoFailure(encrypt ? "aes-encrypt" : "aes-decrypt");
    }
    output.truncate(written + finalWritten);
    return output;
}

} // namespace

Error cryptoFailure(const char *stage)
{
    char reason[256] = {};
    if (const unsigned long code = ERR_get_error(); code != 0)
        ERR_error_string_n(code, reason, sizeof reason);
    ERR_clear_error();
    qCWarning(lcCrypto, "Protection step failed: %s (%s)", stage, reason);
    return makeError(ErrorCode::CryptoFailure,
                     QCoreApplication::translate("Crypto", "A cryptographic operation failed."),
                     QString::fromLatin1(stage) + u": " + QString::fromLatin1(reason));
}

Result<QByteArray> randomBytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (count < 0 || RAND_bytes(bytes(out), count) != 1)
        return cryptoFailure("random-bytes");
    return out;
}

Result<QByteArray> hmac(Digest digest, QByteArrayView key,
                        std::initializer_list<QByteArrayView> parts)
{
    MacPtr mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
    MacCtxPtr ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
    char *digestName = const_cast<char *>(digest == Digest::Sha256 ? "SHA256" : "SHA512");
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digestName, 0),
        OSSL_PARAM_construct_end()};
    if (!ctx || EVP_MAC_init(ctx.get(), bytes(key), size_t(key.size()), params) != 1)
        return cryptoFailure("hmac-init");
    for (QByteArrayView part : parts) {
        if (!part.isEmpty() && EVP_MAC_update(ctx.get(), bytes(part), size_t(part.size())) != 1)
            return cryptoFailure("hmac-update");
    }
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    size_t written = 0;
    if (EVP_MAC_final(ctx.get(), bytes(out), &written, size_t(out.size())) != 1)
        return cryptoFailure("hmac-final");
    out.truncate(qsizetype(written));
    return out;
}

Result<QByteArray> aes256CbcEncrypt(QByteArrayView key, QByteArrayView iv, QByteArrayView plaintext)
{
    return runCipher(true, key, iv, plaintext);
}

Result<QByteArray> aes256CbcDecrypt(QByteArrayView key, QByteArrayView iv,
                                    QByteArrayView ciphertext)
{
    return runCipher(false, key, iv, ciphertext);
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    // Lengths are public (they follow from the algorithm), only contents must not leak.
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(bytes(a), bytes(b), size_t(a.size())) == 0;
}

} // namespace EasyCrm::Crypto::Detail
