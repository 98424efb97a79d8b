#pragma once

// Protects tokens the way the CRM server's ASP.NET Core Data Protection does, so the server
// reads what the client writes and the other way round (DESIGN §5):
//
//   protect:   plaintext -> default key of the ring -> magic | key id | encryptor output
//              -> base64url without padding ("CfDJ8...")
//   unprotect: "CfDJ8..." -> bytes -> magic? -> key by id (known? revoked?) -> MAC -> plaintext
//
// Purposes isolate uses: a value protected for one purpose list never unprotects under
// another (MacMismatch).

#include "core/common/clock.h"
#include "core/common/result.h"
#include "core/crypto/authenticatedencryption.h"
#include "core/crypto/keyring.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace EasyCrm::Crypto {

// The product's default purpose for integration tokens; the application name comes first.
inline constexpr QStringView kIntegrationTokensPurpose = u"EasyCrm.SocialCrm.IntegrationTokens";

class DataProtector
{
public:
    // purposes: the server's application name first, then the token purpose. `clock` must
    // outlive the protector; it decides which key is the default one.
    DataProtector(KeyRing ring, QStringList purposes, const Clock &clock);

    // UTF-8 text in, "CfDJ8…" out (base64url without padding), like the server's
    // IDataProtector.Protect(string). NoDefaultKey when the ring has no key to encrypt with.
    [[nodiscard]] Result<QString> protect(const QByteArray &plaintext) const;
    // PayloadInvalid (not base64url, wrong magic, too short), KeyNotFound, KeyRevoked
    // (the server refuses those by default too), MacMismatch (other purposes or altered).
    [[nodiscard]] Result<QByteArray> unprotect(const QString &protectedValue) const;

    // For known-answer tests: a fixed key modifier (16 bytes) and IV (16 bytes).
    [[nodiscard]] Result<QString> protectWith(const QByteArray &plaintext,
                                              const QByteArray &keyModifier,
                                              const QByteArray &iv) const;

    // The raw payload, for values the server stores in another text encoding.
    [[nodiscard]] Result<QByteArray> protectBytes(const QByteArray &plaintext) const;
    [[nodiscard]] Result<QByteArray> unprotectBytes(const QByteArray &payload) const;

    // Like the server's CreateProtector(purpose) on this protector: one more purpose.
    [[nodiscard]] DataProtector withPurpose(const QString &purpose) const;

    const KeyRing &keyRing() const { return m_ring; }
    const QStringList &purposes() const { return m_purposes; }

private:
    [[nodiscard]] Result<QByteArray> protectPayload(const QByteArray &plaintext,
                                                    const QByteArray &keyModifier,
                                                    const QByteArray &iv) const;

    KeyRing m_ring;
    QStringList m_purposes;
    const Clock *m_clock;
};

} // namespace EasyCrm::Crypto
