#include "core/crypto/dataprotector.h"

#include "core/crypto/cryptoerrors_p.h"
#include "core/crypto/cryptologging.h"
#include "core/crypto/openssl_p.h"

#include <QRegularExpression>

namespace EasyCrm::Crypto {

namespace {

constexpr int kHeaderSize = kMagicHeaderSize + kKeyIdSize;
// Key modifier, IV, one cipher block and the MAC follow the header.
constexpr int kMinimumPayloadSize = kHeaderSize + kKeyModifierSize + kIvSize + 16 + kMacSize;

QString toBase64Url(const QByteArray &payload)
{
    return QString::fromLatin1(
        payload.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// The server's WebEncoders.Base64UrlDecode: URL alphabet, padding optional, nothing else.
std::optional<QByteArray> fromBase64Url(const QString &text)
{
    static const QRegularExpression alphabet(QStringLiteral("^[A-Za-z0-9_-]*={0,2}$"));
    if (text.isEmpty() || text.size() % 4 == 1 || !alphabet.match(text).hasMatch())
        return std::nullopt;
    auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return std::move(decoded.decoded);
}

} // namespace

DataProtector::DataProtector(KeyRing ring, QStringList purposes, const Clock &clock)
    : m_ring(std::move(ring))
    , m_purposes(std::move(purposes))
    , m_clock(&clock)
{}

Result<QString> DataProtector::protect(const QByteArray &plaintext) const
{
    auto payload = protectBytes(plaintext);
    if (!payload)
        return payload.error();
    return toBase64Url(payload.value());
}

Result<QByteArray> DataProtector::unprotect(const QString &protectedValue) const
{
    const std::optional<QByteArray> payload = fromBase64Url(protectedValue);
    if (!payload)
        return Detail::payloadInvalid("not base64url");
    return unprotectBytes(*payload);
}

Result<QString> DataProtector::protectWith(const QByteArray &plaintext,
                                           const QByteArray &keyModifier,
                                           const QByteArray &iv) const
{
    auto payload = protectPayload(plaintext, keyModifier, iv);
    if (!payload)
        return payload.error();
    return toBase64Url(payload.value());
}

Result<QByteArray> DataProtector::protectBytes(const QByteArray &plaintext) const
{
    // Fresh randomness per value: the modifier gives the value its own subkeys.
    auto keyModifier = Detail::randomBytes(kKeyModifierSize);
    if (!keyModifier)
        return keyModifier.error();
    auto iv = Detail::randomBytes(kIvSize);
    if (!iv)
        return iv.error();
    return protectPayload(plaintext, keyModifier.value(), iv.value());
}

Result<QByteArray> DataProtector::unprotectBytes(const QByteArray &payload) const
{
    if (!payload.startsWith(magicHeader()))
        return Detail::payloadInvalid("wrong magic header");
    if (payload.size() < kMinimumPayloadSize)
        return Detail::payloadInvalid("too short");
    const QUuid keyId =
        keyIdFromBytes(QByteArrayView(payload).sliced(kMagicHeaderSize, kKeyIdSize));
    const MasterKey *key = m_ring.find(keyId);
    if (!key)
        return Detail::keyNotFound(keyId);
    // The server refuses revoked keys unless told otherwise; a revoked key may be compromised.
    if (key->revoked)
        return Detail::keyRevoked(keyId);
    if (!key->isUsable())
        return Detail::keyUnusable(keyId);
    auto plaintext = decryptCbcHmac(key->secret, payload.sliced(kHeaderSize),
                                    additionalAuthenticatedData(keyId, m_purposes));
    if (plaintext)
        qCDebug(lcCrypto) << "Unprotected a value under key" << keyId;
    return plaintext;
}

DataProtector DataProtector::withPurpose(const QString &purpose) const
{
    return DataProtector(m_ring, m_purposes + QStringList{purpose}, *m_clock);
}

Result<QByteArray> DataProtector::protectPayload(const QByteArray &plaintext,
                                                 const QByteArray &keyModifier,
                                                 const QByteArray &iv) const
{
    const MasterKey *key = m_ring.defaultKey(m_clock->nowUtc());
    if (!key)
        return Detail::noDefaultKey();
    const QByteArray header = magicHeader() + keyIdToBytes(key->id);
    auto encrypted = encryptCbcHmac(
        key->secret, plaintext, additionalAuthenticatedData(key->id, m_purposes), keyModifier, iv);
    if (!encrypted)
        return encrypted.error();
    qCDebug(lcCrypto) << "Protected a value under key" << key->id;
    return QByteArray(header + encrypted.value());
}

} // namespace EasyCrm::Crypto
