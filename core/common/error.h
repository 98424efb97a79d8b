#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>

namespace EasyCrm {
Q_NAMESPACE

// One code per failure the program must tell apart; the message is for the person.
enum class ErrorCode {
    None,
    // The authorization step in the browser.
    Cancelled,
    BrowserTimedOut,
    AccessDenied,
    AuthorizationError,
    StateMismatch,
    IssuerMismatch,
    PortInUse,
    ListenFailed,
    BrowserOpenFailed,
    // Token and profile endpoints.
    NetworkError,
    Timeout,
    HttpError,
    ErrorResponse,
    MalformedResponse,
    MissingAccessToken,
    ProfileMissingId,
    // The connection itself.
    ProviderNotConfigured,
    ProviderUnknown,
    AlreadyConnected,
    IdentityMismatch,
    Busy,
    // Storage.
    DatabaseOpenFailed,
    DatabaseError,
    MigrationFailed,
    SchemaMismatch,
    ConcurrencyConflict,
    NotFound,
    Expired,
    AlreadyUsed,
    // Token protection.
    CryptoFailure,
    NoDefaultKey,
    KeyNotFound,
    KeyRevoked,
    PayloadInvalid,
    MacMismatch,
    // The key ring's XML is malformed, or a key is stored in a form this client cannot use
    // (encrypted at rest, another algorithm).
    KeyRingInvalid,
    // A production database: no server answered at the address, or it refused the user name
    // or password.
    DatabaseUnreachable,
    DatabaseCredentialsRejected,
    // The named CRM user exists but is not active (AbpUsers.IsActive).
    UserInactive,
    // Sign-in: a stored password hash this client cannot check (not Identity v3, damaged);
    // an unknown user or a wrong password (one code, so neither is told apart); a user locked
    // out after failed attempts (AbpUsers.LockoutEnd); a deleted user.
    PasswordHashUnsupported,
    InvalidCredentials,
    UserLockedOut,
    UserDeleted,
    // The signed-in user lacks the permission (AbpPermissionGrants) the action needs.
    PermissionDenied,
    // The external account is already connected to another brand account of the tenant.
    IdentityAlreadyConnected,
    // An admin's provider configuration that cannot be saved as entered.
    InvalidConfiguration,
};
Q_ENUM_NS(ErrorCode)

// `message` is translated and shown to the person; `detail` is for diagnostics. Neither
// ever carries a token, code, verifier, state or secret.
struct Error
{
    ErrorCode code = ErrorCode::None;
    QString message;
    QString detail;
    // What the provider answered, where it answered: the OAuth `error` code (RFC 6749 §5.2)
    // and the HTTP status. Used to tell permanent from transient failures.
    QString providerError;
    int httpStatus = 0;

    [[nodiscard]] bool isError() const { return code != ErrorCode::None; }
};

[[nodiscard]] QString errorCodeName(ErrorCode code);

} // namespace EasyCrm

Q_DECLARE_METATYPE(EasyCrm::Error)
