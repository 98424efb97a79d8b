#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QUuid>

namespace EasyCrm {

// The state a provider shows on Settings — Social Integration.
enum class ConnectionState { NotConnected, Connected, RequiresReauth };

// What the Social Integration page needs of one provider for the signed-in user.
struct ProviderStatus
{
    QString providerKey;
    QString providerName;
    bool configured = false; // an admin enabled it and gave it a client id
    ConnectionState state = ConnectionState::NotConnected;
    QUuid connectionId;
    QString externalHandle;
    QString externalDisplayName;
    QDateTime lastSyncUtc;
    QString statusReason;
    // Where nothing renews the connection in time (RefreshScheduler::expiryWarningTime): from
    // when it is shown as expiring, and when its access token expires. Both invalid otherwise.
    QDateTime expiryWarningUtc;
    QDateTime expiresAtUtc;
};

// One brand account of the tenant on Settings — Social Integration — Brand Accounts, with
// the connection it holds (providerKey empty while it holds none).
struct BrandAccountStatus
{
    QUuid brandAccountId;
    QString name;
    QString providerKey;
    QString providerName;
    QUuid connectionId;
    ConnectionState state = ConnectionState::NotConnected;
    QString externalHandle;
    QString externalDisplayName;
    QDateTime lastSyncUtc;
    QString statusReason;
};

// Where a connect attempt is; Idle when none runs.
enum class FlowPhase { Idle, Preparing, WaitingForBrowser, Exchanging, Verifying, Saving };

} // namespace EasyCrm

Q_DECLARE_METATYPE(EasyCrm::ProviderStatus)
Q_DECLARE_METATYPE(EasyCrm::BrandAccountStatus)
