#include "core/crypto/authenticatedencryption.h"

#include "core/common/secret.h"
#include "core/crypto/cryptoerrors_p.h"
#include "core/crypto/openssl_p.h"

#include <QtEndian>

#include <algorithm>
#include <limits>

namespace EasyCrm::Crypto {

using Detail::Digest;

namespace {

constexpr int kAesKeySize = 32;
constexpr int kAesBlockSize = 16;
constexpr int kHmacKeySize = 32;
constexpr int kSubkeysSize = kAesKeySize + kHmacKeySize;

QByteArray bigEndian32(quint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    return QByteArray(bytes, sizeof bytes);
}

// BinaryWriter.Write(string) prefixes the UTF-8 byte count as a 7-bit encoded integer.
void append7BitEncoded(QByteArray &out, quint32 value)
{
    while (value >= 0x80) {
        out.append(char((value & 0x7F) | 0x80));
        value >>= 7;
    }
    out.append(char(value));
}

// K_E | K_H for one payload. The label is the AAD and the context is the context header
// followed by the key modifier, so every payload gets its own subkeys.
Result<SecretBytes> deriveSubkeys(const QByteArray &masterKey, const QByteArray &aad,
                                  const QByteArray &keyModifier)
{
    const QByteArray header = contextHeaderAes256CbcHmacSha256();
    if (header.size() != kContextHeaderSize)
        return Detail::cryptoFailure("context-header");
    auto derived = sp800108CtrHmacSha512(masterKey, aad, header + keyModifier, kSubkeysSize);
    if (!derived)
        return derived.error();
    return SecretBytes(std::move(derived).value());
}

QByteArrayView encryptionKey(const SecretBytes &subkeys)
{
    return QByteArrayView(subkeys.bytes()).first(kAesKeySize);
}

QByteArrayView validationKey(const SecretBytes &subkeys)
{
    return QByteArrayView(subkeys.bytes()).sliced(kAesKeySize, kHmacKeySize);
}

// ASP.NET's ManagedAuthenticatedEncryptor.CreateContextHeader: a CBC marker, the four sizes,
// then the encryption of the empty string (IV of zeros) and the MAC of the empty string under
// subkeys derived from an empty KDK, label and context.
QByteArray computeContextHeader()
{
    auto derived = sp800108CtrHmacSha512({}, {}, {}, kSubkeysSize);
    if (!derived)
        return {};
    const SecretBytes subkeys(std::move(derived).value());
    auto emptyCiphertext =
        Detail::aes256CbcEncrypt(encryptionKey(subkeys), QByteArray(kAesBlockSize, '\0'), {});
    auto emptyMac = Detail::hmac(Digest::Sha256, validationKey(subkeys), {});
    if (!emptyCiphertext || !emptyMac)
        return {};
    return QByteArray(2, '\0') + bigEndian32(kAesKeySize) + bigEndian32(kAesBlockSize) +
           bigEndian32(kHmacKeySize) + bigEndian32(kMacSize) + emptyCiphertext.value() +
           emptyMac.value();
}

} // namespace

QByteArray magicHeader()
{
    return QByteArray::fromHex("09f0c9f0");
}

QByteArray keyIdToBytes(const QUuid &id)
{
    char bytes[kKeyIdSize];
    qToLittleEndian(id.data1, bytes);
    qToLittleEndian(id.data2, bytes + 4);
    qToLittleEndian(id.data3, bytes + 6);
    std::copy(std::begin(id.data4), std::end(id.data4), bytes + 8);
    return QByteArray(bytes, kKeyIdSize);
}

QUuid keyIdFromBytes(QByteArrayView bytes)
{
    if (bytes.size() != kKeyIdSize)
        return {};
    const char *data = bytes.data();
    QUuid id;
    id.data1 = qFromLittleEndian<quint32>(data);
    id.data2 = qFromLittleEndian<quint16>(data + 4);
    id.data3 = qFromLittleEndian<quint16>(data + 6);
    std::copy(data + 8, data + kKeyIdSize, std::begin(id.data4));
    return id;
}

Result<QByteArray> sp800108CtrHmacSha512(const QByteArray &kdk, const QByteArray &label,
                                         const QByteArray &context, int outputBytes)
{
    // [L]_2 is the output length in bits and must fit the 32-bit field.
    if (outputBytes <= 0 || outputBytes > std::numeric_limits<int>::max() / 8)
        return Detail::cryptoFailure("kdf-output-length");
    const QByteArray lengthInBits = bigEndian32(quint32(outputBytes) * 8);
    const QByteArray separator(1, '\0');
    QByteArray output;
    output.reserve(outputBytes);
    for (quint32 i = 1; output.size() < outputBytes; ++i) {
        auto block = Detail::hmac(Digest::Sha512, kdk,
                                  {bigEndian32(i), label, separator, context, lengthInBits});
        if (!block) {
            wipe(output);
            return block.error();
        }
        SecretBytes prfOutput(std::move(block).value());
        const qsizetype take = std::min(prfOutput.bytes().size(), outputBytes - output.size());
        output.append(prfOutput.bytes().first(take));
    }
    return output;
}

QByteArray additionalAuthenticatedData(const QUuid &keyId, const QStringList &purposes)
{
    QByteArray aad = magicHeader() + keyIdToBytes(keyId) + bigEndian32(quint32(purposes.size()));
    for (const QString &purpose : purposes) {
        const QByteArray utf8 = purpose.toUtf8();
        append7BitEncoded(aad, quint32(utf8.size()));
        aad.append(utf8);
    }
    return aad;
}

QByteArray contextHeaderAes256CbcHmacSha256()
{
    // Deterministic, so computed once; thread-safe initialisation of a function-local static.
    static const QByteArray header = computeContextHeader();
    return header;
}

Result<QByteArray> encryptCbcHmac(const QByteArray &masterKey, const QByteArray &plaintext,
                                  const QByteArray &aad, const QByteArray &keyModifier,
                                  const QByteArray &iv)
{
    if (masterKey.isEmpty() || keyModifier.size() != kKeyModifierSize || iv.size() != kIvSize)
        return Detail::cryptoFailure("encrypt-arguments");
    auto subkeys = deriveSubkeys(masterKey, aad, keyModifier);
    if (!subkeys)
        return subkeys.error();
    auto ciphertext = Detail::aes256CbcEncrypt(encryptionKey(subkeys.value()), iv, plaintext);
    if (!ciphertext)
        return ciphertext.error();
    auto mac =
        Detail::hmac(Digest::Sha256, validationKey(subkeys.value()), {iv, ciphertext.value()});
    if (!mac)
        return mac.error();
    return QByteArray(keyModifier + iv + ciphertext.value() + mac.value());
}

Result<QByteArray> decryptCbcHmac(const QByteArray &masterKey, const QByteArray &payload,
                                  const QByteArray &aad)
{
    // CBC with PKCS#7 always yields at least one whole block.
    const qsizetype ciphertextSize = payload.size() - kKeyModifierSize - kIvSize - kMacSize;
    if (ciphertextSize < kAesBlockSize || ciphertextSize % kAesBlockSize != 0)
        return Detail::payloadInvalid("encryptor payload length");
    if (masterKey.isEmpty())
        return Detail::cryptoFailure("decrypt-arguments");
    const QByteArrayView view(payload);
    const QByteArrayView iv = view.sliced(kKeyModifierSize, kIvSize);
    const QByteArrayView ciphertext = view.sliced(kKeyModifierSize + kIvSize, ciphertextSize);
    auto subkeys = deriveSubkeys(masterKey, aad, payload.first(kKeyModifierSize));
    if (!subkeys)
        return subkeys.error();
    auto mac = Detail::hmac(Digest::Sha256, validationKey(subkeys.value()), {iv, ciphertext});
    if (!mac)
        return mac.error();
    // Authenticate before decrypting: no padding oracle on unauthenticated bytes.
    if (!Detail::constantTimeEquals(mac.value(), view.last(kMacSize)))
        return Detail::macMismatch();
    auto plaintext = Detail::aes256CbcDecrypt(encryptionKey(subkeys.value()), iv, ciphertext);
    if (!plaintext)
        return Detail::payloadInvalid("padding");
    return plaintext;
}

} // namespace EasyCrm::Crypto
