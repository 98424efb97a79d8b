#pragma once

// The byte format of ASP.NET Core Data Protection with its default algorithm pair,
// AES-256-CBC + HMACSHA256 (ManagedAuthenticatedEncryptor on the CRM server):
//
//   protected payload  = magic 09 F0 C9 F0 | key id (16, .NET Guid order) | encryptor output
//   encryptor output   = key modifier (16) | IV (16) | AES-256-CBC/PKCS#7 (C) | HMAC-SHA256(IV|C)
//   K_E (32) | K_H (32) = SP800-108 CTR HMAC-SHA512 (KDK = master key,
//                          label = AAD, context = context header | key modifier)
//   AAD                = magic | key id | purpose count (uint32 BE) | each purpose as
//                        7-bit-encoded UTF-8 byte length + UTF-8 bytes
//
// These pieces are public so the known-answer vectors can reach each one.

#include "core/common/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>
#include <QUuid>

namespace EasyCrm::Crypto {

inline constexpr int kMagicHeaderSize = 4;
inline constexpr int kKeyIdSize = 16;
inline constexpr int kKeyModifierSize = 16;
inline constexpr int kIvSize = 16;
inline constexpr int kMacSize = 32;
inline constexpr int kContextHeaderSize = 66;
// The server generates 512-bit master keys; other lengths still work as a KDF key.
inline constexpr int kMasterKeySize = 64;

// 09 F0 C9 F0: the version-1 header every protected payload starts with.
[[nodiscard]] QByteArray magicHeader();

// .NET Guid.ToByteArray() order: the first three fields little-endian, the rest as written.
[[nodiscard]] QByteArray keyIdToBytes(const QUuid &id);
[[nodiscard]] QUuid keyIdFromBytes(QByteArrayView bytes);

// NIST SP800-108 §5.1, counter mode, PRF = HMAC-SHA512 keyed by `kdk`. The PRF input is
// [i]_2 | label | 0x00 | context | [L]_2 with 32-bit big-endian counter and bit length.
[[nodiscard]] Result<QByteArray> sp800108CtrHmacSha512(const QByteArray &kdk,
                                                       const QByteArray &label,
                                                       const QByteArray &context, int outputBytes);

[[nodiscard]] QByteArray additionalAuthenticatedData(const QUuid &keyId,
                                                     const QStringList &purposes);

// The 66-byte header that binds the subkeys to the algorithm pair; derived, not hard-coded.
// Empty only if OpenSSL failed.
[[nodiscard]] QByteArray contextHeaderAes256CbcHmacSha256();

// Encryptor level: key modifier | IV | ciphertext | MAC, without magic or key id.
[[nodiscard]] Result<QByteArray> encryptCbcHmac(const QByteArray &masterKey,
                                                const QByteArray &plaintext, const QByteArray &aad,
                                                const QByteArray &keyModifier,
                                                const QByteArray &iv);
// PayloadInvalid for a malformed payload, MacMismatch when the MAC does not verify (wrong key,
// wrong purposes or altered bytes).
[[nodiscard]] Result<QByteArray> decryptCbcHmac(const QByteArray &masterKey,
                                                const QByteArray &payload, const QByteArray &aad);

} // namespace EasyCrm::Crypto
