#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <optional>

namespace EasyCrm::Db {

// Columns every ABP aggregate of the module carries. Timestamps are UTC in memory; the
// Database writes them in its basis. Inserts take CreationTime/CreatorId from here, updates
// LastModificationTime/LastModifierId; the repositories renew ConcurrencyStamp.
struct AuditedFields
{
    QJsonObject extraProperties;
    QString concurrencyStamp; // set by the repositories; 32 lowercase hex
    QDateTime creationTime;
    std::optional<QUuid> creatorId;
    QDateTime lastModificationTime;
    std::optional<QUuid> lastModifierId;
};

// An admin's configuration of one provider for one tenant (TenantId NULL = host).
struct ProviderConfig : AuditedFields
{
    QUuid id;
    std::optional<QUuid> tenantId;
    QString providerKey;
    bool isEnabled = false;
    QString clientId;
    QString protectedClientSecret; // already protected by the caller; stored as given
    QStringList enabledScopes;     // stored space-separated
    QString authorizeEndpoint;     // empty = the catalogue's default
    QString tokenEndpoint;
    QString revocationEndpoint;
    QString profileEndpoint;
    QString issuer;       // empty = the catalogue's default
    int redirectPort = 0; // 0 = any loopback port
};

struct BrandAccount : AuditedFields
{
    QUuid id;
    std::optional<QUuid> tenantId;
    QString name;
};

// Stored as int; the values are part of the database contract.
enum class ConnectionStatus { NotConnected = 0, Connected = 1, RequiresReauth = 2 };

struct IntegrationConnection : AuditedFields
{
    QUuid id;
    std::optional<QUuid> tenantId;
    std::optional<QUuid> ownerUserId;    // NULL for a brand account connection
    std::optional<QUuid> brandAccountId; // set for a brand account connection
    QString providerKey;
    QString externalUserId;
    QString externalHandle;
    QString externalDisplayName;
    QString protectedAccessToken;  // already protected by the caller; stored as given
    QString protectedRefreshToken; // idem; empty = none
    QDateTime accessTokenExpiresAt;
    QDateTime refreshTokenExpiresAt;
    QStringList grantedScopes; // stored space-separated
    ConnectionStatus status = ConnectionStatus::NotConnected;
    QString statusReason;
    QDateTime lastSyncTime;
    QDateTime lastRefreshTime;
    QString lastRefreshOutcome;
    int refreshFailureCount = 0;
    QDateTime nextRefreshTime;
    QString refreshLeaseOwner;
    QDateTime refreshLeaseUntil;
};

// The server-side half of one authorization attempt. Only a hash of the state is kept.
struct PendingAuthorization
{
    QUuid id;
    std::optional<QUuid> tenantId;
    QUuid userId;
    QString providerKey;
    std::optional<QUuid> brandAccountId;
    std::optional<QUuid> connectionId; // the connection being reconnected, if any
    QString stateHash;                 // lowercase hex SHA-256 of the state
    QString protectedCodeVerifier;     // already protected by the caller; stored as given
    QString redirectUri;
    QStringList requestedScopes;
    QDateTime expiresAt;
    QDateTime consumedTime;
    QDateTime creationTime;
    QJsonObject extraProperties;
    QString concurrencyStamp;
};

struct Notification
{
    QUuid id;
    std::optional<QUuid> tenantId;
    QUuid userId;
    std::optional<QUuid> connectionId;
    QString kind;    // e.g. "ConnectionRequiresReauth"
    QString message; // already translated for the user
    bool isRead = false;
    QDateTime creationTime;
};

struct ConnectionHistoryEntry
{
    QUuid id;
    std::optional<QUuid> tenantId;
    QUuid connectionId;
    ConnectionStatus fromStatus = ConnectionStatus::NotConnected;
    ConnectionStatus toStatus = ConnectionStatus::NotConnected;
    QString reason;
    QString providerError; // the provider's OAuth error code, never its description
    QDateTime creationTime;
    std::optional<QUuid> creatorId;
};

} // namespace EasyCrm::Db

Q_DECLARE_METATYPE(EasyCrm::Db::IntegrationConnection)
Q_DECLARE_METATYPE(EasyCrm::Db::BrandAccount)
Q_DECLARE_METATYPE(EasyCrm::Db::Notification)
