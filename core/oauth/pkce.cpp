#include "core/oauth/pkce.h"

#include "core/common/secret.h"

#include <QCoreApplication>
#include <QCryptographicHash>

#include <openssl/err.h>
#include <openssl/rand.h>

namespace EasyCrm::OAuth {

namespace {

// 64 random bytes give an 86-character verifier, inside RFC 7636 §4.1's 43..128.
constexpr int kVerifierEntropyBytes = 64;
constexpr int kStateEntropyBytes = 32;

constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

Result<QByteArray> randomBase64Url(int byteCount)
{
    QByteArray random(byteCount, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(random.data()), byteCount) != 1) {
        const unsigned long code = ERR_get_error();
        return makeError(ErrorCode::CryptoFailure,
                         QCoreApplication::translate("EasyCrm::OAuth",
                                                     "No secure random numbers are available."),
                         QStringLiteral("RAND_bytes failed (OpenSSL error %1)").arg(code));
    }
    QByteArray encoded = random.toBase64(kBase64Url);
    wipe(random);
    return encoded;
}

} // namespace

Result<Pkce> makePkce(PkceChallengeEncoding encoding)
{
    Result<QByteArray> verifier = randomBase64Url(kVerifierEntropyBytes);
    if (!verifier)
        return verifier.error();
    Pkce pkce;
    pkce.verifier = std::move(verifier).value();
    pkce.challenge = pkceChallenge(pkce.verifier, encoding);
    pkce.method = QStringLiteral("S256");
    return pkce;
}

QByteArray pkceChallenge(const QByteArray &verifier, PkceChallengeEncoding encoding)
{
    const QByteArray digest = QCryptographicHash::hash(verifier, QCryptographicHash::Sha256);
    switch (encoding) {
    case PkceChallengeEncoding::S256:
        return digest.toBase64(kBase64Url);
    case PkceChallengeEncoding::S256Hex:
        return digest.toHex();
    }
    Q_UNREACHABLE();
    return {};
}

Result<QByteArray> makeState()
{
    return randomBase64Url(kStateEntropyBytes);
}

QByteArray stateHash(const QByteArray &state)
{
    return QCryptographicHash::hash(state, QCryptographicHash::Sha256).toHex();
}

} // namespace EasyCrm::OAuth
