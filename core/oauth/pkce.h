#pragma once

#include "core/common/providercatalogue.h"
#include "core/common/result.h"

#include <QByteArray>
#include <QString>

namespace EasyCrm::OAuth {

// Proof Key for Code Exchange (RFC 7636). The verifier is a secret until the token request;
// the challenge travels in the authorization request.
struct Pkce
{
    QByteArray verifier;
    QByteArray challenge;
    // The code_challenge_method sent: "S256" for both encodings (TikTok names its hex variant
    // S256 as well).
    QString method;
};

// A fresh verifier of 86 unreserved characters (64 bytes from OpenSSL's RNG, base64url) and
// its challenge. Fails only when the RNG does.
[[nodiscard]] Result<Pkce> makePkce(PkceChallengeEncoding encoding);

// RFC 7636 §4.2 S256: base64url(SHA-256(verifier)) without padding; S256Hex: the same digest
// as lowercase hex, as TikTok expects.
[[nodiscard]] QByteArray pkceChallenge(const QByteArray &verifier, PkceChallengeEncoding encoding);

// An anti-CSRF state (RFC 6749 §10.12, RFC 9700 §4.7): 32 bytes from OpenSSL's RNG (256 bits),
// base64url without padding (43 characters).
[[nodiscard]] Result<QByteArray> makeState();

// What is stored instead of the state: lowercase hex SHA-256 (64 characters).
[[nodiscard]] QByteArray stateHash(const QByteArray &state);

} // namespace EasyCrm::OAuth
