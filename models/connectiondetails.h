#pragma once

#include "core/common/providercatalogue.h"
#include "core/common/result.h"
#include "core/db/entities.h"

#include <QDateTime>
#include <QList>
#include <QStringList>
#include <QUuid>

namespace EasyCrm::Db {
class Database;
}

namespace EasyCrm::Models {

// What support staff see of one connection in its details: when its token expires, how the
// last refresh went, which scopes it holds against those the admin enabled, and every state
// change with its reason and the provider's error code. Never a token: the protected tokens
// are not even read into it, only whether a refresh token exists.
struct ConnectionDetails
{
    QUuid connectionId;
    QString providerKey;
    QString providerName;
    QString externalHandle;
    QString externalDisplayName;
    Db::ConnectionStatus status = Db::ConnectionStatus::NotConnected;
    QString statusReason;
    QDateTime connectedSince; // UTC, like every time here
    QDateTime accessTokenExpiresAt;
    bool hasRefreshToken = false;
    QDateTime refreshTokenExpiresAt;
    QDateTime lastRefreshTime;
    QString lastRefreshOutcome;
    int refreshFailureCount = 0;
    QDateTime nextRefreshTime;
    QStringList grantedScopes;
    QStringList enabledScopes; // the admin's configuration for the provider
    QList<Db::ConnectionHistoryEntry> history; // oldest first
};

// Reads the details of `connectionId`; NotFound when it no longer exists.
[[nodiscard]] Result<ConnectionDetails> loadConnectionDetails(Db::Database &database,
                                                              const ProviderCatalogue &catalogue,
                                                              const QUuid &connectionId);

} // namespace EasyCrm::Models
