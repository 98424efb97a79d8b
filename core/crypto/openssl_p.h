#pragma once

// OpenSSL 3 primitives used by the Data Protection format. Internal to easycrm_crypto: every
// function checks every return value and reports a failure as ErrorCode::CryptoFailure.

#include "core/common/result.h"

#include <QByteArray>
#include <QByteArrayView>

#include <initializer_list>

namespace EasyCrm::Crypto::Detail {

enum class Digest { Sha256, Sha512 };

// CryptoFailure naming the stage; the detail carries OpenSSL's reason (never input bytes).
[[nodiscard]] Error cryptoFailure(const char *stage);

[[nodiscard]] Result<QByteArray> randomBytes(int count);

// HMAC over the concatenation of `parts`. An empty key is valid (RFC 2104 pads it with zeros).
[[nodiscard]] Result<QByteArray> hmac(Digest digest, QByteArrayView key,
                                      std::initializer_list<QByteArrayView> parts);

// AES-256-CBC with PKCS#7 padding; key 32 bytes, iv 16 bytes.
[[nodiscard]] Result<QByteArray> aes256CbcEncrypt(QByteArrayView key, QByteArrayView iv,
                                                  QByteArrayView plaintext);
[[nodiscard]] Result<QByteArray> aes256CbcDecrypt(QByteArrayView key, QByteArrayView iv,
                                                  QByteArrayView ciphertext);

// Constant-time equality, so a MAC check leaks no position of the first differing byte.
[[nodiscard]] bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace EasyCrm::Crypto::Detail
