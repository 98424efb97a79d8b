#include "core/crypto/cryptoerrors_p.h"

#include "core/crypto/cryptologging.h"

#include <QCoreApplication>

namespace EasyCrm::Crypto::Detail {

namespace {

QString idText(const QUuid &keyId)
{
    return keyId.toString(QUuid::WithoutBraces);
}

} // namespace

Error payloadInvalid(const char *why)
{
    qCWarning(lcCrypto, "Unprotect refused: payload invalid (%s)", why);
    return makeError(ErrorCode::PayloadInvalid,
                     QCoreApplication::translate(
                         "Crypto", "The stored value is damaged or is not a protected value."),
                     QString::fromLatin1(why));
}

Error macMismatch()
{
    qCWarning(lcCrypto, "Unprotect refused: MAC does not verify");
    return makeError(ErrorCode::MacMismatch,
                     QCoreApplication::translate(
                         "Crypto", "The stored value was protected for another purpose or has been "
                                   "altered."),
                     QStringLiteral("HMAC-SHA256 over IV and ciphertext does not verify"));
}

Error noDefaultKey()
{
    qCWarning(lcCrypto, "Protect refused: no active, unexpired, unrevoked key");
    return makeError(ErrorCode::NoDefaultKey,
                     QCoreApplication::translate(
                         "Crypto",
                         "The CRM server's key ring has no active key. Start the CRM server "
                         "once so it creates one, then try again."));
}

Error keyNotFound(const QUuid &keyId)
{
    qCWarning(lcCrypto) << "Unprotect refused: key not in the ring" << keyId;
    return makeError(ErrorCode::KeyNotFound,
                     QCoreApplication::translate(
                         "Crypto",
                         "The key that protected this value is not in the CRM server's key "
                         "ring."),
                     u"key " + idText(keyId));
}

Error keyRevoked(const QUuid &keyId)
{
    qCWarning(lcCrypto) << "Unprotect refused: key revoked" << keyId;
    return makeError(ErrorCode::KeyRevoked,
                     QCoreApplication::translate(
                         "Crypto",
                         "The key that protected this value has been revoked; the value must "
                         "be entered or connected again."),
                     u"key " + idText(keyId));
}

Error keyUnusable(const QUuid &keyId)
{
    qCWarning(lcCrypto) << "Key cannot be used by this client" << keyId;
    return makeError(ErrorCode::KeyRingInvalid,
                     QCoreApplication::translate(
                         "Crypto",
                         "A key of the CRM server's key ring is stored in a form this client "
                         "cannot read (encrypted at rest or another algorithm)."),
                     u"key " + idText(keyId));
}

Error keyRingInvalid(const QString &detail)
{
    qCWarning(lcCrypto) << "Key ring rejected:" << detail;
    return makeError(
        ErrorCode::KeyRingInvalid,
        QCoreApplication::translate("Crypto", "The CRM server's key ring cannot be read."), detail);
}

} // namespace EasyCrm::Crypto::Detail
