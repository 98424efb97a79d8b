#include "core/crypto/passwordhasher.h"

#include "core/common/secret.h"
#include "core/crypto/cryptologging.h"
#include "core/crypto/openssl_p.h"

#include <QCoreApplication>
#include <QtEndian>

#include <openssl/evp.h>

namespace EasyCrm::Crypto {

namespace {

constexpr char kFormatV2 = 0x00;
constexpr char kFormatV3 = 0x01;
constexpr int kHeaderSize = 13; // format byte + three uint32
// PasswordHasher.VerifyHashedPasswordV3 refuses salts and subkeys under 128 bits.
constexpr int kMinimumBytes = 128 / 8;

// The stored hash, decoded; the person sees one message, the detail names the check.
struct ParsedHash
{
    PasswordHashParameters parameters;
    QByteArray salt;
    QByteArray subkey;
};

Error unsupportedHash(const char *why)
{
    qCWarning(lcCrypto, "Password hash refused: %s", why);
    return makeError(ErrorCode::PasswordHashUnsupported,
                     QCoreApplication::translate("Crypto",
                                                 "This user's stored password cannot be checked "
                                                 "by this client. Sign in to the CRM once, or ask "
                                                 "an administrator to reset the password."),
                     QString::fromLatin1(why));
}

const EVP_MD *digestOf(PasswordPrf prf)
{
    switch (prf) {
    case PasswordPrf::HmacSha1:
        return EVP_sha1();
    case PasswordPrf::HmacSha256:
        return EVP_sha256();
    case PasswordPrf::HmacSha512:
        return EVP_sha512();
    }
    return nullptr;
}

bool validParameters(const PasswordHashParameters &p)
{
    return digestOf(p.prf) && p.iterations > 0 && p.iterations <= PasswordHasher::kMaxIterations &&
           p.saltLength >= kMinimumBytes && p.subkeyLength >= kMinimumBytes;
}

// PBKDF2 (RFC 8018 §5.2) with HMAC over the chosen digest.
Result<QByteArray> pbkdf2(QStringView password, QByteArrayView salt,
                          const PasswordHashParameters &p)
{
    // KeyDerivation.Pbkdf2 encodes the password as UTF-8.
    SecretBytes utf8(password.toUtf8());
    QByteArray subkey(p.subkeyLength, Qt::Uninitialized);
    if (PKCS5_PBKDF2_HMAC(utf8.bytes().constData(), int(utf8.bytes().size()),
                          reinterpret_cast<const unsigned char *>(salt.data()), int(salt.size()),
                          p.iterations, digestOf(p.prf), int(subkey.size()),
                          reinterpret_cast<unsigned char *>(subkey.data())) != 1)
        return Detail::cryptoFailure("pbkdf2");
    return subkey;
}

void appendBigEndian(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    out.append(bytes, 4);
}

quint32 readBigEndian(const QByteArray &bytes, int offset)
{
    return qFromBigEndian<quint32>(bytes.constData() + offset);
}

Result<ParsedHash> parse(const QString &storedHash)
{
    const auto decoded = QByteArray::fromBase64Encoding(storedHash.trimmed().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty())
        return unsupportedHash("not base64");
    const QByteArray &bytes = decoded.decoded;
    if (bytes.front() == kFormatV2)
        return unsupportedHash("Identity v2 hash (format 0x00)");
    if (bytes.front() != kFormatV3)
        return unsupportedHash("unknown format byte");
    if (bytes.size() < kHeaderSize)
        return unsupportedHash("v3 header truncated");
    const quint32 prf = readBigEndian(bytes, 1);
    const quint32 iterations = readBigEndian(bytes, 5);
    const quint32 saltLength = readBigEndian(bytes, 9);
    if (prf > quint32(PasswordPrf::HmacSha512))
        return unsupportedHash("unknown PRF id");
    if (iterations == 0 || iterations > PasswordHasher::kMaxIterations)
        return unsupportedHash("iteration count out of range");
    if (saltLength < quint32(kMinimumBytes) || saltLength > quint32(bytes.size() - kHeaderSize))
        return unsupportedHash("salt length out of range");
    ParsedHash parsed;
    parsed.salt = bytes.mid(kHeaderSize, int(saltLength));
    parsed.subkey = bytes.mid(kHeaderSize + int(saltLength));
    if (parsed.subkey.size() < kMinimumBytes)
        return unsupportedHash("subkey shorter than 128 bits");
    parsed.parameters = {PasswordPrf(prf), int(iterations), int(saltLength),
                         int(parsed.subkey.size())};
    return parsed;
}

} // namespace

Result<QString> PasswordHasher::hash(QStringView password, const PasswordHashParameters &parameters)
{
    const Result<QByteArray> salt = Detail::randomBytes(parameters.saltLength);
    if (!salt)
        return salt.error();
    return hashWithSalt(password, salt.value(), parameters);
}

Result<QString> PasswordHasher::hashWithSalt(QStringView password, QByteArrayView salt,
                                             const PasswordHashParameters &parameters)
{
    if (!validParameters(parameters) || salt.size() != parameters.saltLength)
        return Detail::cryptoFailure("password-hash-arguments");
    Result<QByteArray> subkey = pbkdf2(password, salt, parameters);
    if (!subkey)
        return subkey.error();
    QByteArray out(1, kFormatV3);
    appendBigEndian(out, quint32(parameters.prf));
    appendBigEndian(out, quint32(parameters.iterations));
    appendBigEndian(out, quint32(salt.size()));
    out += salt;
    out += subkey.value();
    return QString::fromLatin1(out.toBase64());
}

Result<PasswordVerification> PasswordHasher::verify(const QString &storedHash, QStringView password)
{
    const Result<ParsedHash> parsed = parse(storedHash);
    if (!parsed)
        return parsed.error();
    const PasswordHashParameters &p = parsed.value().parameters;
    Result<QByteArray> actual = pbkdf2(password, parsed.value().salt, p);
    if (!actual)
        return actual.error();
    // Constant time: the comparison must not tell how much of the subkey an attempt matched.
    const bool equal = Detail::constantTimeEquals(actual.value(), parsed.value().subkey);
    wipe(actual.value());
    if (!equal)
        return PasswordVerification::Failed;
    // PasswordHasher<TUser> asks for a rehash below its iteration count or without SHA-512.
    const PasswordHashParameters current;
    if (p.iterations < current.iterations || p.prf != PasswordPrf::HmacSha512)
        return PasswordVerification::SuccessRehashNeeded;
    return PasswordVerification::Success;
}

Result<PasswordHashParameters> PasswordHasher::parameters(const QString &storedHash)
{
    const Result<ParsedHash> parsed = parse(storedHash);
    if (!parsed)
        return parsed.error();
    return parsed.value().parameters;
}

} // namespace EasyCrm::Crypto
