#include "core/common/error.h"

#include <QMetaEnum>

namespace EasyCrm {

namespace {
// Kept in step with the enum; the unit test walks every value.
constexpr const char *kNames[] = {
    "None", "Cancelled", "BrowserTimedOut", "AccessDenied", "AuthorizationError",
    "StateMismatch", "IssuerMismatch", "PortInUse", "ListenFailed", "BrowserOpenFailed",
    "NetworkError", "Timeout", "HttpError", "ErrorResponse", "MalformedResponse",
    "MissingAccessToken", "ProfileMissingId", "ProviderNotConfigured", "ProviderUnknown",
    "AlreadyConnected", "IdentityMismatch", "Busy", "DatabaseOpenFailed", "DatabaseError",
    "MigrationFailed", "SchemaMismatch", "ConcurrencyConflict", "NotFound", "Expired",
    "AlreadyUsed", "CryptoFailure", "NoDefaultKey", "KeyNotFound", "KeyRevoked",
    "PayloadInvalid", "MacMismatch", "KeyRingInvalid",
};
} // namespace

QString errorCodeName(ErrorCode code)
{
    const auto index = static_cast<size_t>(code);
    if (index >= std::size(kNames))
        return QStringLiteral("Unknown");
    return QString::fromLatin1(kNames[index]);
}

} // namespace EasyCrm
